import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintMigrations, splitStatements, splitStatementsSync } from '../../../src/schema/lint/index.ts';
import { loadedPgParser } from '../../../src/schema/lint/parser.ts';

// The node test runner gives each file its own process; the order of these tests matters.
// If another file has loaded the parser in this process already, the first two cannot be observed.
const preloaded = loadedPgParser() !== undefined ? 'the parser was loaded by another test file in this process' : false;

test('importing the lint and linting no files does not load the SQL parser', { skip: preloaded }, async () => {
  assert.equal(loadedPgParser(), undefined);
  const report = await lintMigrations([]);
  assert.deepEqual(report, { findings: [], errors: 0, warnings: 0, acknowledged: [], files: 0 });
  assert.equal(loadedPgParser(), undefined);
});

test('splitStatementsSync refuses to run before the parser is loaded', { skip: preloaded }, () => {
  assert.throws(() => splitStatementsSync('SELECT 1'), { code: 'SQL_PARSER_NOT_LOADED' });
});

test('splitStatements loads the parser on first use', async () => {
  assert.equal((await splitStatements('SELECT 1')).length, 1);
  assert.notEqual(loadedPgParser(), undefined);
  assert.equal(splitStatementsSync('SELECT 1; SELECT 2').length, 2);
});
