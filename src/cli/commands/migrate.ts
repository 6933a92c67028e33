import type { CommandContext } from '../command.ts';
import { connectForSession, loadProject, plural, withDatabase } from '../project.ts';
import type { MigrateResult, StepResult } from '../../schema/migrations/migrate.ts';
import { parseDatabaseUrl } from '../../db/open.ts';
import type { MigrationFailure } from '../../schema/migrations/locate.ts';
import { formatPosition } from '../../schema/text-position.ts';
import type { Finding } from '../../schema/catalog/compare.ts';
import { createMigrator } from '../../schema/migrator.ts';
import { stage } from '../../stages.ts';
import { lintFor } from '../lint-cache.ts';
import type { MigrateRunOptions, MigratorEvent, MigratorOutcome, MigratorProject } from '../../schema/migrator.ts';
import type { Database } from '../../db/types.ts';

export const options = {
  'dry-run': { type: 'boolean' },
  to: { type: 'string' },
  'allow-drift': { type: 'boolean' },
  rehearse: { type: 'boolean' },
  'quiet-warnings': { type: 'boolean' },
  'no-lint-cache': { type: 'boolean' },
} as const;

export const help = `Usage: mtc migrate [--dry-run] [--to ID] [--lock-timeout SECONDS] [--quiet-warnings] [--no-lint-cache] [--database URL] [--migrations DIR] [--json]

Applies the pending migrations in plan order (see mtc plan). First it lints them with the
PostgreSQL parser and refuses on any error; then it takes the schema lock (a PostgreSQL
advisory lock, held on a session of its own for the whole run) and applies each migration
and its ledger row in one transaction. When a statement fails, that migration leaves
nothing behind, the ones before it stay applied, and the error names the file, line and
column with PostgreSQL's message and hint.

Options:
  --dry-run              run every pending migration inside one transaction that is rolled
                         back, and report each one's outcome and time
  --to ID                stop after ID and what it requires
  --lock-timeout SECS    how long to wait for another run's lock (default 60), then exit 3
  --rehearse             first apply the pending migrations to a copy of the database's
                         schema (not its data) in an in-process PGlite; touch the live
                         database only if that succeeds
  --allow-drift          apply even though the schema was changed by hand since the last
                         run (by default that is refused, naming the differences)
  --quiet-warnings       print none of the lint's warnings (risky DDL on a big table); its
                         errors still stop the run and are printed. npm start passes it:
                         warnings are for whoever writes migrations (mtc lint lists them)
  --no-lint-cache        lint the pending migrations anew, without reading or writing the
                         lint's results in .mtc/cache/lint (also MTC_LINT_CACHE=0; see
                         mtc lint --help)

Refuses (exit 1) when an applied migration was changed or deleted, and when the schema
was changed by hand since the last run (the ledger keeps the schema each run left; mtc
verify compares with the snapshot at any time).

The lock needs a session of its own: through a connection pooler (PgBouncer in transaction
mode) migrate refuses with exit 2 before doing anything, unless --direct-database URL, or
MTC_DIRECT_DATABASE_URL beside DATABASE_URL, names the database at an address that keeps
sessions (PostgreSQL itself, or a pooler in session mode): migrate then connects there.`;

export async function run(ctx: CommandContext): Promise<number> {
  const dryRun = ctx.values['dry-run'] === true;
  const to = ctx.values.to as string | undefined;
  const allowDrift = ctx.values['allow-drift'] === true;
  // On a server, connect while the files are read: the first look needs no lock and no driver
  // (the lean client; the full one only where the address needs it).
  const opening = parseDatabaseUrl(ctx.directDatabase ?? ctx.database).kind === 'postgres' ? connectForSession(ctx, { lean: true }) : undefined;
  let project;
  try {
    project = await loadProject(ctx);
  } catch (err) {
    void opening?.then(
      (db) => db.close(),
      () => {},
    );
    throw err;
  }
  const opened = opening ? await opening : undefined;
  if (opened) stage('connected');
  return withDatabase(
    ctx,
    async (db) => {
      if (!opened) stage('connected');
      return migrateOpened(ctx, db, project, {
        dryRun,
        allowDrift,
        rehearse: ctx.values.rehearse === true,
        quietWarnings: ctx.values['quiet-warnings'] === true,
        ...(to !== undefined ? { to } : {}),
      });
    },
    opened ? { opened } : { session: true },
  );
}

/**
 * Migrates `db` (open already) as \`mtc migrate\` does, printing through `ctx` what it did;
 * resolves to mtc migrate's exit code. \`mtc serve --migrate\` runs it before serving.
 */
export async function migrateOpened(
  ctx: CommandContext,
  db: Database,
  project: MigratorProject,
  run: Omit<MigrateRunOptions, 'onEvent'> & { quietWarnings?: boolean },
): Promise<number> {
  const { quietWarnings, ...options } = run;
  const migrator = createMigrator(db, project, {
    lockTimeoutMs: ctx.lockTimeoutMs,
    lintRules: async () => (await (await import('../config.ts')).loadConfig()).lint.rules,
    lintWith: lintFor(ctx),
  });
  const outcome = await migrator.migrate({
    ...options,
    onEvent: ctx.json ? undefined : textProgress(ctx, options.dryRun === true, quietWarnings !== true),
  });
  return report(ctx, outcome);
}

/** Prints what the migrator did; the exit code. */
async function report(ctx: CommandContext, outcome: MigratorOutcome): Promise<number> {
  switch (outcome.kind) {
    case 'up-to-date': {
      if (ctx.json) ctx.out(JSON.stringify({ before: outcome.before, steps: [], dryRun: outcome.dryRun, failure: null, upToDate: true }, null, 2));
      else {
        // With nothing to apply, the drift guard still looked: hand-made changes let be (--allow-drift) are listed.
        await listDrift(ctx, 'the schema differs from what the last run left (--allow-drift):', outcome.drift);
        ctx.out(`Nothing to migrate: ${plural(outcome.before.applied.length, 'migration')} applied, the database is up to date.`);
      }
      return 0;
    }
    case 'lint-failed': {
      const { errors, findings } = outcome.lint;
      if (ctx.json)
        ctx.out(
          JSON.stringify({ error: { code: 'LINT_FAILED', message: `${plural(errors, 'lint error')}; nothing was applied`, details: { findings } } }, null, 2),
        );
      else {
        for (const line of outcome.lines) ctx.err(line);
        ctx.err(`mtc: ${plural(errors, 'lint error')} in pending migrations; nothing was applied. Fix them (mtc lint) and run again.`);
      }
      return 1;
    }
    case 'rehearsal-failed': {
      const { rehearsal } = outcome;
      if (ctx.json) ctx.out(JSON.stringify({ rehearsal, failure: rehearsal.failure, steps: [] }, null, 2));
      else
        ctx.err(
          `mtc: the rehearsal on a copy of the schema failed; the live database was not touched.\n${formatFailure(rehearsal.failure as MigrationFailure)}`,
        );
      return 1;
    }
    case 'ran': {
      const { result } = outcome;
      if (ctx.json) ctx.out(JSON.stringify(result, null, 2));
      else {
        await listDrift(ctx, `applied over ${plural(result.drift.length, 'hand-made change')} (--allow-drift):`, result.drift);
        ctx.out(summary(result));
      }
      return result.failure ? 1 : 0;
    }
  }
}

async function listDrift(ctx: CommandContext, head: string, drift: readonly Finding[]): Promise<void> {
  if (drift.length === 0) return;
  const { formatFinding } = await import('../../schema/catalog/compare.ts');
  ctx.err(head);
  for (const f of drift) ctx.err(`  ${formatFinding(f)}`);
}

function textProgress(ctx: CommandContext, dryRun: boolean, warnings: boolean): (e: MigratorEvent) => void {
  return (e) => {
    if (e.type === 'linted' && warnings) for (const line of e.lines) ctx.err(line);
    if (e.type === 'rehearsal') ctx.err(`rehearsal: ${e.message}`);
    if (e.type === 'rehearsed') ctx.err(`rehearsal: ${plural(e.migrations, 'migration')} applied to a copy of the schema in ${e.ms} ms; now the live database`);
    if (e.type === 'locked' && e.waitedMs > 500) ctx.err(`waited ${(e.waitedMs / 1000).toFixed(1)} s for the schema lock`);
    if (e.type === 'start' && ctx.isTTY) ctx.stderr.write(`\r\x1b[K[${e.index + 1}/${e.total}] ${dryRun ? 'rehearsing' : 'applying'} ${e.id} …`);
    if (e.type === 'end') {
      if (ctx.isTTY) ctx.stderr.write('\r\x1b[K');
      ctx.out(stepLine(e.step, e.index, e.total));
    }
  };
}

function stepLine(s: StepResult, index: number, total: number): string {
  const n = `[${String(index + 1).padStart(String(total).length)}/${total}]`;
  const what: Record<StepResult['status'], string> = {
    applied: 'applied',
    rehearsed: 'ok',
    failed: 'FAILED',
    'not-rehearsable': 'not rehearsable',
    'not-run': 'not run',
  };
  const extra = s.reason ? ` (${s.reason})` : '';
  return `${n} ${what[s.status].padEnd(15)} ${s.id}  ${s.durationMs} ms${extra}`;
}

/** PostgreSQL's words, where the failure is, and what PostgreSQL suggests. */
export function formatFailure(f: MigrationFailure): string {
  const lines = [`${formatPosition(f)}: ${f.message} (SQLSTATE ${f.sqlstate})`];
  if (f.statement) lines.push(`  at: ${f.statement}`);
  if (f.detail) lines.push(`  detail: ${f.detail}`);
  if (f.hint) lines.push(`  hint: ${f.hint}`);
  return lines.join('\n');
}

function summary(r: MigrateResult): string {
  const done = r.steps.filter((s) => s.status === 'applied' || s.status === 'rehearsed').length;
  if (r.dryRun) {
    const head = r.failure
      ? `Dry run: ${done} of ${plural(r.steps.length, 'pending migration')} would apply; rolled back, nothing was changed.`
      : `Dry run: all ${plural(r.steps.length, 'pending migration')} ran and were rolled back; nothing was changed.`;
    return r.failure
      ? `${head}\n${r.steps
          .filter((s) => s.failure)
          .map((s) => formatFailure(s.failure as MigrationFailure))
          .join('\n')}`
      : head;
  }
  if (r.failure) {
    return `mtc: migration ${r.failure.id} failed and was rolled back; ${plural(done, 'migration')} before it stayed applied.\n${formatFailure(r.failure)}`;
  }
  return `Applied ${plural(done, 'migration')}.`;
}
