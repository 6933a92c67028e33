// The MTC a browser test talks to: a database of its own on one backend, migrated and
// seeded with the demo data, an admin who can log in, and `mtc serve` (the built CLI, serving
// the built web app at / and the API under /api) on 127.0.0.1 with a free port.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createUser } from '../../src/app/access/accounts.ts';
import { seedDemo } from '../../src/app/demo/seed.ts';
import { splitStatements } from '../../src/schema/lint/index.ts';
import { migrate } from '../../src/schema/migrations/migrate.ts';
import { planMigrations } from '../../src/schema/migrations/plan.ts';
import { loadMigrations } from '../../src/schema/migrations/source.ts';
import type { Backend, TestDatabase } from '../helpers/backends.ts';
import { ROOT, listeningAddress, startMtc } from '../helpers/cli.ts';

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

/**
 * Serves the demo data (what `mtc seed --demo` makes) on `backend`, with an admin "Test
 * Admin". The database is prepared in this process, in one opening: on PGlite each `mtc`
 * command boots the database anew, and migrate, seed and user add that way take over 20 s.
 * The server is the real `mtc serve`, as a user starts it.
 */
export async function serveDemo(backend: Backend): Promise<DemoServer> {
  const t: TestDatabase = await backend.create();
  const admin = { name: 'Test Admin', email: 'test.admin@example.com', password: randomBytes(12).toString('base64url') };
  let server: ReturnType<typeof startMtc> | undefined;
  const stop = async () => {
    server?.child.kill('SIGTERM');
    await server?.done;
    await t.drop();
  };
  try {
    const db = await t.open();
    try {
      const migrated = await migrate(db, planMigrations(await loadMigrations(join(ROOT, 'migrations'))), { splitStatements });
      if (migrated.failure) throw new Error(`migrate failed: ${migrated.failure.message}`);
      await seedDemo(db);
      await createUser(db, { ...admin, role: 'admin' });
    } finally {
      await db.close();
    }
    server = startMtc(['serve', '--port', '0', '--host', '127.0.0.1', '--database', t.url], { env: { LOG_LEVEL: 'warn' } });
    return { url: await listeningAddress(server.child), admin, databaseUrl: t.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
