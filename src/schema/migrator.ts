import type { Database } from '../db/types.ts';
import type { Finding } from './catalog/compare.ts';
import type { LintOptions, LintReport } from './lint/index.ts';
import type { RuleLevels } from './lint/rules.ts';
import { compareLedger, readLedger } from './migrations/ledger.ts';
import type { MigrationStatus } from './migrations/ledger.ts';
import { assertUnchanged, migrate as applyPending } from './migrations/migrate.ts';
import type { MigrateEvent, MigrateResult } from './migrations/migrate.ts';
import { pendingMigrations } from './migrations/plan.ts';
import type { Plan } from './migrations/plan.ts';
import type { MigrationSource } from './migrations/source.ts';
import { stage } from '../stages.ts';

/**
 * The migrator: the one pipeline that reads the ledger, plans and applies the project's
 * migrations on one database. `mtc migrate`, `mtc plan`, `mtc status`, `mtc render`,
 * `mtc serve`'s start-up check and the test helpers all go through it; they handle their
 * arguments and print, nothing more.
 *
 * `migrate()` looks first without the lock: with nothing pending it answers from that one
 * ledger read and the drift guard's fingerprint (one query), loading neither the lint nor the
 * PostgreSQL parser and taking no lock: the no-op fast path. With something pending it lints
 * the pending migrations (an error stops it, nothing applied), rehearses them on a copy of the
 * schema when asked, then applies them under the schema lock (which reads the ledger again:
 * another run may have applied some meanwhile).
 */
export interface Migrator {
  /** How the files and the ledger relate (applied, pending, changed, missing, partial). */
  status(): Promise<MigrationStatus>;
  /** What migrate would apply, in order; refuses (MIGRATION_CHANGED…) over an edited or deleted applied migration. */
  plan(to?: string): Promise<MigrationPlan>;
  migrate(options?: MigrateRunOptions): Promise<MigratorOutcome>;
}

export interface MigrationPlan {
  before: MigrationStatus;
  pending: MigrationSource[];
}

/** The project: its migrations as read (the lint reads them in this order) and their plan. */
export interface MigratorProject {
  plan: Plan;
  sources?: readonly MigrationSource[];
}

export interface MigratorOptions {
  /** How long to wait for another run's lock (default 60 s). */
  lockTimeoutMs?: number;
  /** Lint the pending migrations first and refuse on an error (default true). */
  lint?: boolean;
  /** The levels of the lint's rules (mtc.config.json), asked for only when something is pending. */
  lintRules?: () => Promise<RuleLevels | undefined>;
  /** How to lint (default lintMigrations): mtc's command line passes one that keeps its results (src/cli/lint-cache.ts). */
  lintWith?: (all: readonly MigrationSource[], options: LintOptions) => Promise<LintReport>;
}

export interface MigrateRunOptions {
  /** Run every pending migration in one transaction that is rolled back, and report. */
  dryRun?: boolean;
  /** Stop after this migration and what it requires. */
  to?: string;
  /** Apply (or, with nothing pending, let be) a schema changed by hand since the last run. */
  allowDrift?: boolean;
  /** Apply the pending migrations to a copy of the schema first; touch the database only if that succeeds (ignored with dryRun). */
  rehearse?: boolean;
  onEvent?: (e: MigratorEvent) => void;
}

export type MigratorEvent =
  | MigrateEvent
  /** The lint passed; its warnings, if any, and each as a line for a person. */
  | { type: 'linted'; report: LintReport; lines: string[] }
  | { type: 'rehearsal'; message: string }
  | { type: 'rehearsed'; migrations: number; ms: number };

export type MigratorOutcome =
  /** Nothing pending: nothing was linted, locked or applied. `drift`: hand-made changes let be (allowDrift). */
  | { kind: 'up-to-date'; before: MigrationStatus; dryRun: boolean; drift: Finding[] }
  /** The lint found errors in the pending migrations; nothing was applied. */
  | { kind: 'lint-failed'; lint: LintReport; lines: string[] }
  /** The rehearsal on a copy of the schema failed; the database was not touched. */
  | { kind: 'rehearsal-failed'; rehearsal: MigrateResult }
  /** The run itself: `result.failure` says whether it stopped on a failure. */
  | { kind: 'ran'; result: MigrateResult };

export function createMigrator(db: Database, project: MigratorProject, options: MigratorOptions = {}): Migrator {
  const { plan } = project;
  const status = async (): Promise<MigrationStatus> => compareLedger(plan.order, await readLedger(db));
  const planFor = async (to?: string): Promise<MigrationPlan> => {
    const before = await status();
    assertUnchanged(before);
    return { before, pending: pendingMigrations(plan, new Set(before.applied.map((a) => a.id)), to) };
  };
  return {
    status,
    plan: planFor,
    async migrate(run = {}) {
      const dryRun = run.dryRun === true;
      const to = run.to;
      const emit = run.onEvent ?? (() => {});
      const { before, pending } = await planFor(to);
      stage('ledger-read');
      if (pending.length === 0) {
        // The fast path: no lint, no parser, no lock; the drift guard still looks (one query).
        const { checkDrift } = await import('./migrations/drift.ts');
        const drift = await checkDrift(db, run.allowDrift === true);
        stage('drift-checked');
        return { kind: 'up-to-date', before, dryRun, drift };
      }
      const lint = await import('./lint/index.ts');
      if (options.lint !== false) {
        const rules = await options.lintRules?.();
        const lintWith = options.lintWith ?? lint.lintMigrations;
        const report = await lintWith([...(project.sources ?? plan.order)], { only: pending.map((m) => m.id), ...(rules ? { rules } : {}) });
        const lines = report.findings.map((f) => lint.formatFinding(f));
        stage('linted');
        if (report.errors > 0) return { kind: 'lint-failed', lint: report, lines };
        emit({ type: 'linted', report, lines });
      }
      if (run.rehearse === true && !dryRun) {
        const { rehearseOnCopy } = await import('./migrations/rehearse.ts');
        const started = performance.now();
        const rehearsal = await rehearseOnCopy(db, plan, {
          splitStatements: lint.splitStatements,
          ...(to !== undefined ? { to } : {}),
          onProgress: (message) => emit({ type: 'rehearsal', message }),
        });
        if (rehearsal.failure) return { kind: 'rehearsal-failed', rehearsal };
        emit({ type: 'rehearsed', migrations: rehearsal.steps.length, ms: Math.round(performance.now() - started) });
      }
      const result = await applyPending(db, plan, {
        dryRun,
        allowDrift: run.allowDrift === true,
        splitStatements: lint.splitStatements,
        onEvent: emit,
        ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
        ...(to !== undefined ? { to } : {}),
      });
      stage('applied');
      return { kind: 'ran', result };
    },
  };
}
