import type { CommandContext } from '../command.ts';
import { loadProject, plural, withDatabase } from '../project.ts';
import { assertUnchanged, migrate } from '../../schema/migrations/migrate.ts';
import type { MigrateEvent, MigrateResult, StepResult } from '../../schema/migrations/migrate.ts';
import { compareLedger, readLedger } from '../../schema/migrations/ledger.ts';
import type { MigrationStatus } from '../../schema/migrations/ledger.ts';
import { parseDatabaseUrl } from '../../db/open.ts';
import type { Queryable } from '../../db/types.ts';
import { pendingMigrations } from '../../schema/migrations/plan.ts';
import type { MigrationFailure } from '../../schema/migrations/locate.ts';
import { formatPosition } from '../../schema/text-position.ts';

export const options = {
  'dry-run': { type: 'boolean' },
  to: { type: 'string' },
  'allow-drift': { type: 'boolean' },
  rehearse: { type: 'boolean' },
  'quiet-warnings': { type: 'boolean' },
} as const;

export const help = `Usage: mtc migrate [--dry-run] [--to ID] [--lock-timeout SECONDS] [--quiet-warnings] [--database URL] [--migrations DIR] [--json]

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

Refuses (exit 1) when an applied migration was changed or deleted, and when the schema
was changed by hand since the last run (the ledger keeps the schema each run left; mtc
verify compares with the snapshot at any time).`;

export async function run(ctx: CommandContext): Promise<number> {
  const lockTimeoutMs = ctx.lockTimeoutMs;
  const dryRun = ctx.values['dry-run'] === true;
  const to = ctx.values.to as string | undefined;
  // On a server, connect while the files are read: the first look needs no lock and no driver.
  const probing = firstLook(ctx.database);
  let project;
  try {
    project = await loadProject(ctx);
  } catch (err) {
    void probing.then(
      (p) => p?.close(),
      () => {},
    );
    throw err;
  }
  const { sources, plan } = project;
  const probe = await probing;
  if (probe) {
    let before: MigrationStatus;
    let pending: number;
    try {
      before = compareLedger(plan.order, await readLedger(probe));
      assertUnchanged(before);
      pending = pendingMigrations(plan, appliedIds(before), to).length;
    } catch (err) {
      await probe.close();
      throw err;
    }
    if (pending === 0) {
      try {
        await nothingPendingButDrift(ctx, probe);
      } finally {
        await probe.close();
      }
      return upToDate(ctx, before, dryRun);
    }
  }
  // Something is pending (or not yet known): load the parser while the connections open.
  const linter = loadLinter();
  linter.catch(() => {});
  const target = parseDatabaseUrl(ctx.database);
  const { openLeanDatabase } = await import('../../db/lean.ts');
  const lean = probe && target.kind === 'postgres' ? await openLeanDatabase(target.url, target.location, probe) : undefined;
  return withDatabase(
    ctx,
    async (db) => {
      // A look without the lock: when nothing is pending there is nothing to lint or lock.
      const before = compareLedger(plan.order, await readLedger(db));
      assertUnchanged(before);
      const pending = pendingMigrations(plan, appliedIds(before), to);
      if (pending.length === 0) {
        await nothingPendingButDrift(ctx, db);
        return upToDate(ctx, before, dryRun);
      }
      const { loadConfig } = await import('../config.ts');
      const { rules } = (await loadConfig()).lint;
      const lint = await linter;
      const report = await lint.lintMigrations(sources, { only: pending.map((m) => m.id), rules });
      if (report.errors > 0) {
        if (ctx.json)
          ctx.out(
            JSON.stringify(
              {
                error: { code: 'LINT_FAILED', message: `${plural(report.errors, 'lint error')}; nothing was applied`, details: { findings: report.findings } },
              },
              null,
              2,
            ),
          );
        else {
          for (const f of report.findings) ctx.err(lint.formatFinding(f));
          ctx.err(`mtc: ${plural(report.errors, 'lint error')} in pending migrations; nothing was applied. Fix them (mtc lint) and run again.`);
        }
        return 1;
      }
      if (!ctx.json && ctx.values['quiet-warnings'] !== true) for (const f of report.findings) ctx.err(lint.formatFinding(f));
      if (ctx.values.rehearse === true && !dryRun) {
        const { rehearseOnCopy } = await import('../../schema/migrations/rehearse.ts');
        const started = performance.now();
        const rehearsal = await rehearseOnCopy(db, plan, {
          splitStatements: lint.splitStatements,
          ...(to !== undefined ? { to } : {}),
          ...(ctx.json ? {} : { onProgress: (m: string) => ctx.err(`rehearsal: ${m}`) }),
        });
        if (rehearsal.failure) {
          if (ctx.json) ctx.out(JSON.stringify({ rehearsal, failure: rehearsal.failure, steps: [] }, null, 2));
          else ctx.err(`mtc: the rehearsal on a copy of the schema failed; the live database was not touched.\n${formatFailure(rehearsal.failure)}`);
          return 1;
        }
        if (!ctx.json)
          ctx.err(
            `rehearsal: ${plural(rehearsal.steps.length, 'migration')} applied to a copy of the schema in ${Math.round(performance.now() - started)} ms; now the live database`,
          );
      }
      const progress = ctx.json ? undefined : textProgress(ctx, dryRun);
      const result = await migrate(db, plan, {
        dryRun,
        lockTimeoutMs,
        allowDrift: ctx.values['allow-drift'] === true,
        splitStatements: lint.splitStatements,
        ...(to !== undefined ? { to } : {}),
        ...(progress ? { onEvent: progress } : {}),
      });
      if (ctx.json) ctx.out(JSON.stringify(result, null, 2));
      else {
        if (result.drift.length > 0) {
          const { formatFinding } = await import('../../schema/catalog/compare.ts');
          ctx.err(`applied over ${plural(result.drift.length, 'hand-made change')} (--allow-drift):`);
          for (const f of result.drift) ctx.err(`  ${formatFinding(f)}`);
        }
        ctx.out(summary(result));
      }
      return result.failure ? 1 : 0;
    },
    lean ? { opened: lean } : {},
  );
}

async function loadLinter() {
  const lint = await import('../../schema/lint/index.ts');
  await lint.loadPgParser();
  return lint;
}

/**
 * With nothing to apply, the drift guard still looks: a schema changed by hand since the last
 * run is reported (exit 1), or with --allow-drift listed and let be.
 */
async function nothingPendingButDrift(ctx: CommandContext, q: Queryable): Promise<void> {
  const { checkDrift } = await import('../../schema/migrations/drift.ts');
  const drift = await checkDrift(q, ctx.values['allow-drift'] === true);
  if (drift.length > 0 && !ctx.json) {
    const { formatFinding } = await import('../../schema/catalog/compare.ts');
    ctx.err(`the schema differs from what the last run left (--allow-drift):`);
    for (const f of drift) ctx.err(`  ${formatFinding(f)}`);
  }
}

function appliedIds(s: MigrationStatus): Set<string> {
  return new Set(s.applied.map((a) => a.id));
}

function upToDate(ctx: CommandContext, before: MigrationStatus, dryRun: boolean): number {
  if (ctx.json) ctx.out(JSON.stringify({ before, steps: [], dryRun, failure: null, upToDate: true }, null, 2));
  else ctx.out(`Nothing to migrate: ${plural(before.applied.length, 'migration')} applied, the database is up to date.`);
  return 0;
}

/** A lean connection for the first look when the database is a server; undefined otherwise. */
async function firstLook(database: string | undefined) {
  const target = parseDatabaseUrl(database);
  if (target.kind !== 'postgres') return undefined;
  const { connectLean } = await import('../../db/lean.ts');
  return connectLean(target.url);
}

function textProgress(ctx: CommandContext, dryRun: boolean): (e: MigrateEvent) => void {
  return (e) => {
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
