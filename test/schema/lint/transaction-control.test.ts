import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lintFixture, placesOf } from './lint-fixture.ts';

describe('TRANSACTION_CONTROL', () => {
  test('BEGIN, SAVEPOINT and COMMIT at the top level of a migration are errors', async () => {
    const report = await lintFixture('transaction-control');
    const top = report.findings.filter((f) => f.code === 'TRANSACTION_CONTROL' && f.file.endsWith('0001_wrapped.sql'));
    assert.deepEqual(
      top.map((f) => [f.line, f.message.split(' ')[0]]),
      [
        [1, 'BEGIN'],
        [3, 'SAVEPOINT'],
        [5, 'COMMIT'],
      ],
    );
    assert.ok(top.every((f) => f.severity === 'error'));
    assert.match(top[0]?.hint ?? '', /own transaction/);
  });

  test('COMMIT inside a DO block is an error, inside a procedure it is not', async () => {
    const report = await lintFixture('transaction-control');
    assert.deepEqual(
      placesOf(report, 'TRANSACTION_CONTROL').filter((p) => p.startsWith('0002')),
      ['0002_do_commit.sql:5:3'],
    );
  });
});
