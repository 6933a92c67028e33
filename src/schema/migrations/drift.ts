import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { compareModels, formatFinding } from '../catalog/compare.ts';
import type { Finding } from '../catalog/compare.ts';
import { inspect } from '../catalog/inspect.ts';
import type { SchemaModel } from '../catalog/model.ts';
import { MtcError } from '../errors.ts';
import { LEDGER_TABLE, sqlLiteral } from './ledger.ts';

/**
 * The drift guard. After each run that applied migrations, the ledger row of the last one
 * keeps the schema's model (and its sha256, the fingerprint). Before the next run applies
 * anything, the live schema is read again: a different fingerprint means someone changed
 * the schema by hand since, and the two models name the differences.
 */

/** sha256 of the model's JSON (inspect sorts everything, so one schema gives one text). */
export function fingerprintOf(model: SchemaModel): string {
  return createHash('sha256').update(JSON.stringify(model)).digest('hex');
}

interface RecordRow {
  id: string;
  fingerprint: string | null;
  schema_model: string | null;
}

/**
 * The recorded schema to check against: the latest ledger row's, if it has one. When the
 * latest row has none (applied by a rendered psql script, or adopted), there is nothing
 * trustworthy to compare with, and the check is skipped until the next run records one.
 */
async function lastRecord(q: Queryable): Promise<{ id: string; fingerprint: string; model: SchemaModel } | undefined> {
  let row: RecordRow | undefined;
  try {
    row = (await q.query<RecordRow>(`SELECT id, fingerprint, schema_model FROM ${LEDGER_TABLE} ORDER BY applied_at DESC, id DESC LIMIT 1`)).rows[0];
  } catch (err) {
    if (err instanceof DatabaseError && err.code === '42P01') return undefined; // no ledger yet (a dry run does not create it)
    throw err;
  }
  if (!row || row.fingerprint === null || row.schema_model === null) return undefined;
  return { id: row.id, fingerprint: row.fingerprint, model: JSON.parse(row.schema_model) as SchemaModel };
}

/**
 * Compares the live schema with the one recorded after the last run. Returns the
 * differences (none when it matches or nothing was recorded); with `allow` false, a
 * difference is a SCHEMA_DRIFT error naming them.
 */
export async function checkDrift(q: Queryable, allow: boolean): Promise<Finding[]> {
  const recorded = await lastRecord(q);
  if (!recorded) return [];
  const live = await inspect(q);
  if (fingerprintOf(live) === recorded.fingerprint) return [];
  const findings = compareModels(recorded.model, live);
  if (!allow && findings.length > 0) {
    const shown = findings.slice(0, 20).map((f) => `  ${formatFinding(f)}`);
    if (findings.length > shown.length) shown.push(`  … and ${findings.length - shown.length} more (mtc verify lists them all)`);
    throw new MtcError(
      'SCHEMA_DRIFT',
      `the schema was changed by hand since ${recorded.id} was applied:\n${shown.join('\n')}\nPut the change in a migration, or undo it; to apply the pending migrations over it anyway, run again with --allow-drift`,
      'state',
      { since: recorded.id, findings },
    );
  }
  return findings;
}

/** Records the live schema on the ledger row of `id` (the last migration this run applied). */
export async function recordSchema(q: Queryable, id: string): Promise<void> {
  const model = await inspect(q);
  await q.exec(`UPDATE ${LEDGER_TABLE} SET fingerprint = ${sqlLiteral(fingerprintOf(model))}, schema_model = ${sqlLiteral(JSON.stringify(model))} WHERE id = ${sqlLiteral(id)}`);
}
