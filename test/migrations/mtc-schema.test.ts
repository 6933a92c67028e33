// MTC's own schema (migrations/), checked against the rules it promises.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { openScratchDatabase } from '../../src/db/scratch.ts';
import { compareModels } from '../../src/schema/catalog/compare.ts';
import { inspect } from '../../src/schema/catalog/inspect.ts';
import type { SchemaModel, TableModel } from '../../src/schema/catalog/model.ts';
import { migrate } from '../../src/schema/migrations/migrate.ts';
import { planMigrations } from '../../src/schema/migrations/plan.ts';
import { loadMigrations } from '../../src/schema/migrations/source.ts';
import { lintMigrations, splitStatements } from '../../src/schema/lint/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { LOT_STATUSES } from '../../src/app/lots/status.ts';

let model: SchemaModel;
const table = (name: string): TableModel => {
  const t = model.tables.find((x) => x.name === name);
  assert.ok(t, `no table ${name}`);
  return t;
};

before(async () => {
  const db = await openScratchDatabase();
  try {
    const result = await migrate(db, planMigrations(await loadMigrations(join(ROOT, 'migrations'))), { recordSchema: false, splitStatements });
    assert.equal(result.failure, undefined);
    model = await inspect(db);
  } finally {
    await db.close();
  }
});

describe("MTC's schema", () => {
  test('lints clean: every dependency declared, no error, and every warning acknowledged in its migration with a reason', async () => {
    // The acknowledgements are -- mtc:allow lines in the migrations, just before their statements.
    const sources = await loadMigrations(join(ROOT, 'migrations'));
    const report = await lintMigrations(sources);
    assert.equal(report.files, sources.length);
    assert.deepEqual(report.findings, []);
    assert.equal(report.errors + report.warnings, 0);
    assert.ok(report.acknowledged.length > 0, 'the risky statements MTC ships are acknowledged, not unseen');
    for (const a of report.acknowledged) assert.ok(a.reason.length > 20, `${a.file}:${a.line} ${a.code}: a reason in words`);
  });

  test('every foreign key has an index that starts with its columns', () => {
    const missing: string[] = [];
    for (const t of model.tables)
      for (const fk of t.constraints.filter((c) => c.kind === 'foreign key'))
        if (!t.indexes.some((i) => i.predicate === null && fk.columns.every((c, n) => i.keys[n] === c))) missing.push(`${t.name}.${fk.name}`);
    assert.deepEqual(missing, []);
  });

  test('no constraint or index is there twice', () => {
    assert.deepEqual(compareModels(model, model), []);
  });

  test('every timestamp is timestamptz, and every table with updated_at keeps it with a trigger', () => {
    for (const t of model.tables) {
      for (const c of t.columns) assert.notEqual(c.type, 'timestamp without time zone', `${t.name}.${c.name}`);
      if (t.columns.some((c) => c.name === 'updated_at'))
        assert.ok(
          t.triggers.some((tr) => /BEFORE UPDATE .* EXECUTE FUNCTION public\.update_updated_at_column\(\)/.test(tr.definition)),
          `${t.name} has no updated_at trigger`,
        );
    }
  });

  test('production lots: the statuses of the lot machine (LOT_STATUSES) and no other by CHECK, on lots and their events, and an index on status; lot numbers from a function that pins its search_path', () => {
    const lots = table('production_lots');
    const events = table('production_lot_events');
    const checked = (t: TableModel, name: string) => {
      const definition = t.constraints.find((c) => c.name === name)?.definition ?? '';
      return [...definition.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    };
    assert.deepEqual(checked(lots, 'production_lots_status_check'), [...LOT_STATUSES]);
    assert.deepEqual(checked(events, 'production_lot_events_from_status_check'), [...LOT_STATUSES]);
    assert.deepEqual(checked(events, 'production_lot_events_to_status_check'), [...LOT_STATUSES]);
    assert.ok(lots.indexes.some((i) => i.keys.join() === 'status'));
    assert.equal(lots.columns.find((c) => c.name === 'lot_number')?.default, 'public.next_lot_number()');
    assert.match(model.functions.find((f) => f.name === 'next_lot_number')?.definition ?? '', /SET search_path TO 'pg_catalog'/);
    const fk = lots.constraints.find((c) => c.kind === 'foreign key' && c.columns.join() === 'created_by');
    assert.deepEqual([fk?.references?.table, fk?.references?.columns, fk?.references?.onDelete], ['users', ['user_id'], 'SET NULL']);
    // A lot of up to 1,000,000 units costs more than numeric(12,2) holds.
    for (const money of ['worst_case_estimated_cost', 'best_case_estimated_cost', 'actual_cost', 'cost_variance'])
      assert.equal(lots.columns.find((c) => c.name === money)?.type, 'numeric(16,2)', money);
    assert.match(lots.constraints.find((c) => c.name === 'production_lots_quantity_max')?.definition ?? '', /quantity <= 1000000/);
  });

  test('import jobs: exactly the agreed columns, one foreign key to users, the agreed indexes', () => {
    const jobs = table('import_jobs');
    assert.deepEqual(
      jobs.columns.map((c) => c.name),
      ['id', 'import_id', 'user_id', 'kind', 'status', 'message', 'total_rows', 'processed_rows', 'success_count', 'failure_count', 'created_at', 'updated_at'],
    );
    assert.equal(jobs.columns.find((c) => c.name === 'import_id')?.type, 'uuid');
    const fks = jobs.constraints.filter((c) => c.kind === 'foreign key');
    assert.deepEqual(
      fks.map((c) => `${c.columns.join()}→${c.references?.table}(${c.references?.columns.join()})`),
      ['user_id→users(user_id)'],
    );
    const defs = jobs.indexes.map((i) => i.definition);
    for (const k of ['import_id', 'user_id', 'status', 'created_at DESC'])
      assert.ok(
        defs.some((d) => d.endsWith(`USING btree (${k})`)),
        `no index on ${k}: ${defs.join('; ')}`,
      );
    assert.ok(jobs.indexes.some((i) => i.unique && i.keys.join() === 'import_id'));
  });

  test('substitute groups: soft delete with a partial index on the live ones', () => {
    const groups = table('substitute_groups');
    assert.ok(groups.columns.some((c) => c.name === 'deleted_at'));
    assert.ok(
      groups.indexes.some((i) => /WHERE \(deleted_at IS NULL\)$/.test(i.definition)),
      groups.indexes.map((i) => i.definition).join('; '),
    );
  });
});
