// The MTC a browser test talks to: a database of its own on one backend, migrated and
// seeded with the demo data, an admin who can log in, and `mtc serve` (the built CLI, serving
// the built web app at / and the API under /api) on 127.0.0.1 with a free port.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createUser } from '../../src/app/access/accounts.ts';
import { seedDemo } from '../../src/app/demo/seed.ts';
import { openDatabase } from '../../src/db/open.ts';
import { template } from '../helpers/backends.ts';
import type { Backend } from '../helpers/backends.ts';
import { ROOT, listeningAddress, startMtc } from '../helpers/cli.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { migrateProject } from '../helpers/migrated.ts';

/** A running `mtc serve` over the demo data, and the admin to log in as. */
export interface DemoServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  admin: { name: string; email: string; password: string };
  /** The database it serves (a PGlite directory is the server's alone while it runs). */
  databaseUrl: string;
  /** Stops the server (SIGTERM, as a user would) and drops its database. */
  stop(): Promise<void>;
}

/** A hash of what the demo database is made from: the migrations and the sources (the seed, the accounts). */
async function sourcesKey(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string) => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else
        hash
          .update(p)
          .update('\0')
          .update(await readFile(p))
          .update('\0');
    }
  };
  await walk(join(ROOT, 'migrations'));
  await walk(join(ROOT, 'src'));
  return hash.digest('hex').slice(0, 16);
}

/** Migrates the database at `url`, loads the demo data and adds the admin. */
async function makeDemo(url: string, admin: DemoServer['admin']): Promise<void> {
  const db = await openDatabase(url);
  try {
    await migrateProject(db);
    await seedDemo(db);
    await createUser(db, { ...admin, role: 'admin' }, CLI_ACTOR);
  } finally {
    await db.close();
  }
}

/**
 * A database of the test's own on `backend`, copied from a demo template made once for these
 * migrations and sources (migrate, seed and the admin's password hash take many seconds on
 * PGlite; a copy takes a fraction of one).
 */
async function demoDatabase(backend: Backend, admin: DemoServer['admin'], key: string): Promise<{ url: string; drop: () => Promise<void> }> {
  return backend.copy({ url: await template(backend, `demo-${key}`, (url) => makeDemo(url, admin)) });
}

/**
 * Serves the demo data (what `mtc seed --demo` makes) on `backend`, with an admin "Test
 * Admin" whose password comes from the template's key. The server is the real `mtc serve`,
 * as a user starts it.
 */
export async function serveDemo(backend: Backend): Promise<DemoServer> {
  const key = await sourcesKey();
  const admin = {
    name: 'Test Admin',
    email: 'test.admin@example.com',
    password: `pw-${createHash('sha256').update(`admin ${key}`).digest('base64url').slice(0, 16)}`,
  };
  const t = await demoDatabase(backend, admin, key);
  let server: ReturnType<typeof startMtc> | undefined;
  const stop = async () => {
    server?.child.kill('SIGTERM');
    await server?.done;
    await t.drop();
  };
  try {
    server = startMtc(['serve', '--port', '0', '--host', '127.0.0.1', '--database', t.url], {
      // Every test logs in as the admin, more often than the 10 a minute a person is allowed.
      env: { LOG_LEVEL: 'warn', MTC_LOGIN_ATTEMPTS_PER_MINUTE: '1000', MTC_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '1000' },
    });
    return { url: await listeningAddress(server.child), admin, databaseUrl: t.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
