import type { Database } from '../db/types.ts';
import type { Finding } from './catalog/compare.ts';
import type { AcknowledgedFinding, LintFinding, RuleLevels } from './lint/index.ts';
import type { MigrationFailure } from './migrations/locate.ts';
import type { Plan } from './migrations/plan.ts';
import type { MigrationSource } from './migrations/source.ts';

/** What `checkProject` is given: the project's migrations, its snapshot's text (undefined: no such file), and optionally a live database to rehearse on. */
export interface CheckInput {
  sources: readonly MigrationSource[];
  plan: Plan;
  snapshot: string | undefined;
  /** The lint's rule levels the project sets (mtc.config.json's `lint.rules`). */
  lintRules?: RuleLevels;
  /** Opens the live database whose pending migrations are rehearsed; none: the rehearsal is skipped. */
  openLive?: () => Promise<Database>;
}

/** What happens as the check runs, for a progress display. */
export type CheckEvent =
  | { type: 'step'; step: 1 | 2 | 3 | 4; what: 'lint' | 'replay' | 'snapshot' | 'rehearsal' | 'rehearsal-skipped'; migrations: number }
  | { type: 'linted'; findings: LintFinding[] }
  | { type: 'replayed'; index: number; total: number; id: string }
  | { type: 'note'; message: string };

/** The check's result, step by step: a step not reached is absent. `failedAt` names the first step that failed. */
export interface CheckReport {
  ok: boolean;
  failedAt?: 'lint' | 'replay' | 'snapshot' | 'rehearsal';
  lint?: { errors: number; warnings: number; findings: LintFinding[]; acknowledged: AcknowledgedFinding[] };
  replay?: { applied: number; failure: MigrationFailure | null };
  snapshot?: { missing: true } | { upToDate: true } | { upToDate: false; findings: Finding[] };
  rehearsal?: { applied: string[]; rehearsed: number; failure: MigrationFailure | null };
}

/**
 * `mtc check`'s pipeline, the CI of a project's migrations without a server: lint every
 * migration with the PostgreSQL parser; replay them all from empty on a scratch PGlite;
 * compare the result with the snapshot; and, given a live database, rehearse its pending
 * migrations on a copy of its schema. Stops at the first step that fails; the report says
 * which and why, and nothing is changed anywhere (the rehearsal runs on a copy).
 */
export async function checkProject(input: CheckInput, onEvent: (e: CheckEvent) => void = () => {}): Promise<CheckReport> {
  const migrations = input.sources.length;
  onEvent({ type: 'step', step: 1, what: 'lint', migrations });
  const lint = await import('./lint/index.ts');
  const lintReport = await lint.lintMigrations([...input.sources], input.lintRules ? { rules: input.lintRules } : {});
  const report: CheckReport = {
    ok: false,
    lint: { errors: lintReport.errors, warnings: lintReport.warnings, findings: lintReport.findings, acknowledged: lintReport.acknowledged },
  };
  onEvent({ type: 'linted', findings: lintReport.findings });
  if (lintReport.errors > 0) return { ...report, failedAt: 'lint' };

  const { openScratchDatabase } = await import('../db/scratch.ts');
  const { migrate } = await import('./migrations/migrate.ts');
  const { inspect } = await import('./catalog/inspect.ts');
  const { renderSnapshot } = await import('./catalog/render.ts');
  const { compareModels } = await import('./catalog/compare.ts');

  onEvent({ type: 'step', step: 2, what: 'replay', migrations });
  const scratch = await openScratchDatabase((message) => onEvent({ type: 'note', message }));
  let replayed;
  try {
    const result = await migrate(scratch, input.plan, {
      splitStatements: lint.splitStatements,
      recordSchema: false,
      onEvent: (e) => {
        if (e.type === 'end') onEvent({ type: 'replayed', index: e.index, total: e.total, id: e.step.id });
      },
    });
    report.replay = { applied: result.steps.length, failure: result.failure ?? null };
    if (result.failure) return { ...report, failedAt: 'replay' };
    replayed = await inspect(scratch);
  } finally {
    await scratch.close();
  }

  onEvent({ type: 'step', step: 3, what: 'snapshot', migrations });
  if (input.snapshot === undefined) return { ...report, snapshot: { missing: true }, failedAt: 'snapshot' };
  if (renderSnapshot(replayed) !== input.snapshot) {
    const copy = await openScratchDatabase();
    try {
      await copy.exec(input.snapshot);
      return { ...report, snapshot: { upToDate: false, findings: compareModels(await inspect(copy), replayed) }, failedAt: 'snapshot' };
    } finally {
      await copy.close();
    }
  }
  report.snapshot = { upToDate: true };

  if (!input.openLive) {
    onEvent({ type: 'step', step: 4, what: 'rehearsal-skipped', migrations });
    return { ...report, ok: true };
  }
  onEvent({ type: 'step', step: 4, what: 'rehearsal', migrations });
  const { rehearseOnCopy } = await import('./migrations/rehearse.ts');
  const live = await input.openLive();
  try {
    const rehearsal = await rehearseOnCopy(live, input.plan, {
      splitStatements: lint.splitStatements,
      onProgress: (message) => onEvent({ type: 'note', message }),
    });
    report.rehearsal = {
      applied: rehearsal.steps.filter((s) => s.status === 'applied').map((s) => s.id),
      rehearsed: rehearsal.steps.length,
      failure: rehearsal.failure ?? null,
    };
    return rehearsal.failure ? { ...report, failedAt: 'rehearsal' } : { ...report, ok: true };
  } finally {
    await live.close();
  }
}
