import type { Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { compareModels, formatFinding } from '../catalog/compare.ts';
import type { Finding } from '../catalog/compare.ts';
import { inspect } from '../catalog/inspect.ts';
import type { SchemaModel } from '../catalog/model.ts';
import { MtcError } from '../../errors.ts';
import { isEngineRelation } from '../engine-tables.ts';
import { LEDGER_TABLE, sqlLiteral } from './ledger.ts';

/**
 * The drift guard. After each run that applied migrations, the ledger row of the last one
 * keeps the schema's model and a fingerprint (a hash over the catalog, one query). Before the next run applies
 * anything, its fingerprint is taken again: a different one, confirmed by comparing models, means someone changed
 * the schema by hand since, and the two models name the differences.
 */

const userSchema = (n: string) => `${n}.nspname !~ '^pg_' AND ${n}.nspname <> 'information_schema'`;

/**
 * One query that hashes what defines the schema (relations, columns, constraints, indexes,
 * triggers, functions, views, enum labels) in a fixed order: a cheap first look, so that a
 * run does not read the whole catalog when nothing changed. Only compared with a value the
 * same database gave earlier, so version differences in printing do not matter; a changed
 * hash is then confirmed, and named, by comparing full models.
 */
export const FINGERPRINT_SQL = `SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(pg_catalog.string_agg(x, E'\\n' ORDER BY x), ''), 'UTF8')), 'hex') AS fingerprint FROM (
  SELECT 'r ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text AS x
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE ${userSchema('n')} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i') AND NOT ${isEngineRelation('n.nspname', 'c.relname')}
  UNION ALL
  SELECT 'a ' || n.nspname || '.' || c.relname || ' ' || a.attnum::text || ' ' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' ' || a.attidentity::text || ' ' || a.attgenerated::text || ' ' || coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE ${userSchema('n')} AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND NOT ${isEngineRelation('n.nspname', 'c.relname')}
  UNION ALL
  SELECT 'k ' || n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_catalog.pg_get_constraintdef(k.oid)
    FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE ${userSchema('n')} AND NOT ${isEngineRelation('n.nspname', 'c.relname')}
  UNION ALL
  SELECT 'i ' || pg_catalog.pg_get_indexdef(i.indexrelid)
    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE ${userSchema('n')} AND NOT ${isEngineRelation('n.nspname', 'c.relname')}
  UNION ALL
  SELECT 't ' || pg_catalog.pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
    FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE ${userSchema('n')} AND NOT t.tgisinternal
  UNION ALL
  SELECT 'f ' || n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ') ' || p.prokind::text || ' ' || p.provolatile::text || ' ' || pg_catalog.md5(p.prosrc)
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
   WHERE ${userSchema('n')}
  UNION ALL
  SELECT 'v ' || n.nspname || '.' || c.relname || ' ' || pg_catalog.md5(pg_catalog.pg_get_viewdef(c.oid))
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE ${userSchema('n')} AND c.relkind IN ('v', 'm')
  UNION ALL
  SELECT 'e ' || n.nspname || '.' || t.typname || ' ' || e.enumsortorder::text || ' ' || e.enumlabel
    FROM pg_catalog.pg_enum e JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
   WHERE ${userSchema('n')}
) s`;

/** The live schema's fingerprint (see FINGERPRINT_SQL). */
export async function fingerprintOf(q: Queryable): Promise<string> {
  const r = await q.query<{ fingerprint: string }>(FINGERPRINT_SQL);
  return r.rows[0]?.fingerprint ?? '';
}

// booleans as text: the lean client (db/lean.ts) returns every value as PostgreSQL prints it
interface RecordRow {
  id: string;
  recorded: string;
  same: string | null;
}

/**
 * The last run's record, set against the live schema in one round trip: the latest ledger
 * row's id, whether it keeps a schema (a row applied by a rendered psql script, or adopted,
 * keeps none: there is nothing trustworthy to compare with, and the check is skipped until
 * the next run records one), and whether its fingerprint is the live one. The recorded model
 * itself, large, is read only when the fingerprints differ.
 */
async function lastRecord(q: Queryable): Promise<{ id: string; same: boolean } | undefined> {
  let row: RecordRow | undefined;
  try {
    row = (
      await q.query<RecordRow>(
        `SELECT l.id, (l.fingerprint IS NOT NULL AND l.has_model)::text AS recorded, (l.fingerprint = f.fingerprint)::text AS same
           FROM (SELECT id, fingerprint, schema_model IS NOT NULL AS has_model FROM ${LEDGER_TABLE} ORDER BY applied_at DESC, id DESC LIMIT 1) l
          CROSS JOIN (${FINGERPRINT_SQL}) f`,
      )
    ).rows[0];
  } catch (err) {
    if (err instanceof DatabaseError && err.code === '42P01') return undefined; // no ledger yet (a dry run does not create it)
    throw err;
  }
  if (row?.recorded !== 'true') return undefined;
  return { id: row.id, same: row.same === 'true' };
}

/** The schema model recorded on the ledger row of `id`. */
async function recordedModel(q: Queryable, id: string): Promise<SchemaModel> {
  const r = await q.query<{ schema_model: string }>(`SELECT schema_model FROM ${LEDGER_TABLE} WHERE id = ${sqlLiteral(id)}`);
  return JSON.parse(r.rows[0]?.schema_model ?? 'null') as SchemaModel;
}

/**
 * Compares the live schema with the one recorded after the last run. Returns the
 * differences (none when it matches or nothing was recorded); with `allow` false, a
 * difference is a SCHEMA_DRIFT error naming them. When nothing changed it costs one query.
 */
export async function checkDrift(q: Queryable, allow: boolean): Promise<Finding[]> {
  const recorded = await lastRecord(q);
  if (!recorded || recorded.same) return [];
  // The cheap look says something changed: read the whole schema to confirm and name it.
  const findings = compareModels(await recordedModel(q, recorded.id), await inspect(q));
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
  const [model, fingerprint] = [await inspect(q), await fingerprintOf(q)];
  await q.exec(
    `UPDATE ${LEDGER_TABLE} SET fingerprint = ${sqlLiteral(fingerprint)}, schema_model = ${sqlLiteral(JSON.stringify(model))} WHERE id = ${sqlLiteral(id)}`,
  );
}
