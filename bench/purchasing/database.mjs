// The database the purchasing benches measure on: PGlite in memory, or a throwaway PostgreSQL
// cluster (or BENCH_DATABASE_URL) with a database of its own, migrated through `src/` as it is.
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { databaseUrl, startServer } from '../lib/harness.mjs';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const src = (p) => import(pathToFileURL(join(repo, 'src', p)).href);
const { openDatabase } = await src('db/open.ts');
const { loadMigrations } = await src('schema/migrations/source.ts');
const { planMigrations } = await src('schema/migrations/plan.ts');
const { migrate } = await src('schema/migrations/migrate.ts');
const { splitStatements } = await src('schema/lint/index.ts');

/**
 * A migrated database on `kind` ('postgres' or 'pglite'): `name` is the database made on the
 * server; `server` the runner and cluster options of startServer. Answers the open database,
 * a description for the log, the server's version and the cluster's CPU time so far (0 on
 * PGlite, or on a server of BENCH_DATABASE_URL, whose processes are not this machine's to read).
 */
export async function migratedDatabase(kind, { name, runner, prefix, extraSettings = [] }) {
  let url = 'memory://';
  let description = 'PGlite in memory';
  let serverCpu = () => 0;
  if (kind === 'postgres') {
    const server = await startServer(runner, { prefix, extraSettings });
    const admin = await openDatabase(server.adminUrl);
    await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
    await admin.exec(`CREATE DATABASE ${name}`);
    await admin.close();
    url = databaseUrl(server.adminUrl, name);
    description = server.description;
    serverCpu = server.cpuMs ?? serverCpu;
  }
  const db = await openDatabase(url);
  const migrated = await migrate(db, planMigrations(await loadMigrations(join(repo, 'migrations'))), { splitStatements });
  if (migrated.failure) throw new Error(`migrate failed: ${migrated.failure.message}`);
  return { db, description, serverCpu };
}
