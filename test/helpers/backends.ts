import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/open.ts';
import type { Database } from '../../src/db/types.ts';
import { migrateProject } from './migrated.ts';
import { TEMPLATE_DIR } from './template.ts';
import { copyTree, removeTree } from './tree.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url).pathname;

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
  /** An empty database of the test's own; `migrated`: with MTC's migrations applied (copied from a template made once). */
  create(options?: { migrated?: boolean }): Promise<TestDatabase>;
  /**
   * A new database holding what `source` (a database of this backend, closed) holds: a copy
   * of its files, where loading the same content takes seconds. The caller drops it.
   */
  copy(source: Pick<TestDatabase, 'url'>): Promise<TestDatabase>;
}

/** The server tests run on: MTC_TEST_DATABASE_URL (an admin URL; npm test sets it, to a throwaway server of its own unless it is set). */
export const serverUrl = process.env.MTC_TEST_DATABASE_URL;

export const pgliteBackend: Backend = {
  name: 'pglite',
  skip: false,
  create: async (options = {}) => pgliteCopy(options.migrated ? await migratedPgliteTemplate() : TEMPLATE_DIR),
  async copy(source) {
    await closeHeld(source.url); // its files as they are once closed
    return pgliteCopy(source.url);
  },
};

/** A PGlite database in a directory of its own, a copy of the data directory `from`. */
async function pgliteCopy(from: string): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'mtc-test-pglite-'));
  const dataDir = join(dir, 'pgdata');
  await copyTree(from, dataDir);
  testDirectories.add(dataDir);
  return {
    url: dataDir,
    open: () => leaseEmbedded(dataDir),
    async drop() {
      await closeHeld(dataDir);
      testDirectories.delete(dataDir);
      await removeTree(dir);
    },
  };
}

// Opening a PGlite directory costs over half a second, and a test opens its database many
// times (to set it up, for each `mtc` command run in this process, to check the result). So a
// test database this process holds stays open while it is used and for a moment after: the
// next open in that moment takes the same one. Idle for IDLE_MS it is closed, so that a
// process the test starts (mtc serve) gets the directory after a short wait, as it waits
// for any other process that has it open. Held only when this process has the directory
// itself; through a serving process's socket each open is its own. While another process has
// the directory, an open waits for it as any open does (up to --lock-timeout).
const testDirectories = new Set<string>();
const IDLE_MS = 300;
interface Held {
  db: Database;
  users: number;
  timer: NodeJS.Timeout | undefined;
}
const held = new Map<string, Promise<Held | Database>>();

/** The test database in `dir` opened, or the one this process holds; its `close` lets go of it. */
async function leaseEmbedded(dir: string, options: { lockTimeoutMs?: number } = {}): Promise<Database> {
  let entry = held.get(dir);
  if (!entry) {
    entry = openDatabase(dir, options).then(async (db) => {
      const lock = await readFile(`${dir}.lock`, 'utf8').catch(() => '');
      return lock.includes(`"pid":${process.pid},`) ? { db, users: 0, timer: undefined } : db;
    });
    held.set(dir, entry);
    // one this process does not hold is only for the caller that opened it
    void entry.then(
      (h) => 'users' in h || held.delete(dir),
      () => held.delete(dir),
    );
  }
  const h = await entry;
  if (!('users' in h)) return h;
  clearTimeout(h.timer);
  h.users += 1;
  let closed = false;
  const { db } = h;
  return {
    kind: db.kind,
    concurrent: db.concurrent,
    location: db.location,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    session: (fn) => db.session(fn),
    async close() {
      if (closed) return;
      closed = true;
      h.users -= 1;
      if (h.users > 0) return;
      // what a user left in the session goes, as it would with its own connection
      await db.exec('RESET ALL; SELECT pg_advisory_unlock_all()').catch(() => {});
      if (h.users === 0) h.timer = setTimeout(() => void closeHeld(dir), IDLE_MS).unref();
    },
  };
}

/** Closes the test database in `dir` if this process holds it. */
async function closeHeld(dir: string): Promise<void> {
  const entry = held.get(dir);
  if (!entry) return;
  held.delete(dir);
  const h = await entry.catch(() => undefined);
  if (h && 'users' in h) {
    clearTimeout(h.timer);
    await h.db.close();
  }
}

/** How `mtc` run in this process (helpers/cli.ts) opens a database: a test database this process holds is shared with it. */
export function openForCli(url: string | undefined, options: { lockTimeoutMs: number }): Promise<Database> {
  const target = url === undefined ? undefined : resolve(url.replace(/^file:\/\//i, ''));
  if (target !== undefined && testDirectories.has(target)) return leaseEmbedded(target, options);
  return openDatabase(url, options);
}

export const postgresBackend: Backend = {
  name: 'postgres',
  skip: serverUrl ? false : 'no PostgreSQL server: set MTC_TEST_DATABASE_URL (npm test does)',
  async create(options = {}) {
    if (!options.migrated) return serverDatabase('');
    return this.copy({ url: await template(this, `migrated-${await migrationsKey()}`, applyMigrations) });
  },
  // The server copies the template's files; it must have no session open meanwhile. Through
  // the WAL (PostgreSQL 15's default): STRATEGY = FILE_COPY took half the time alone (100 ms
  // rather than 200), but forces two checkpoints of the whole server each time, and with
  // other tests writing meanwhile the suite ran 8% longer.
  copy: (source) => serverDatabase(` TEMPLATE ${new URL(source.url).pathname.slice(1)}`),
};

/** A database of its own on the test server, made by CREATE DATABASE with `options`. */
async function serverDatabase(options: string): Promise<TestDatabase> {
  const name = `mtc_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`CREATE DATABASE ${name}${options}`);
  const url = databaseUrl(name);
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

/** The test server's URL for database `name`. */
function databaseUrl(name: string): string {
  const u = new URL(serverUrl as string);
  u.pathname = `/${name}`;
  return u.toString();
}

// Templates: a database made once (migrated, seeded…) and copied by each test that needs it
// (`copy`): a PGlite data directory, or a server database copied by CREATE DATABASE … TEMPLATE.
// Several test files may make one at once: each builds its own aside and the first to rename
// it into place wins.

/**
 * The template called `key` on `backend` (letters, digits, `-` and `_`), made by `fill` from
 * an empty database if it is not there yet; its URL, for `copy`.
 */
export async function template(backend: Backend, key: string, fill: (url: string) => Promise<void>): Promise<string> {
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  if (backend.name === 'pglite') {
    const dir = `${TEMPLATE_DIR}-${key}`;
    if (existsSync(dir)) return dir;
    const building = `${dir}.tmp-${tag}`;
    await copyTree(TEMPLATE_DIR, building);
    try {
      await fill(building);
      await rename(building, dir);
    } catch (err) {
      await removeTree(building);
      if (!existsSync(dir)) throw err;
    }
    return dir;
  }
  const name = `mtc_${key}`.replace(/-/g, '_');
  if (!(await serverHas(name))) {
    const building = `${name}_tmp_${tag}`.replace(/-/g, '_');
    await adminQuery(`CREATE DATABASE ${building}`);
    try {
      await fill(databaseUrl(building));
      await adminQuery(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (err) {
      await adminQuery(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      if (!(await serverHas(name))) throw err;
    }
  }
  return databaseUrl(name);
}

/** A PGlite data directory with MTC's migrations applied (made by test/helpers/prepare-template.ts before the tests, or by the first test to need it). */
export async function migratedPgliteTemplate(): Promise<string> {
  return template(pgliteBackend, `mtc-${await migrationsKey()}`, applyMigrations);
}

async function applyMigrations(url: string): Promise<void> {
  const db = await openDatabase(url);
  try {
    await migrateProject(db);
  } finally {
    await db.close();
  }
}

/** What the migrations are, in 16 hex digits: a template made from other migrations is another template. */
async function migrationsKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(MIGRATIONS)).sort())
    hash
      .update(name)
      .update('\0')
      .update(await readFile(join(MIGRATIONS, name)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

async function serverHas(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}
