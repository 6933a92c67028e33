import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { isActive } from './shapes.ts';
import type { ImportJobDetail } from './shapes.ts';

/** How often a running job is asked about: the API updates its counters at least every second. */
export const POLL_MS = 1000;

export interface FollowedJob {
  job: ImportJobDetail | undefined;
  /** The last failure to read the job (it is asked again while it runs). */
  error: unknown;
  /** Takes a job the page got another way (the answer to start or cancel) and follows it from there. */
  update(job: ImportJobDetail): void;
}

/**
 * Follows import job `id`: reads it, then reads it again about every second while the server
 * works on it (running, or queued to run), and stops once it waits for a start or has ended.
 */
export function useImportJob(id: string): FollowedJob {
  const [state, setState] = useState<{ id: string; job?: ImportJobDetail; error?: unknown }>({ id });
  const [asked, setAsked] = useState(0);
  const current: typeof state = state.id === id ? state : { id };
  const job = current.job;
  // A job that could not be read at all (404, say) is not asked about again; one that could is,
  // while it is active, through a failed read or two.
  const following = job === undefined ? current.error === undefined : isActive(job);
  const first = job === undefined;

  useEffect(() => {
    if (!following) return;
    let live = true;
    // The first read at once; the next ones a second after the last answer, so slow answers never pile up.
    const timer = setTimeout(
      () => {
        api<ImportJobDetail>('GET', `/api/imports/${encodeURIComponent(id)}`)
          .then(
            (next) => live && setState({ id, job: next }),
            (error: unknown) => live && setState((s) => ({ id, ...(s.id === id && s.job ? { job: s.job } : {}), error })),
          )
          .finally(() => live && setAsked((n) => n + 1));
      },
      first ? 0 : POLL_MS,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `asked` schedules the next read after each answer.
  }, [id, following, first, asked]);

  const update = useCallback((next: ImportJobDetail) => setState({ id, job: next }), [id]);
  return { job, error: current.error, update };
}
