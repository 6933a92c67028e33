import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureDir, lintFixture } from './lint-fixture.ts';
import type { LintReport } from '../../../src/schema/lint/index.ts';

const risky = (report: LintReport, code: string) =>
  report.findings.filter((f) => f.code === code && f.file.endsWith('0002_risky_changes.sql')).map((f) => [f.line, f.column]);

describe('unsafe DDL on existing tables', () => {
  test('TABLE_REWRITE: a column type change and a volatile default, serial or identity column are warned about', async () => {
    const report = await lintFixture('unsafe-ddl');
    assert.deepEqual(risky(report, 'TABLE_REWRITE'), [
      [2, 18],
      [3, 29],
      [4, 29],
      [5, 29],
    ]);
    const rewrite = report.findings.filter((f) => f.code === 'TABLE_REWRITE');
    assert.ok(rewrite.every((f) => f.severity === 'warning' && f.relation === 'public.lots' && f.hint !== undefined));
    assert.match(rewrite[1]?.message ?? '', /volatile default gen_random_uuid\(\)/);
  });

  test('TABLE_REWRITE: a constant or stable default (now()) is not a rewrite', async () => {
    const report = await lintFixture('unsafe-ddl');
    // line 6 is still the column with a now() default: else the check below proves nothing
    const lines = (await readFile(join(fixtureDir('unsafe-ddl'), '0002_risky_changes.sql'), 'utf8')).split('\n');
    assert.match(lines[5] ?? '', /ADD COLUMN created_at timestamptz NOT NULL DEFAULT now\(\)/);
    assert.ok(!report.findings.some((f) => f.file.endsWith('0002_risky_changes.sql') && f.line === 6));
  });

  test('INDEX_WITHOUT_CONCURRENTLY: CREATE INDEX and ADD CONSTRAINT UNIQUE on an existing table', async () => {
    const report = await lintFixture('unsafe-ddl');
    assert.deepEqual(risky(report, 'INDEX_WITHOUT_CONCURRENTLY'), [
      [7, 1],
      [13, 22],
    ]);
    assert.match(report.findings.find((f) => f.code === 'INDEX_WITHOUT_CONCURRENTLY')?.hint ?? '', /CONCURRENTLY.*-- transaction: off/);
  });

  test('CONSTRAINT_WITHOUT_NOT_VALID: ADD FOREIGN KEY and ADD CHECK without NOT VALID, not with it', async () => {
    const report = await lintFixture('unsafe-ddl');
    assert.deepEqual(risky(report, 'CONSTRAINT_WITHOUT_NOT_VALID'), [
      [8, 22],
      [10, 22],
    ]);
    assert.match(report.findings.find((f) => f.code === 'CONSTRAINT_WITHOUT_NOT_VALID')?.hint ?? '', /NOT VALID.*VALIDATE CONSTRAINT lots_supplier_fk/);
  });

  test('SET_NOT_NULL: at the top level and inside a DO block', async () => {
    const report = await lintFixture('unsafe-ddl');
    const found = report.findings.filter((f) => f.code === 'SET_NOT_NULL').map((f) => `${f.file.split('/').pop()}:${f.line}:${f.column}`);
    assert.deepEqual(found, ['0002_risky_changes.sql:12:18', '0004_in_do_block.sql:4:20']);
  });

  test('a table created earlier in the same file gets no warning', async () => {
    const report = await lintFixture('unsafe-ddl');
    assert.deepEqual(
      report.findings.filter((f) => f.file.endsWith('0003_new_table.sql')),
      [],
    );
    assert.equal(report.errors, 0);
  });
});
