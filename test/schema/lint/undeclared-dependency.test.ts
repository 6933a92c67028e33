import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lintFixture, placesOf } from './lint-fixture.ts';

describe('UNDECLARED_DEPENDENCY', () => {
  test('an ALTER of a table another migration creates, without requiring it, names both files and the relation', async () => {
    const report = await lintFixture('alter-before-create');
    assert.equal(report.errors, 1);
    const [f] = report.findings;
    assert.equal(f?.code, 'UNDECLARED_DEPENDENCY');
    assert.equal(f?.severity, 'error');
    assert.match(f?.file ?? '', /0001_fix_lots\.sql$/);
    assert.deepEqual([f?.line, f?.column], [3, 13]);
    assert.match(f?.message ?? '', /0001_fix_lots\.sql alters production_lots, which is created by \S*0002_production_lots\.sql/);
    assert.match(f?.message ?? '', /add "-- requires: 0002_production_lots"/);
    assert.equal(f?.relation, 'public.production_lots');
    assert.match(f?.relatedFile ?? '', /0002_production_lots\.sql$/);
  });

  test('the same ALTER with "-- requires: 0002_production_lots" is clean', async () => {
    const report = await lintFixture('alter-before-create-declared');
    assert.deepEqual(report.findings, []);
  });

  test('a dependency seen only inside EXECUTE strings of a DO block is found', async () => {
    const report = await lintFixture('execute-dependency');
    assert.deepEqual(placesOf(report, 'UNDECLARED_DEPENDENCY'), ['0002_item_codes.sql:5:39']);
    assert.match(report.findings[0]?.message ?? '', /comments on items, which is created by \S*0001_items\.sql/);
  });

  test('a table created inside a DO block of another migration is a dependency, also when only the user is linted', async () => {
    const all = await lintFixture('created-in-do');
    const only = await lintFixture('created-in-do', { only: ['0002_colour_codes'] });
    for (const report of [all, only]) {
      assert.deepEqual(placesOf(report, 'UNDECLARED_DEPENDENCY'), ['0002_colour_codes.sql:1:13']);
      assert.match(report.findings[0]?.message ?? '', /created by \S*0001_colours\.sql/);
    }
  });

  test('foreign keys, column types, sequences, trigger functions, views, comments and drops are dependencies, one finding per object', async () => {
    const report = await lintFixture('dependency-kinds');
    const found = report.findings.filter((f) => f.code === 'UNDECLARED_DEPENDENCY');
    assert.deepEqual(
      found.map((f) => [f.relation, f.line]),
      [
        ['public.items', 4],
        ['public.lot_status', 5],
        ['public.lot_numbers', 6],
        ['public.touch', 9],
        ['public.item_names', 10],
        ['public.Suppliers', 11],
        ['public.units', 12],
      ],
    );
    assert.ok(found.every((f) => /0003_uses\.sql$/.test(f.file)));
    assert.match(found[1]?.message ?? '', /uses the type lot_status,/);
    assert.match(found[3]?.message ?? '', /runs the trigger function touch,/);
    assert.match(found[6]?.message ?? '', /created by \S*0001_base\.sql and \S*0002_units_again\.sql \(any one will do\)/);
  });

  test('a creator in the transitive requires closure satisfies a use, whatever the case or schema qualification', async () => {
    const report = await lintFixture('dependency-kinds');
    assert.deepEqual(
      placesOf(report, 'UNDECLARED_DEPENDENCY').filter((p) => p.startsWith('0005')),
      [],
    );
  });

  test('CTE names, other schemas, quoted names of another case, temporary and legacy tables are not dependencies', async () => {
    const report = await lintFixture('dependency-kinds');
    assert.deepEqual(
      report.findings.filter((f) => f.file.endsWith('0006_not_dependencies.sql')),
      [],
    );
  });

  test('a use of an object created by a migration that requires the user says to move the statement', async () => {
    const report = await lintFixture('dependency-cycle');
    const [f] = report.findings.filter((x) => x.code === 'UNDECLARED_DEPENDENCY');
    assert.match(f?.message ?? '', /0002_lots\.sql, which itself requires 0001_index_lots .*move the statement into 0002_lots/);
  });

  test('a PL/pgSQL function body and a trigger calling a function from another migration are dependencies', async () => {
    const report = await lintFixture('function-body-dependency', { only: ['0002_log_change', '0003_orders'] });
    assert.deepEqual(
      report.findings.map((f) => [f.code, f.relation]),
      [
        ['UNDECLARED_DEPENDENCY', 'public.audit_log'],
        ['UNDECLARED_DEPENDENCY', 'public.log_change'],
      ],
    );
    assert.deepEqual(placesOf(report, 'UNDECLARED_DEPENDENCY'), ['0002_log_change.sql:3:15', '0003_orders.sql:3:82']);
  });

  test('a body assigning a field of a %ROWTYPE variable is still read', async () => {
    const report = await lintFixture('function-body-dependency', { only: ['0004_rowtype'] });
    assert.deepEqual(placesOf(report, 'UNDECLARED_DEPENDENCY'), ['0004_rowtype.sql:6:24']);
  });
});
