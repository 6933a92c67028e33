import { openScratchDatabase } from '../../db/scratch.ts';
import type { Database } from '../../db/types.ts';
import { compareModels, formatFinding } from '../catalog/compare.ts';
import { inspect } from '../catalog/inspect.ts';
import type { SchemaModel } from '../catalog/model.ts';
import { renderSnapshot } from '../catalog/render.ts';
import { MtcError } from '../../errors.ts';
import { sqlLiteral } from './ledger.ts';
import { migrate } from './migrate.ts';
import type { MigrateOptions } from './migrate.ts';
import { requiresClosure } from './plan.ts';
import type { Plan } from './plan.ts';
import type { MigrationSource } from './source.ts';

export interface Baseline {
  /** The baseline's id: the target's, with `_baseline`. */
  id: string;
  /** The file's text: a `-- replaces:` header, then the schema the history leaves. */
  text: string;
  /** The migrations it replaces, in plan order. */
  replaces: MigrationSource[];
  model: SchemaModel;
}

/**
 * Squashes `to` and everything it requires into one baseline migration: the history is
 * replayed on an in-process PGlite, its schema rendered, and the rendering loaded into a
 * second PGlite; the two schemas must be equal, or nothing is written. A history that leaves
 * rows in tables is refused (a baseline carries the schema, not data).
 */
export async function squash(
  plan: Plan,
  to: string,
  options: Pick<MigrateOptions, 'splitStatements'> & { onProgress?: (m: string) => void; generatedAt?: string },
): Promise<Baseline> {
  if (!plan.byId.has(to)) throw new MtcError('MIGRATION_UNKNOWN_TARGET', `--to ${to}: no migration has that id`, 'usage', { id: to });
  const members = requiresClosure(to, plan.byId, plan.replacedBy);
  members.add(to);
  const replaces = plan.order.filter((m) => members.has(m.id));
  const nested = replaces.find((m) => m.replaces.length > 0);
  if (nested) throw new MtcError('SQUASH_NESTED', `${nested.path} is already a baseline; squashing over a baseline is not supported`, 'state');

  options.onProgress?.(`replaying ${replaces.length} migrations on an in-process PostgreSQL`);
  const history = await openScratchDatabase(options.onProgress);
  let model: SchemaModel;
  try {
    const result = await migrate(history, plan, { splitStatements: options.splitStatements, to, recordSchema: false });
    if (result.failure) {
      throw new MtcError(
        'SQUASH_REPLAY_FAILED',
        `the history does not replay: ${result.failure.file}:${result.failure.line}:${result.failure.column}: ${result.failure.message}`,
        'state',
        { failure: result.failure },
      );
    }
    const withRows = await tablesWithRows(history);
    if (withRows.length > 0) {
      throw new MtcError(
        'SQUASH_DATA',
        `the history leaves rows in ${withRows.join(', ')}: a baseline carries the schema only, so those rows would be lost for new databases. Move the data into a migration after the baseline, or squash up to an earlier migration`,
        'state',
        { tables: withRows },
      );
    }
    model = await inspect(history);
  } finally {
    await history.close();
  }

  const schema = renderSnapshot(model);
  options.onProgress?.('loading the baseline into a second in-process PostgreSQL to prove it equal');
  const copy = await openScratchDatabase();
  try {
    await copy.exec(schema);
    const findings = compareModels(model, await inspect(copy));
    if (findings.length > 0) {
      throw new MtcError(
        'SQUASH_NOT_EQUIVALENT',
        `the baseline would not give the same schema:\n${findings.map((f) => `  ${formatFinding(f)}`).join('\n')}`,
        'state',
        { findings },
      );
    }
  } finally {
    await copy.close();
  }
  const id = `${to}_baseline`;
  const text = [
    `-- replaces: ${replaces.map((m) => m.id).join(' ')}`,
    `-- Baseline written by mtc squash${options.generatedAt ? ` on ${options.generatedAt}` : ''}: the schema that the ${replaces.length} migrations it`,
    '-- replaces leave, proven equal by replaying both. Databases that ran that history keep it;',
    '-- new databases run this file instead.',
    schema,
  ].join('\n');
  return { id, text, replaces, model };
}

async function tablesWithRows(db: Database): Promise<string[]> {
  const tables = await db.query<{ t: string }>(
    "SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND NOT (n.nspname = 'public' AND c.relname = 'mtc_schema_history') ORDER BY 1",
  );
  if (tables.rows.length === 0) return [];
  const union = tables.rows.map((r) => `SELECT ${sqlLiteral(r.t)} AS t WHERE EXISTS (SELECT 1 FROM ${r.t})`).join(' UNION ALL ');
  return (await db.query<{ t: string }>(union)).rows.map((r) => r.t);
}
