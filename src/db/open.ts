import { resolve } from 'node:path';
import type { Database } from './types.ts';
import type { PgliteOptions } from './pglite.ts';

/** The embedded default when neither `--database` nor `DATABASE_URL` says otherwise. */
export const DEFAULT_DATA_DIR = '.mtc/pgdata';

export type DatabaseTarget = { kind: 'postgres'; url: string; location: string } | { kind: 'pglite'; dir: string | undefined; location: string };

/**
 * Reads a database address: `postgres://` or `postgresql://` is a server, `memory://` an
 * in-memory PGlite, anything else the directory of a file-backed PGlite, and nothing at all
 * the embedded default `./.mtc/pgdata`.
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  const value = url?.trim() || undefined;
  if (value === undefined) return { kind: 'pglite', dir: resolve(DEFAULT_DATA_DIR), location: DEFAULT_DATA_DIR };
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', url: value, location: redactUrl(value) };
  if (value === 'memory://' || value === 'memory:') return { kind: 'pglite', dir: undefined, location: 'memory://' };
  const dir = value.replace(/^file:\/\//i, '');
  return { kind: 'pglite', dir: resolve(dir), location: dir };
}

/** The URL with its password replaced, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export interface OpenOptions extends PgliteOptions {
  /**
   * The address keeps each client's session: PostgreSQL itself, or a connection pooler in
   * session mode (MTC_DIRECT_DATABASE_URL says so). A server's sessions are then taken as
   * keeping their state even when a pooler answers (Session.keepsState).
   */
  keepsSessions?: boolean;
}

/** Opens the database `url` names (see parseDatabaseUrl); the driver is loaded only for the kind used. */
export async function openDatabase(url?: string, options: OpenOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (target.kind === 'postgres') {
    if (options.lean) {
      const { openLeanDatabase } = await import('./lean.ts');
      const lean = await openLeanDatabase(target.url, target.location, { keepsSessions: options.keepsSessions === true });
      if (lean) return lean;
    }
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres(target.url, target.location, { keepsSessions: options.keepsSessions === true });
  }
  const { openPglite } = await import('./pglite.ts');
  return openPglite(target.dir, target.location, options);
}
