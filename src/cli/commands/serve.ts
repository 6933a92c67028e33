import type { CommandContext } from '../command.ts';
import { loadConfig } from '../config.ts';
import { loadSnapshotModel } from '../snapshot.ts';
import { loadProject, withDatabase } from '../project.ts';
import { stage } from '../../stages.ts';
import { UsageError } from '../usage.ts';
import { DEFAULT_LOGIN_LIMITS } from '../../app/access/throttle.ts';
import { chooseLogFormat, humanLog } from '../log-format.ts';
import type { Database } from '../../db/types.ts';

export const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'secure-cookies': { type: 'boolean' },
  'import-workers': { type: 'string' },
  'log-format': { type: 'string' },
  'first-admin': { type: 'string' },
  migrate: { type: 'boolean' },
  'seed-demo-if-empty': { type: 'boolean' },
  'no-lint-cache': { type: 'boolean' },
} as const;

export const help = `Usage: mtc serve [--port N] [--host ADDRESS] [--log-format json|human] [--first-admin EMAIL]
                 [--migrate] [--seed-demo-if-empty] [--secure-cookies] [--import-workers N]
                 [--database URL] [--lock-timeout SECONDS]

Serves the web app (at /, built by npm run build) and the HTTP API (JSON under /api, its
OpenAPI document and explorer at /api/docs, /health and /ready) on http://127.0.0.1:3000 by default (PORT and HOST work too). The
database must be migrated: mtc migrate first, or --migrate (what npm start runs, in one
process: mtc serve --migrate --seed-demo-if-empty --first-admin admin@localhost on the
embedded database, mtc serve --migrate on DATABASE_URL). SIGINT or SIGTERM stops it
gracefully: requests in flight finish, then the database is closed.

The log goes to stdout. On a terminal it is one line per request (time, method, path,
status, milliseconds, request id); anywhere else (a pipe, a file, a journal) it is JSON
lines (pino), each with its request id. --log-format chooses either way. What the server
says of itself (where it listens, who can log in) goes to stderr.

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
  --log-format F     json: pino's JSON lines; human (or pretty): a line per request
                     (default: human when stdout is a terminal, else json)
  --first-admin EMAIL  when no one can log in (no active user has a password), make an
                     admin with this email and a new password, and print both with the
                     address once the server listens: the password is shown this once.
                     When someone can log in it makes nothing. npm start passes
                     admin@localhost on the embedded database, never for DATABASE_URL
  --migrate          first apply the pending migrations, as mtc migrate --quiet-warnings
                     does (the lint's errors stop it, its warnings are not printed), saying
                     what it did on stderr. When a migration fails (or the lint finds an
                     error) it prints mtc migrate's report, naming the migration, and exits
                     1 without serving. On a server it migrates on a connection of its own
                     (at --direct-database's address when there is one), then serves
  --seed-demo-if-empty  after migrating, fill the database with the demo data (mtc seed
                     --demo) while it holds none; a database with data is left as it is
  --no-lint-cache    with --migrate: lint anew, without .mtc/cache/lint (mtc lint --help)
  --secure-cookies   mark the session cookie Secure (when served behind HTTPS)
  --import-workers N 1 (the default, or $MTC_IMPORT_WORKERS) runs import jobs here, one at
                     a time; 0 runs none (this server only serves; others run the jobs)

An import job commits up to 2,000 rows a batch ($MTC_IMPORT_BATCH_ROWS, 1 to 100,000, sets
another size).

Logging in is limited to 10 attempts a minute from one address for one account
($MTC_LOGIN_ATTEMPTS_PER_MINUTE), and 30 a minute from one address over all accounts
($MTC_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE). The counts are kept in the database, so every
server on it counts against the same allowance.`;

/** A whole number ≥ 1 from the environment, or its default. */
function attemptsFrom(name: string, fallback: number): number {
  const text = process.env[name] ?? String(fallback);
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${name}=${text}: expected a whole number of login attempts, 1 or more`);
  return n;
}

export async function run(ctx: CommandContext): Promise<number> {
  // A server lives long: PGlite's hot WebAssembly is worth V8's optimising compiler here.
  (await import('../../db/wasm.ts')).keepWasmOptimising();
  const portText = (ctx.values.port as string | undefined) ?? process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${portText}: expected a port number, 0 to 65535`);
  const host = (ctx.values.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1';
  const workersText = (ctx.values['import-workers'] as string | undefined) ?? process.env.MTC_IMPORT_WORKERS ?? '1';
  const importWorkers = Number(workersText);
  // One at most, for now: a running job uses up to three of a server's four database
  // connections (its lease, a batch being written, the next being read).
  if (importWorkers !== 0 && importWorkers !== 1) throw new UsageError(`--import-workers ${workersText}: expected 0 (this server runs no imports) or 1`);
  const { importBatchRows } = await import('../import-batch.ts');
  const batchRows = importBatchRows();
  const loginLimits = {
    perAccount: attemptsFrom('MTC_LOGIN_ATTEMPTS_PER_MINUTE', DEFAULT_LOGIN_LIMITS.perAccount),
    perAddress: attemptsFrom('MTC_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE', DEFAULT_LOGIN_LIMITS.perAddress),
  };
  const logFormat = chooseLogFormat(ctx.values['log-format'] as string | undefined, process.stdout.isTTY === true);
  const firstAdmin = ctx.values['first-admin'] as string | undefined;
  if (firstAdmin !== undefined) {
    const { validEmail } = await import('../../app/access/accounts.ts');
    if (!validEmail(firstAdmin)) throw new UsageError(`--first-admin ${firstAdmin}: expected an email address, such as admin@localhost`);
  }
  const project = await loadProject(ctx);
  const { plan } = project;
  const { openDatabase, parseDatabaseUrl } = await import('../../db/open.ts');
  // What the server says of itself goes to stderr: stdout is the request log.
  const say: CommandContext = { ...ctx, out: ctx.err, json: false };
  const migrating = ctx.values.migrate === true;
  const onServer = parseDatabaseUrl(ctx.database).kind === 'postgres';
  // On a server the migrations hold a lock that needs a session of their own (and its direct
  // address): migrate there first, on a connection that is then closed.
  if (migrating && onServer) {
    const code = await migrateFirst(say, (fn) => withDatabase(ctx, fn, { session: true, lean: true }), project);
    if (code !== 0) return code;
  }
  // An embedded database is offered to this machine's other mtc commands while it is served.
  const db = await openDatabase(ctx.database, { lockTimeoutMs: ctx.lockTimeoutMs, share: true });
  stage('opened');
  const ready = await beforeServing(say, db, project, { migrate: migrating && !onServer, seed: ctx.values['seed-demo-if-empty'] === true }).catch(
    async (err: unknown) => {
      await db.close();
      throw err;
    },
  );
  if (ready !== 0) {
    await db.close();
    return ready;
  }
  const { buildServer } = await import('../../http/server.ts');
  const { startImportWorker } = await import('../../app/imports/worker.ts');
  let worker: ReturnType<typeof startImportWorker> | undefined;
  let stopping = false;
  const { ignore, unmanaged } = await loadConfig();
  const app = await buildServer({
    db,
    plan,
    logger: {
      level: process.env.LOG_LEVEL ?? 'info',
      ...(logFormat === 'human' ? { stream: humanLog(process.stdout, { colour: process.stdout.isTTY === true && !process.env.NO_COLOR }) } : {}),
    },
    secureCookies: ctx.values['secure-cookies'] === true,
    loginLimits,
    importQueued: () => worker?.wake(),
    declaredSchema: { source: ctx.snapshot, ignore, unmanaged, load: () => loadSnapshotModel(ctx) },
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
      ...(batchRows ? { batchRows } : {}),
      log: (e) => {
        const { error, ...fields } = e as typeof e & { error?: unknown };
        if (e.event === 'error') app.log.error({ ...fields, err: error }, `import worker: ${e.message}`);
        else app.log.info(fields, `import worker: ${e.event} job ${'jobId' in e ? e.jobId : ''}`.trim());
      },
    });
  }
  // After listening, not before: a first admin whose password was never shown (the port was
  // taken, say) would lock the person out for good.
  const login = await whoCanLogIn(db, firstAdmin);
  stage('listening');
  ctx.err(`mtc serve: listening on ${address} (the web app at ${address}/, API under /api, docs at ${address}/api/docs)`);
  ctx.err(loginAdvice(login, address));
  if (db.sharedAt) ctx.err(`mtc serve: other mtc commands on ${db.location} go through this process meanwhile (socket ${db.sharedAt})`);
  await stopped;
  return 0;
}

/** Runs `migrate` on a database `open` hands over (mtc migrate --quiet-warnings); its exit code, with a last word when it failed. */
async function migrateFirst(
  say: CommandContext,
  open: (fn: (db: Database) => Promise<number>) => Promise<number>,
  project: Awaited<ReturnType<typeof loadProject>>,
): Promise<number> {
  const { migrateOpened } = await import('./migrate.ts');
  const code = await open((db) => migrateOpened(say, db, project, { quietWarnings: true }));
  if (code !== 0) say.err('mtc serve: not serving: the database could not be migrated (see above); nothing was started');
  stage('migrated');
  return code;
}

/**
 * What comes before serving on the database the server opened: migrating it (--migrate, on
 * the embedded database), seeding the demo (--seed-demo-if-empty), and in any case making sure
 * nothing is pending. Resolves to 0, or the exit code to stop with.
 */
async function beforeServing(
  say: CommandContext,
  db: Database,
  project: Awaited<ReturnType<typeof loadProject>>,
  steps: { migrate: boolean; seed: boolean },
): Promise<number> {
  if (steps.migrate) {
    const code = await migrateFirst(say, (fn) => fn(db), project);
    if (code !== 0) return code;
  } else {
    const { createMigrator } = await import('../../schema/migrator.ts');
    const status = await createMigrator(db, project).status();
    if (status.pending.length > 0) {
      const { MtcError } = await import('../../errors.ts');
      throw new MtcError('NOT_MIGRATED', `${status.pending.length} migration(s) pending: run mtc migrate first, or mtc serve --migrate (npm start does)`);
    }
  }
  if (steps.seed) {
    const { seedDemoIfEmpty } = await import('./seed.ts');
    await seedDemoIfEmpty(say, db);
    stage('seeded');
  }
  return 0;
}

/** What the start-up summary says about logging in. */
type Login =
  | { kind: 'first-admin'; email: string; password: string }
  | { kind: 'someone-can'; firstAdmin: string | undefined }
  | { kind: 'no-one-can' }
  | { kind: 'first-admin-blocked'; email: string };

/** Who can log in; with --first-admin, the first admin made when no one can. */
async function whoCanLogIn(db: Database, firstAdmin: string | undefined): Promise<Login> {
  const { AccessError, anyoneCanLogIn, createFirstAdmin, findUserByEmail } = await import('../../app/access/accounts.ts');
  if (firstAdmin === undefined) return (await anyoneCanLogIn(db)) ? { kind: 'someone-can', firstAdmin } : { kind: 'no-one-can' };
  try {
    const { CLI_ACTOR } = await import('../../app/audit/actor.ts');
    const made = await createFirstAdmin(db, { name: 'Administrator', email: firstAdmin }, CLI_ACTOR);
    if (made) return { kind: 'first-admin', email: made.user.email, password: made.password };
  } catch (err) {
    if (err instanceof AccessError && err.code === 'EMAIL_TAKEN') return { kind: 'first-admin-blocked', email: firstAdmin };
    throw err;
  }
  const existing = await findUserByEmail(db, firstAdmin);
  return { kind: 'someone-can', firstAdmin: existing?.deactivatedAt === null ? existing.email : undefined };
}

/** The lines that tell a person how to log in; the password only when it was just made. */
function loginAdvice(login: Login, address: string): string {
  const setPassword = (email: string) => `run  npx mtc user set-password --email ${email}  (it works while the server runs)`;
  switch (login.kind) {
    case 'first-admin':
      return [
        '',
        `  Log in at ${address}/ as the first admin:`,
        `    email     ${login.email}`,
        `    password  ${login.password}`,
        '  The password is shown only this once (MTC keeps only its hash): note it now. Change it,',
        '  and add the people who will use MTC, on the Users page once logged in.',
        '',
      ].join('\n');
    case 'someone-can':
      return login.firstAdmin
        ? `mtc serve: log in at ${address}/ as ${login.firstAdmin} (the password shown on the first start; lost it? ${setPassword(login.firstAdmin)})`
        : `mtc serve: log in at ${address}/`;
    case 'first-admin-blocked':
      return `mtc serve: no one can log in, and ${login.email} exists without a password (or is deactivated), so no first admin was made: ${setPassword(login.email)}`;
    case 'no-one-can':
      return 'mtc serve: no one can log in yet: create the first admin with  npx mtc user add --role admin --email you@example.com --name "Your Name"';
  }
}
