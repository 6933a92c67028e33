import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { MtcError } from '../../../src/errors.ts';
import { pendingMigrations, planMigrations, requiresClosure } from '../../../src/schema/migrations/plan.ts';
import { checksumOf, loadMigrations, migrationFromText } from '../../../src/schema/migrations/source.ts';

const FIX = 'test/fixtures/migrations';
const m = (id: string, requires: string[] = []) =>
  migrationFromText(`${id}.sql`, `${requires.length ? `-- requires: ${requires.join(' ')}\n` : ''}SELECT 1;\n`);

function errorOf(fn: () => unknown): MtcError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MtcError, `expected an MtcError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

describe('plan', () => {
  test('orders by requires, whatever the file numbers', async () => {
    const plan = planMigrations(await loadMigrations(`${FIX}/alter-before-create-fixed`));
    assert.deepEqual(
      plan.order.map((x) => x.id),
      ['0001_users', '0003_production_lots', '0002_fix_lot_status'],
    );
  });

  test('breaks ties by id so every machine gets one order', () => {
    const plan = planMigrations([m('c'), m('a'), m('b', ['c']), m('d', ['a'])]);
    assert.deepEqual(
      plan.order.map((x) => x.id),
      ['a', 'c', 'b', 'd'],
    );
  });

  test('a migration with a lower number that arrives later is pending once what it requires is applied', () => {
    const plan = planMigrations([m('0001_a'), m('0003_c', ['0001_a']), m('0002_b', ['0001_a'])]);
    assert.deepEqual(
      pendingMigrations(plan, new Set(['0001_a', '0003_c'])).map((x) => x.id),
      ['0002_b'],
    );
  });

  test('--to selects the target and its requires closure only', () => {
    const plan = planMigrations([m('a'), m('b', ['a']), m('c', ['a']), m('d', ['b'])]);
    assert.deepEqual(
      pendingMigrations(plan, new Set(), 'd').map((x) => x.id),
      ['a', 'b', 'd'],
    );
    assert.deepEqual([...requiresClosure('d', plan.byId)].sort(), ['a', 'b']);
    const e = errorOf(() => pendingMigrations(plan, new Set(), 'zz'));
    assert.equal(e.code, 'MIGRATION_UNKNOWN_TARGET');
    assert.equal(e.category, 'usage');
  });

  test('a cycle is an error naming the files in it', async () => {
    const sources = await loadMigrations(`${FIX}/cycle`);
    const e = errorOf(() => planMigrations(sources));
    assert.equal(e.code, 'MIGRATION_CYCLE');
    for (const f of ['0001_a.sql', '0002_b.sql', '0003_c.sql']) assert.match(e.message, new RegExp(f));
    assert.doesNotMatch(e.message, /0000_root/);
  });

  test('an unknown id in requires is an error naming the file and line', async () => {
    const e = errorOf(() => planMigrations([m('0001_a'), m('0002_b', ['0001_a', '0007_nope'])]));
    assert.equal(e.code, 'MIGRATION_UNKNOWN_REQUIRES');
    assert.match(e.message, /0002_b\.sql:1: requires "0007_nope"/);
  });

  test('two files with one id are an error naming both', async () => {
    await assert.rejects(loadMigrations(`${FIX}/duplicate-id`), (e: unknown) => {
      assert.ok(e instanceof MtcError);
      assert.equal(e.code, 'MIGRATION_DUPLICATE_ID');
      assert.match(e.message, /duplicate-id\/a\/0001_a\.sql/);
      assert.match(e.message, /duplicate-id\/b\/0001_a\.sql/);
      return true;
    });
  });
});

describe('migration files', () => {
  test('the checksum ignores CRLF line endings but sees any other change', () => {
    const lf = 'CREATE TABLE a (id int);\nSELECT 1;\n';
    assert.equal(checksumOf(lf.replace(/\n/g, '\r\n')), checksumOf(lf));
    assert.notEqual(checksumOf(lf.replace('1', '2')), checksumOf(lf));
  });

  test('headers: requires over several lines and commas, transaction off', () => {
    const src = migrationFromText(
      'migrations/0005_x.sql',
      '-- requires: a, b\r\n-- requires: c\r\n-- transaction: off\r\n\r\nCREATE INDEX CONCURRENTLY i ON t (x);\r\n-- requires: not_header\r\n',
    );
    assert.equal(src.id, '0005_x');
    assert.deepEqual(src.requires, ['a', 'b', 'c']);
    assert.equal(src.transactional, false);
    assert.equal(src.requiresLines.c, 2);
  });

  test('a header value that is not understood is an error naming the line', () => {
    assert.throws(() => migrationFromText('m/0001.sql', '-- transaction: maybe\nSELECT 1;'), /m\/0001\.sql:1: .*transaction: maybe/);
    assert.throws(() => migrationFromText('m/0001.sql', '\n-- requires: bad$id\nSELECT 1;'), /m\/0001\.sql:2: "bad\$id" is not a migration id/);
  });

  test('the .sql files of subdirectories are read too, in id order, other files left alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtc-source-'));
    try {
      await mkdir(join(dir, 'lots', 'older'), { recursive: true });
      await writeFile(join(dir, '0002_b.sql'), 'SELECT 2;\n');
      await writeFile(join(dir, 'lots', '0003_c.SQL'), 'SELECT 3;\n');
      await writeFile(join(dir, 'lots', 'older', '0001_a.sql'), 'SELECT 1;\n');
      await writeFile(join(dir, 'lots', 'README.md'), 'not a migration\n');
      const sources = await loadMigrations(dir);
      assert.deepEqual(
        sources.map((m) => [m.id, relative(dir, resolve(m.path))]),
        [
          ['0001_a', 'lots/older/0001_a.sql'],
          ['0002_b', '0002_b.sql'],
          ['0003_c', 'lots/0003_c.SQL'],
        ],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing migrations directory is a usage error', async () => {
    await assert.rejects(
      loadMigrations('test/fixtures/migrations/no-such-dir'),
      (e: unknown) => e instanceof MtcError && e.code === 'MIGRATIONS_DIR_MISSING' && e.category === 'usage',
    );
  });
});

describe('baselines (-- replaces:)', () => {
  const base = migrationFromText('0003_c_baseline.sql', '-- replaces: 0001_a 0002_b 0003_c\nCREATE TABLE a (id int);\n');
  const later = migrationFromText('0004_d.sql', '-- requires: 0002_b\nCREATE TABLE d (id int);\n');

  test('a requirement on a replaced migration is one on its baseline', () => {
    const plan = planMigrations([later, base]);
    assert.deepEqual(
      plan.order.map((x) => x.id),
      ['0003_c_baseline', '0004_d'],
    );
    assert.deepEqual(
      pendingMigrations(plan, new Set(), '0002_b').map((x) => x.id),
      ['0003_c_baseline'],
    );
  });

  test('a replaced file still on disk, or replaced by two baselines, is an error', () => {
    assert.equal(errorOf(() => planMigrations([base, m('0002_b')])).code, 'MIGRATION_REPLACED_STILL_PRESENT');
    const other = migrationFromText('0009_x_baseline.sql', '-- replaces: 0002_b\nSELECT 1;\n');
    assert.equal(errorOf(() => planMigrations([base, other])).code, 'MIGRATION_REPLACED_TWICE');
  });

  test('the ledger: applied through the whole history, partial history refused, history rows not missing', async () => {
    const { compareLedger } = await import('../../../src/schema/migrations/ledger.ts');
    const { assertUnchanged } = await import('../../../src/schema/migrations/migrate.ts');
    const plan = planMigrations([base, later]);
    const row = (id: string) => ({ id, checksum: 'x', appliedAt: `2026-01-0${id[3]}`, durationMs: 1, appliedBy: 'u', how: 'applied' as const });
    const full = compareLedger(plan.order, [row('0001_a'), row('0002_b'), row('0003_c')]);
    assert.deepEqual(
      full.applied.map((a) => a.id),
      ['0003_c_baseline'],
    );
    assert.deepEqual([full.missing.length, full.partial.length], [0, 0]);
    assert.deepEqual(
      full.pending.map((p) => p.id),
      ['0004_d'],
    );
    const partial = compareLedger(plan.order, [row('0001_a')]);
    assert.deepEqual(partial.partial, [{ id: '0003_c_baseline', path: '0003_c_baseline.sql', have: ['0001_a'], lack: ['0002_b', '0003_c'] }]);
    assert.throws(() => assertUnchanged(partial), /ran 0001_a but not 0002_b, 0003_c/);
  });
});
