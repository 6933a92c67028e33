import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { splitStatements, splitStatementsSync, SqlSyntaxError } from '../../../src/schema/lint/index.ts';

describe('splitStatements', () => {
  test('returns each statement without its semicolon, with string indices and the line and column of its first token', async () => {
    const text = '-- header\nCREATE TABLE a (id int);\n\n  /* note */ INSERT INTO a VALUES (1);\n';
    const stmts = await splitStatements(text);
    assert.deepEqual(
      stmts.map((s) => s.text),
      ['CREATE TABLE a (id int)', 'INSERT INTO a VALUES (1)'],
    );
    for (const s of stmts) assert.equal(text.slice(s.start, s.end), s.text);
    assert.deepEqual(
      stmts.map((s) => [s.line, s.column]),
      [
        [2, 1],
        [4, 14],
      ],
    );
  });

  test('does not split at semicolons inside strings, comments, quoted identifiers or dollar-quoted bodies', async () => {
    const text = [
      "INSERT INTO notes VALUES ('a; b', E'c\\'; d');",
      'SELECT 1 AS "x;y"; -- trailing; comment',
      'DO $body$ BEGIN RAISE NOTICE $$;$$; END $body$;',
    ].join('\n');
    const stmts = await splitStatements(text);
    assert.equal(stmts.length, 3);
    assert.equal(stmts[2]?.text, 'DO $body$ BEGIN RAISE NOTICE $$;$$; END $body$');
  });

  test('places statements after non-ASCII text by string index, not by UTF-8 byte', async () => {
    const text = "-- prix en €, 数量 📦\nSELECT 'é';\nSELECT 2;";
    const stmts = await splitStatements(text);
    assert.deepEqual(
      stmts.map((s) => s.text),
      ["SELECT 'é'", 'SELECT 2'],
    );
    assert.equal(text.slice(stmts[1]?.start, stmts[1]?.end), 'SELECT 2');
    assert.deepEqual([stmts[1]?.line, stmts[1]?.column], [3, 1]);
  });

  test('counts lines of CRLF text once per line break', async () => {
    const text = 'SELECT 1;\r\n\r\n  SELECT 2;\r\n';
    const stmts = await splitStatements(text);
    assert.deepEqual(
      stmts.map((s) => [s.text, s.line, s.column]),
      [
        ['SELECT 1', 1, 1],
        ['SELECT 2', 3, 3],
      ],
    );
  });

  test('keeps a last statement without a semicolon, and leaves out a trailing comment', async () => {
    const stmts = await splitStatements('SELECT 1;\nSELECT 2 -- no semicolon\n');
    assert.deepEqual(
      stmts.map((s) => s.text),
      ['SELECT 1', 'SELECT 2'],
    );
  });

  test('returns no statements for blank or comment-only text', async () => {
    assert.deepEqual(await splitStatements(''), []);
    assert.deepEqual(await splitStatements('  \n-- nothing\n/* here */'), []);
  });

  test('throws SQL_SYNTAX with the line and column of the error', async () => {
    const text = '-- é ü\nSELECT 1;\nSELEC 2;';
    await assert.rejects(splitStatements(text, 'migrations/0001_x.sql'), (err: unknown) => {
      assert.ok(err instanceof SqlSyntaxError);
      assert.equal(err.code, 'SQL_SYNTAX');
      assert.deepEqual([err.line, err.column], [3, 1]);
      assert.match(err.message, /^migrations\/0001_x\.sql:3:1: syntax error at or near "SELEC"/);
      return true;
    });
  });

  test('a nested $$ inside a DO block fails at the statement the early end exposes', async () => {
    const text = 'CREATE TABLE t (id int);\nDO $$\nBEGIN\n  EXECUTE $$ ALTER TABLE t ADD COLUMN c int $$;\nEND $$;\n';
    await assert.rejects(splitStatements(text), { code: 'SQL_SYNTAX', line: 4, column: 14 });
  });

  test('the synchronous variant gives the same result once the parser is loaded', async () => {
    const text = 'SELECT 1; SELECT 2;';
    assert.deepEqual(splitStatementsSync(text), await splitStatements(text));
  });
});
