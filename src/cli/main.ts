import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { exitCodeOf, reportError } from './errors.ts';
import { UsageError, parseDuration } from './usage.ts';
import type { Database } from '../db/types.ts';
import type { CommandContext, CommandModule, OutputStream } from './command.ts';

/** The commands and where each lives; a command's module is loaded only when it runs. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  migrate: { summary: 'apply pending migrations in plan order (--dry-run, --to ID)', load: () => import('./commands/migrate.ts') },
  status: { summary: 'applied, pending, changed since applied, applied but missing', load: () => import('./commands/status.ts') },
  plan: { summary: 'the pending migrations in order, with what each requires', load: () => import('./commands/plan.ts') },
  lint: { summary: 'check migrations with the PostgreSQL parser before they run', load: () => import('./commands/lint.ts') },
  render: { summary: 'the pending plan as one psql script, ledger rows included', load: () => import('./commands/render.ts') },
  graph: { summary: 'the migration dependency graph, as Mermaid or DOT', load: () => import('./commands/graph.ts') },
  schema: {
    summary: 'schema dump: write the snapshot db/schema.sql; schema show [TABLE]: describe tables',
    load: () => import('./commands/schema-command.ts'),
  },
  verify: { summary: 'compare the database with the snapshot and name every difference', load: () => import('./commands/verify.ts') },
  adopt: { summary: 'bring a database the migrations did not make under management, with a report', load: () => import('./commands/adopt.ts') },
  diff: { summary: 'the DDL that turns one schema (database or snapshot) into another', load: () => import('./commands/diff.ts') },
  squash: { summary: 'fold the history up to a migration into one proven baseline', load: () => import('./commands/squash.ts') },
  check: { summary: 'for CI, no server needed: lint, replay from empty, compare with the snapshot, rehearse', load: () => import('./commands/check.ts') },
  serve: { summary: 'serve the HTTP API (and its docs at /api/docs)', load: () => import('./commands/serve.ts') },
  user: { summary: 'user add: create a user who can log in; user set-password: a new password for one', load: () => import('./commands/user.ts') },
  import: { summary: 'import a CSV or XLSX file of items, suppliers or rates, with progress and per-row errors', load: () => import('./commands/import.ts') },
  settings: { summary: 'settings [show]: the currency and date format; settings set: change them', load: () => import('./commands/settings.ts') },
  export: { summary: 'items, suppliers or rates as a CSV file that mtc import reads back as it is', load: () => import('./commands/export.ts') },
  suggestions: {
    summary: 'suggestions [show]: what to buy next, per supplier, with lead times; suggestions order: make the draft orders',
    load: () => import('./commands/suggestions.ts'),
  },
  lot: { summary: 'lot plan LOT --start DAY: the day a production lot is planned to start', load: () => import('./commands/lot.ts') },
  seed: { summary: 'seed --demo: fill an empty, migrated database with demo data', load: () => import('./commands/seed.ts') },
};

const GLOBAL_OPTIONS = {
  database: { type: 'string' },
  'direct-database': { type: 'string' },
  migrations: { type: 'string' },
  snapshot: { type: 'string' },
  'lock-timeout': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `mtc: inventory and production costing for small manufacturers, and its schema engine

Usage: mtc <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Options for every command:
  --database URL     postgres://… for a server, memory:// or a directory for embedded PGlite
                     (default: $DATABASE_URL, else the embedded database in ./.mtc/pgdata)
  --direct-database URL  the same server database, reached without a pooler in transaction
                     mode: migrate and adopt hold a session-level lock and use it when the
                     database goes through one (default: $MTC_DIRECT_DATABASE_URL, with
                     $DATABASE_URL only)
  --migrations DIR   the migrations directory (default: migrations/)
  --snapshot FILE    the schema snapshot (default: db/schema.sql)
  --lock-timeout S   how long to wait for the embedded database while another process has
                     it open (one that does not serve it), and for another run's schema
                     lock (migrate, adopt); then exit 3 (default 60; 500ms, 2m also work)
  --json             machine-readable output
  -h, --help         help for a command: mtc <command> --help

While mtc serve (npm start) runs on an embedded database, every command on that database
works at once, through the server.

Exit codes: 0 success; 1 the database or files are not as they should be (failed
migration, lint error, changed migration); 2 usage or configuration error; 3 could not
connect or lock.
`;
}

/**
 * --direct-database, else MTC_DIRECT_DATABASE_URL when the database is DATABASE_URL's (so that
 * an explicit --database is never paired with another database's direct address); a usage
 * error when it is not a server's URL.
 */
function directDatabase(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  const [from, url] =
    typeof values['direct-database'] === 'string'
      ? ['--direct-database', values['direct-database']]
      : values.database === undefined && env.DATABASE_URL
        ? ['MTC_DIRECT_DATABASE_URL', env.MTC_DIRECT_DATABASE_URL?.trim() || undefined]
        : ['', undefined];
  if (url === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new UsageError(`${from}: expected the postgres:// URL of the database reached directly (or through a pooler in session mode), got "${url}"`);
  return url;
}

/** MTC's version: from the package.json above this file (dist/mtc.cjs when built, src/cli/main.ts in tests). */
async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    const pkg = await readFile(new URL('package.json', dir), 'utf8').then(
      (t) => JSON.parse(t) as { name?: string; version?: string },
      () => undefined,
    );
    if (pkg?.name === 'mtc' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

/** Where a run of the CLI reads and writes, and the environment it sees: the process's own (src/cli/bin.ts), or a test's. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: AsyncIterable<Buffer | string>;
  /** Whether stderr is a terminal (progress bars are drawn there). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** How a command opens a database (default: db/open.ts); a test may hand out one it holds open. `mtc serve` always opens its own. */
  openDatabase?: (url: string | undefined, options: { lockTimeoutMs: number }) => Promise<Database>;
}

/**
 * Runs one `mtc` command line (ARGV without `node mtc`) and resolves to its exit code; errors
 * are reported to `io` as a person or, with --json, a program reads them. Nothing here ends
 * the process: bin.ts does, once the output is written.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await main([...argv], io);
  } catch (err) {
    reportError(err, argv.includes('--json'), io);
    return exitCodeOf(err);
  }
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const name = argv[0];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? argv[1] : undefined;
    if (target && Object.hasOwn(COMMANDS, target)) return main([target, '--help'], io);
    io.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`mtc ${await version()} (Node.js ${process.version})\n`);
    return 0;
  }
  // own properties only: `mtc constructor` is an unknown command, not Object's
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr.write(`mtc: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  const command = await entry.load();
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/^Unknown option/, 'unknown option')}; see mtc ${name} --help`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.stdout.write(`${command.help}\n`);
    return 0;
  }
  const line = (stream: OutputStream) => (s: string) => void stream.write(s.endsWith('\n') ? s : `${s}\n`);
  const ctx: CommandContext = {
    database: (values.database as string | undefined) ?? io.env.DATABASE_URL,
    directDatabase: directDatabase(values, io.env),
    migrationsDir: (values.migrations as string | undefined) ?? 'migrations',
    lockTimeoutMs: parseDuration('lock-timeout', values['lock-timeout'], 60_000),
    snapshot: (values.snapshot as string | undefined) ?? 'db/schema.sql',
    json: values.json === true,
    values,
    positionals: parsed.positionals,
    out: line(io.stdout),
    err: line(io.stderr),
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: io.stdin,
    isTTY: io.isTTY,
    connect: async (url, how = {}) => {
      const options = { lockTimeoutMs: ctx.lockTimeoutMs, ...how };
      if (io.openDatabase) return io.openDatabase(url, options);
      const { openDatabase } = await import('../db/open.ts');
      return openDatabase(url, options);
    },
  };
  return command.run(ctx);
}
