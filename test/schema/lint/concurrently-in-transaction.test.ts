import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lintFixture, placesOf } from './lint-fixture.ts';

describe('CONCURRENTLY_IN_TRANSACTION', () => {
  test('CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and VACUUM need "-- transaction: off"', async () => {
    const report = await lintFixture('concurrently');
    const found = report.findings.filter((f) => f.code === 'CONCURRENTLY_IN_TRANSACTION' && f.file.endsWith('0002_index_in_transaction.sql'));
    assert.deepEqual(
      found.map((f) => f.line),
      [2, 3, 4, 5],
    );
    assert.ok(found.every((f) => f.severity === 'error' && f.message.includes('add "-- transaction: off" to its header')));
    assert.match(found[3]?.message ?? '', /^VACUUM/);
  });

  test('a migration with "-- transaction: off" may create an index concurrently', async () => {
    const report = await lintFixture('concurrently');
    assert.deepEqual(
      report.findings.filter((f) => f.file.endsWith('0003_index_off.sql')),
      [],
    );
  });

  test('CREATE INDEX CONCURRENTLY inside a DO block is an error even without a transaction', async () => {
    const report = await lintFixture('concurrently');
    assert.deepEqual(
      placesOf(report, 'CONCURRENTLY_IN_TRANSACTION').filter((p) => p.startsWith('0004')),
      ['0004_index_in_do.sql:5:12'],
    );
    assert.match(report.findings.find((f) => f.file.endsWith('0004_index_in_do.sql'))?.message ?? '', /inside a DO block/);
  });
});
