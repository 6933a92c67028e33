import type { Database, Queryable, Session } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';
import { CREATE_LEDGER_SQL, compareLedger, ledgerInsertSql, readLedger } from './ledger.ts';
import type { MigrationStatus } from './ledger.ts';
import { failureAt, positionInFile, positionInStatement, replayToFindFailure } from './locate.ts';
import type { MigrationFailure, StatementSpan } from './locate.ts';
import { acquireSchemaLock, releaseSchemaLock } from './lock.ts';
import { checkDrift, recordSchema } from './drift.ts';
import type { Finding } from '../catalog/compare.ts';
import { pendingMigrations } from './plan.ts';
import type { Plan } from './plan.ts';
import type { MigrationSource } from './source.ts';
import { stage } from '../../stages.ts';

export interface MigrateOptions {
  /** Run everything pending in one transaction that is rolled back, and report. */
  dryRun?: boolean;
  /** Stop after this migration and what it requires. */
  to?: string;
  /** Apply even though the schema was changed by hand since the last run (see drift.ts). */
  allowDrift?: boolean;
  /** Record the schema left for the drift guard (default true; off for throwaway copies). */
  recordSchema?: boolean;
  /** How long to wait for another run's lock (default 60 s). */
  lockTimeoutMs?: number;
  /** Splits a migration into statements (the parser); needed for `transaction: off` files and to locate errors. */
  splitStatements: (text: string) => Promise<StatementSpan[]>;
  /** Called as each migration starts and ends, for progress output. */
  onEvent?: (e: MigrateEvent) => void;
}

export type MigrateEvent =
  | { type: 'locked'; waitedMs: number }
  | { type: 'start'; id: string; index: number; total: number }
  | { type: 'end'; step: StepResult; index: number; total: number };

export type StepStatus = 'applied' | 'failed' | 'rehearsed' | 'not-rehearsable' | 'not-run';

export interface StepResult {
  id: string;
  path: string;
  status: StepStatus;
  durationMs: number;
  failure?: MigrationFailure;
  /** Why a step did not run (a migration it requires failed in the rehearsal). */
  reason?: string;
}

export interface MigrateResult {
  /** What the ledger said before this run. */
  before: MigrationStatus;
  steps: StepResult[];
  dryRun: boolean;
  /** The first failure, if any: the run stopped there (except a dry run, which goes on with what does not depend on it). */
  failure: MigrationFailure | undefined;
  /** Hand-made changes since the last run, applied over with allowDrift. */
  drift: Finding[];
}

/**
 * Applies the pending migrations of `plan` in order, holding the schema lock on a session of
 * its own for the whole run. Each transactional migration and its ledger row commit together
 * in one round trip; on failure that migration leaves nothing behind, earlier ones stay, and
 * the result names the file, line and column. Refuses (MIGRATION_CHANGED, MIGRATION_MISSING)
 * when an applied migration was edited or deleted.
 */
export async function migrate(db: Database, plan: Plan, options: MigrateOptions): Promise<MigrateResult> {
  return db.session(async (lockSession) => {
    const t0 = Date.now();
    await acquireSchemaLock(lockSession, options.lockTimeoutMs ?? 60_000);
    options.onEvent?.({ type: 'locked', waitedMs: Date.now() - t0 });
    stage('locked');
    try {
      return await db.session(async (work) => {
        await watchClient(work);
        if (!options.dryRun) await work.exec(CREATE_LEDGER_SQL);
        const before = compareLedger(plan.order, await readLedger(work));
        assertUnchanged(before);
        const pending = pendingMigrations(plan, new Set(before.applied.map((a) => a.id)), options.to);
        const drift = pending.length > 0 ? await checkDrift(work, options.allowDrift === true) : [];
        stage('drift-checked');
        const run = options.dryRun ? rehearse : applyAll;
        const { steps, failure } = await run(work, pending, options);
        const lastApplied = steps.filter((s) => s.status === 'applied').pop();
        stage('migrations-run');
        if (lastApplied && !options.dryRun && options.recordSchema !== false) await recordSchema(work, lastApplied.id);
        stage('schema-recorded');
        return { before, steps, failure, dryRun: options.dryRun === true, drift };
      });
    } finally {
      await releaseSchemaLock(lockSession).catch(() => {});
    }
  });
}

/** Refuses to go on over an applied migration that was edited or deleted, saying what to do. */
export function assertUnchanged(status: MigrationStatus): void {
  if (status.changed.length > 0) {
    const list = status.changed.map((c) => `${c.path} (applied ${c.appliedAt})`).join(', ');
    throw new MtcError(
      'MIGRATION_CHANGED',
      `applied migration${status.changed.length > 1 ? 's' : ''} changed since applied: ${list}. An applied migration must not be edited: restore it (git checkout -- <file>) and put the change in a new migration`,
      'state',
      { changed: status.changed },
    );
  }
  if (status.partial.length > 0) {
    const list = status.partial
      .map((p) => `${p.path} replaces ${p.have.length + p.lack.length} migrations; this database ran ${p.have.join(', ')} but not ${p.lack.join(', ')}`)
      .join('; ');
    throw new MtcError('MIGRATION_PARTIAL_HISTORY', `${list}. Apply the rest of that history first, from a checkout before the squash`, 'state', {
      partial: status.partial,
    });
  }
  if (status.missing.length > 0) {
    const list = status.missing.map((c) => `${c.id} (applied ${c.appliedAt})`).join(', ');
    throw new MtcError(
      'MIGRATION_MISSING',
      `applied migration${status.missing.length > 1 ? 's are' : ' is'} missing from disk: ${list}. Restore the file${status.missing.length > 1 ? 's' : ''} (check the branch and --migrations DIR); a migration that was applied cannot be removed`,
      'state',
      { missing: status.missing },
    );
  }
}

async function applyAll(
  work: Session,
  pending: readonly MigrationSource[],
  options: MigrateOptions,
): Promise<{ steps: StepResult[]; failure: MigrationFailure | undefined }> {
  const steps: StepResult[] = [];
  for (const [index, m] of pending.entries()) {
    options.onEvent?.({ type: 'start', id: m.id, index, total: pending.length });
    const started = performance.now();
    const failure = m.transactional ? await applyInTransaction(work, m, options) : await applyStatementByStatement(work, m, options);
    const step: StepResult = {
      id: m.id,
      path: m.path,
      status: failure ? 'failed' : 'applied',
      durationMs: Math.round(performance.now() - started),
      ...(failure ? { failure } : {}),
    };
    steps.push(step);
    options.onEvent?.({ type: 'end', step, index, total: pending.length });
    if (failure) return { steps, failure };
  }
  return { steps, failure: undefined };
}

// The server measures each migration's duration, from its transaction's start.
const DURATION = '(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer';

/** One round trip: BEGIN; the file; its ledger row; COMMIT. */
async function applyInTransaction(work: Session, m: MigrationSource, options: MigrateOptions): Promise<MigrationFailure | undefined> {
  const prefix = 'BEGIN;\n';
  const sent = `${prefix}${m.text}\n;\n${ledgerInsertSql(m, DURATION)};\nCOMMIT;`;
  try {
    await work.exec(sent);
    return undefined;
  } catch (err) {
    await work.exec('ROLLBACK').catch(() => {});
    if (!(err instanceof DatabaseError)) throw err;
    return locateFailure(work, m, err, positionInFile(m, sent, prefix.length, err), options, false);
  }
}

/** `transaction: off`: each statement on its own, then the ledger row. Not atomic by nature. */
async function applyStatementByStatement(work: Session, m: MigrationSource, options: MigrateOptions): Promise<MigrationFailure | undefined> {
  const started = performance.now();
  for (const stmt of await options.splitStatements(m.text)) {
    try {
      await work.exec(stmt.text);
    } catch (err) {
      if (!(err instanceof DatabaseError)) throw err;
      return failureAt(m, positionInStatement(stmt, err), err);
    }
  }
  await work.exec(`${ledgerInsertSql(m, String(Math.round(performance.now() - started)))}`);
  return undefined;
}

async function locateFailure(
  work: Queryable,
  m: MigrationSource,
  err: DatabaseError,
  idx: number | undefined,
  options: MigrateOptions,
  inTransaction: boolean,
): Promise<MigrationFailure> {
  if (idx !== undefined) return failureAt(m, idx, err);
  const found = await replayToFindFailure(work, await options.splitStatements(m.text), inTransaction).catch(() => undefined);
  return failureAt(m, found ? positionInStatement(found.stmt, found.err) : undefined, err);
}

/**
 * A dry run: every pending migration inside one transaction that is rolled back, each under a
 * savepoint so that one failure does not hide the outcome of migrations that do not depend on it.
 */
async function rehearse(
  work: Session,
  pending: readonly MigrationSource[],
  options: MigrateOptions,
): Promise<{ steps: StepResult[]; failure: MigrationFailure | undefined }> {
  const steps: StepResult[] = [];
  const broken = new Map<string, string>(); // id → why it cannot be trusted to have run
  let failure: MigrationFailure | undefined;
  await work.exec('BEGIN');
  try {
    for (const [index, m] of pending.entries()) {
      options.onEvent?.({ type: 'start', id: m.id, index, total: pending.length });
      let step: StepResult;
      const blocker = m.requires.find((r) => broken.has(r));
      if (!m.transactional) {
        step = { id: m.id, path: m.path, status: 'not-rehearsable', durationMs: 0, reason: '-- transaction: off cannot run inside the rehearsal transaction' };
        broken.set(m.id, `${m.id} was not rehearsed`);
      } else if (blocker !== undefined) {
        step = { id: m.id, path: m.path, status: 'not-run', durationMs: 0, reason: `requires ${blocker}, which ${broken.get(blocker)}` };
        broken.set(m.id, 'did not run');
      } else {
        const started = performance.now();
        const sent = `SAVEPOINT mtc_rehearsal;\n${m.text}\n;\nRELEASE SAVEPOINT mtc_rehearsal;`;
        try {
          await work.exec(sent);
          step = { id: m.id, path: m.path, status: 'rehearsed', durationMs: Math.round(performance.now() - started) };
        } catch (err) {
          if (!(err instanceof DatabaseError)) throw err;
          await work.exec('ROLLBACK TO SAVEPOINT mtc_rehearsal; RELEASE SAVEPOINT mtc_rehearsal');
          const idx = positionInFile(m, sent, 'SAVEPOINT mtc_rehearsal;\n'.length, err);
          const f = await locateFailure(work, m, err, idx, options, true);
          failure ??= f;
          broken.set(m.id, 'failed');
          step = { id: m.id, path: m.path, status: 'failed', durationMs: Math.round(performance.now() - started), failure: f };
        }
      }
      steps.push(step);
      options.onEvent?.({ type: 'end', step, index, total: pending.length });
    }
  } finally {
    await work.exec('ROLLBACK').catch(() => {});
  }
  return { steps, failure };
}

/**
 * Asks the server (PostgreSQL 14+) to check during long statements that this client is still
 * there, so a killed run's statement stops within a second and its transaction rolls back,
 * instead of running on and holding locks. Older servers do not know the setting: no harm.
 */
async function watchClient(work: Session): Promise<void> {
  await work.exec("SET client_connection_check_interval = '1s'").catch(() => {});
}
