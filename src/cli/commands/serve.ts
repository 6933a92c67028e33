import type { CommandContext } from '../command.ts';
import { loadConfig } from '../config.ts';
import { loadSnapshotModel } from '../snapshot.ts';
import { loadProject } from '../project.ts';
import { UsageError } from '../usage.ts';
import { DEFAULT_LOGIN_LIMITS } from '../../app/access/throttle.ts';

export const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'secure-cookies': { type: 'boolean' },
  'import-workers': { type: 'string' },
} as const;

export const help = `Usage: mtc serve [--port N] [--host ADDRESS] [--secure-cookies] [--import-workers N] [--database URL]
                 [--lock-timeout SECONDS]

Serves the web app (at /, built by npm run build) and the HTTP API (JSON under /api, its
OpenAPI document and explorer at /api/docs, /health and /ready) on http://127.0.0.1:3000 by default (PORT and HOST work too). The
database must be migrated (mtc migrate; npm start does both). Logs are JSON lines (pino)
on stdout, each with its request id. SIGINT or SIGTERM stops it gracefully: requests in
flight finish, then the database is closed.

On an embedded database (a directory, ./.mtc/pgdata by default) it shares the database with
the other mtc commands of this machine while it runs: they reach it through this process
over a Unix socket in the data directory that only its owner may use (.s.PGSQL.5432, named
in mtc-serve.json), so mtc user add, status, verify, migrate, import… work at once. A
second mtc serve on the same directory stops at once (exit 3), naming this one.

It also runs import jobs in the background: every mtc serve on one database takes jobs as
they come (each job is run by exactly one of them) and takes over the jobs of a server that
died. On SIGINT or SIGTERM a running import stops after the batch it is writing and is left
for another server, or this one when it starts again, to finish.

Options:
  --port N           the port (default $PORT, else 3000; 0 picks a free one)
  --host ADDRESS     the address to listen on (default $HOST, else 127.0.0.1)
  --secure-cookies   mark the session cookie Secure (when served behind HTTPS)
  --import-workers N 1 (the default, or $MTC_IMPORT_WORKERS) runs import jobs here, one at
                     a time; 0 runs none (this server only serves; others run the jobs)

Logging in is limited to 10 attempts a minute from one address for one account
($MTC_LOGIN_ATTEMPTS_PER_MINUTE), and 30 a minute from one address over all accounts
($MTC_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE). The counts are kept in the database, so every
server on it counts against the same allowance.`;

/** A whole number ≥ 1 from the environment, or its default. */
function attemptsFrom(name: string, fallback: number): number {
  const text = process.env[name] ?? String(fallback);
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name}=${text}: expected a whole number of login attempts, 1 or more`);
  return n;
}

export async function run(ctx: CommandContext): Promise<number> {
  const portText = (ctx.values.port as string | undefined) ?? process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${portText}: expected a port number, 0 to 65535`);
  const host = (ctx.values.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1';
  const workersText = (ctx.values['import-workers'] as string | undefined) ?? process.env.MTC_IMPORT_WORKERS ?? '1';
  const importWorkers = Number(workersText);
  // One at most, for now: a running job uses up to three of a server's four database
  // connections (its lease, a batch being written, the next being read).
  if (importWorkers !== 0 && importWorkers !== 1) throw new UsageError(`--import-workers ${workersText}: expected 0 (this server runs no imports) or 1`);
  const loginLimits = {
    perAccount: attemptsFrom('MTC_LOGIN_ATTEMPTS_PER_MINUTE', DEFAULT_LOGIN_LIMITS.perAccount),
    perAddress: attemptsFrom('MTC_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE', DEFAULT_LOGIN_LIMITS.perAddress),
  };
  const { plan } = await loadProject(ctx);
  const { openDatabase } = await import('../../db/open.ts');
  const { compareLedger, readLedger } = await import('../../schema/migrations/ledger.ts');
  // An embedded database is offered to this machine's other mtc commands while it is served.
  const db = await openDatabase(ctx.database, { lockTimeoutMs: ctx.lockTimeoutMs, share: true });
  const status = compareLedger(plan.order, await readLedger(db));
  if (status.pending.length > 0) {
    await db.close();
    const { MtcError } = await import('../../schema/errors.ts');
    throw new MtcError('NOT_MIGRATED', `${status.pending.length} migration(s) pending: run mtc migrate first (npm start does)`);
  }
  const { buildServer } = await import('../../http/server.ts');
  const { startImportWorker } = await import('../../app/imports/worker.ts');
  let worker: ReturnType<typeof startImportWorker> | undefined;
  let stopping = false;
  const app = await buildServer({
    db,
    plan,
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
    secureCookies: ctx.values['secure-cookies'] === true,
    loginLimits,
    importQueued: () => worker?.wake(),
    declaredSchema: { source: ctx.snapshot, ...(await loadConfig()), load: () => loadSnapshotModel(ctx) },
  });
  // The signals are taken before listening: one that comes the moment the address is printed
  // must stop the server, not be lost.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      // A signal can come more than once (Ctrl-C reaches every process of the terminal's
      // group, and npm and MTC's own launcher pass it on as well): stopping is already under way.
      if (stopping) return;
      stopping = true;
      ctx.err('mtc serve: stopping');
      // The running import stops after its current batch while the requests in flight finish.
      Promise.allSettled([app.close(), worker?.stop()])
        .then(() => db.close())
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const address = await app.listen({ port, host });
  if (importWorkers > 0 && !stopping) {
    worker = startImportWorker(db, {
      concurrency: importWorkers,
      pollMs: Number(process.env.MTC_IMPORT_POLL_MS ?? 1000) || 1000,
      log: (e) => {
        const { error, ...fields } = e as typeof e & { error?: unknown };
        if (e.event === 'error') app.log.error({ ...fields, err: error }, `import worker: ${e.message}`);
        else app.log.info(fields, `import worker: ${e.event} job ${'jobId' in e ? e.jobId : ''}`.trim());
      },
    });
  }
  const users = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM public.users WHERE password_hash IS NOT NULL');
  ctx.err(`mtc serve: listening on ${address} (the web app at ${address}/, API under /api, docs at ${address}/api/docs)`);
  if (db.sharedAt) ctx.err(`mtc serve: other mtc commands on ${db.location} go through this process meanwhile (socket ${db.sharedAt})`);
  if (users.rows[0]?.n === '0') ctx.err('mtc serve: no one can log in yet: create the first admin with  npx mtc user add --role admin --email you@example.com --name "Your Name"');
  await stopped;
  return 0;
}
