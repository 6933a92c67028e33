// How a page says it is waiting, or that something went wrong.
import { ApiError } from './api.ts';

export function Loading() {
  return (
    <p className="loading" role="status">
      Loading…
    </p>
  );
}

/** The API's message (it says what to do), or a plain one for anything else. */
export function ErrorAlert({ error }: { error: unknown }) {
  const message = error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong: reload the page and try again.';
  return (
    <p className="alert" role="alert">
      {message}
    </p>
  );
}
