import { MtcError } from '../errors.ts';
import type { OutputStream } from './command.ts';

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Whether an error means the database could not be reached or entered (exit 3). */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // 08: connection exception; 28: invalid authorization; 3D000: no such database; 57P03: cannot connect now
  return CONNECTION_ERRNOS.has(code) || code.startsWith('08') || code.startsWith('28') || code === '3D000' || code === '57P03';
}

/** The exit code for an error: 1 state, 2 usage, 3 connection or lock. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof MtcError) return err.category === 'usage' ? 2 : err.category === 'connection' ? 3 : 1;
  if (isConnectionError(err)) return 3;
  return 1;
}

/** Writes an error for a person (stderr) or, with --json, as `{"error": {code, message, details}}` on stdout. */
export function reportError(err: unknown, json: boolean, io: { stdout: OutputStream; stderr: OutputStream; env: NodeJS.ProcessEnv }): void {
  const code = err instanceof MtcError ? err.code : isConnectionError(err) ? 'CONNECTION_FAILED' : ((err as { code?: string })?.code ?? 'INTERNAL');
  let message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof MtcError) && isConnectionError(err)) message = `could not connect to the database: ${message}`;
  const details = err instanceof MtcError ? err.details : {};
  if (json) {
    io.stdout.write(`${JSON.stringify({ error: { code, message, details } }, null, 2)}\n`);
  } else {
    io.stderr.write(`mtc: ${message}\n`);
    if (!(err instanceof MtcError) && !isConnectionError(err) && io.env.MTC_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
  }
}
