import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureDir, lintFixture, placesOf } from './lint-fixture.ts';

describe('SQL_SYNTAX', () => {
  test('a nested $$ inside a DO block is reported at the statement where the body ends early, with a hint', async () => {
    const report = await lintFixture('nested-dollar-do');
    assert.deepEqual(placesOf(report, 'SQL_SYNTAX'), ['0001_add_column.sql:6:14']);
    const [finding] = report.findings;
    assert.match(finding?.message ?? '', /syntax error at or near "ALTER"/);
    assert.match(finding?.hint ?? '', /own tag/);
  });

  test('an error inside a quoted EXECUTE string inside a DO block is placed at its file line and column', async () => {
    const report = await lintFixture('execute-syntax-in-do');
    const findings = report.findings.filter((f) => f.code === 'SQL_SYNTAX');
    assert.deepEqual(placesOf(report, 'SQL_SYNTAX'), ['0001_widen.sql:7:67', '0002_dollar_execute.sql:6:36']);
    assert.match(findings[0]?.message ?? '', /\(in an EXECUTE string inside a DO block\)$/);
  });

  test('a non-ASCII comment before the error does not shift the column', async () => {
    const report = await lintFixture('non-ascii-comment');
    assert.deepEqual(placesOf(report, 'SQL_SYNTAX'), ['0001_labels.sql:3:56']);
  });

  test('positions in CRLF files are right, and every broken statement of a file is reported', async () => {
    const text = await readFile(join(fixtureDir('crlf'), '0002_order_lines.sql'), 'utf8');
    assert.ok(text.includes('\r\n'), 'the fixture must keep its CRLF line endings');
    const report = await lintFixture('crlf');
    assert.deepEqual(placesOf(report, 'SQL_SYNTAX'), ['0002_order_lines.sql:6:62', '0002_order_lines.sql:8:32']);
  });

  test('PL/pgSQL errors are placed at their line in function and DO bodies', async () => {
    const report = await lintFixture('plpgsql-syntax');
    assert.deepEqual(placesOf(report, 'SQL_SYNTAX'), [
      '0001_functions.sql:9:6', // the statement after a missing semicolon
      '0001_functions.sql:28:33', // INSERT … VALUE inside a DO block
      '0001_functions.sql:31:92', // the end of an unfinished LANGUAGE sql body
    ]);
    assert.match(report.findings[0]?.message ?? '', /\(in a function body\)$/);
    assert.match(report.findings[1]?.message ?? '', /"VALUE" \(in a DO block\)$/);
  });

  test('a field of a %ROWTYPE variable is not a syntax error', async () => {
    const report = await lintFixture('plpgsql-syntax');
    // lines 14 to 23 are still lot_status() with its %ROWTYPE field: else the check below proves nothing
    const body = (await readFile(join(fixtureDir('plpgsql-syntax'), '0001_functions.sql'), 'utf8')).split('\n').slice(13, 23).join('\n');
    assert.match(body, /CREATE FUNCTION lot_status[\s\S]*%ROWTYPE[\s\S]*r\.status :=/);
    assert.ok(
      report.findings.every((f) => f.line < 14 || f.line > 23),
      'nothing reported in lot_status()',
    );
  });
});
