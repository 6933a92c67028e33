import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/open.ts';
import type { Database } from '../../src/db/types.ts';
import { TEMPLATE_DIR } from './template.ts';

/** A database of a test's own: empty, on one backend. */
export interface TestDatabase {
  /** What to pass as --database or to openDatabase. */
  url: string;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Set when the backend is not available here; tests are then reported as skipped. */
  skip: string | false;
  create(): Promise<TestDatabase>;
  /**
   * A new database holding what `source` (a database of this backend, closed) holds: a copy
   * of its files, where loading the same content takes seconds. The caller drops it.
   */
  copy(source: TestDatabase): Promise<TestDatabase>;
}

/** The server tests run on: MTC_TEST_DATABASE_URL (an admin URL; npm test sets it, to a throwaway server of its own unless it is set). */
export const serverUrl = process.env.MTC_TEST_DATABASE_URL;

export const pgliteBackend: Backend = {
  name: 'pglite',
  skip: false,
  create: () => pgliteCopy(TEMPLATE_DIR),
  copy: (source) => pgliteCopy(source.url),
};

/** A PGlite database in a directory of its own, a copy of the data directory `from`. */
async function pgliteCopy(from: string): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'mtc-test-pglite-'));
  const dataDir = join(dir, 'pgdata');
  await cp(from, dataDir, { recursive: true });
  return {
    url: dataDir,
    open: () => openDatabase(dataDir),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

export const postgresBackend: Backend = {
  name: 'postgres',
  skip: serverUrl ? false : 'no PostgreSQL server: set MTC_TEST_DATABASE_URL (npm test does)',
  create: () => serverDatabase(''),
  // The server copies the template's files; it must have no session open meanwhile.
  copy: (source) => serverDatabase(` TEMPLATE ${new URL(source.url).pathname.slice(1)}`),
};

/** A database of its own on the test server, made by CREATE DATABASE with `options`. */
async function serverDatabase(options: string): Promise<TestDatabase> {
  const name = `mtc_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`CREATE DATABASE ${name}${options}`);
  const u = new URL(serverUrl as string);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    open: () => openDatabase(url),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Opens the test database, runs `fn`, closes it (a PGlite directory admits one process at a time: an mtc the test runs cannot open it meanwhile). */
export async function withOpen<T>(t: TestDatabase, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await t.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Both backends: every database test runs on each. */
export const backends: readonly Backend[] = [pgliteBackend, postgresBackend];

/** Runs one statement on the server's admin database. */
export async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
