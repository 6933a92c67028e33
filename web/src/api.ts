// The one way the app talks to the API: JSON over fetch, with the session cookie, the CSRF
// token on every unsafe request, and the API's errors thrown as ApiError values.

/** A field the API refused: its path (`body/quantity`), its name (`quantity`, `lines[2].unitPrice`) and what to write instead. */
export interface FieldProblem {
  path: string;
  field: string;
  message: string;
}

/** An error the API answered with: its HTTP status, stable code and a message that says what to do. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The first invalid field's path (`body/email`), when the API named one. */
  readonly field: string | undefined;
  readonly details: Record<string, unknown>;
  /** Every field the API refused, each with its own sentence (empty when it named none). */
  readonly fields: FieldProblem[];

  constructor(status: number, code: string, message: string, field: string | undefined = undefined, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
    this.fields = fieldProblems(details.fields);
    this.name = 'ApiError';
  }
}

/**
 * What a page shows after the label of the field an error names: the field's own sentence when
 * the API named one field ("write a number with up to 3 decimals…"), else the API's message.
 */
export function refusalMessage(error: unknown): string {
  if (error instanceof ApiError) return error.fields.length === 1 ? error.fields[0]!.message : error.message;
  return error instanceof Error ? error.message : 'Something went wrong: reload the page and try again.';
}

/** The API's `details.fields`, each with a path, a name and a sentence; anything else left out. */
function fieldProblems(fields: unknown): FieldProblem[] {
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f: { path?: unknown; field?: unknown; message?: unknown }) =>
    typeof f === 'object' && f !== null && typeof f.path === 'string' && typeof f.message === 'string'
      ? [{ path: f.path, field: typeof f.field === 'string' ? f.field : f.path.replace(/^(body|querystring|params)\//, ''), message: f.message }]
      : [],
  );
}

let csrfToken: string | undefined;
let onUnauthorized: () => void = () => {};

/** Keeps the session's CSRF token (from login or /api/auth/me) for the unsafe requests that follow. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** What to do when the API says the session is gone (401): the session provider sends the user to /login. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** Query parameters, leaving out the empty ones. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/**
 * Calls the API and resolves to its JSON body (undefined for 204). Rejects with an ApiError
 * carrying the API's code and message; a 401 on anything but logging in also tells the
 * session it is over. A network failure becomes an ApiError with code NETWORK.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(method !== 'GET' && method !== 'HEAD' ? unsafeRequestHeaders() : {}) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached: check your connection, then try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as T;
  throw refused(path, response.status, response.statusText, payload);
}

/** The headers that let a request the app makes without api() (a file upload) change something: the session's CSRF token. */
export function unsafeRequestHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/**
 * The ApiError for a response the API refused: its status, and the API's code, message and
 * first invalid field. A 401 on anything but logging in also tells the session it is over.
 */
export function refused(path: string, status: number, statusText: string, payload: unknown): ApiError {
  const error = (payload as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
  const fields = error?.details?.fields as { path: string }[] | undefined;
  const failure = new ApiError(
    status,
    error?.code ?? 'HTTP_ERROR',
    error?.message ?? `The server answered ${status} ${statusText}: try again, and tell your administrator if it goes on.`,
    fields?.[0]?.path,
    error?.details ?? {},
  );
  if (status === 401 && path !== '/api/auth/login') onUnauthorized();
  return failure;
}
