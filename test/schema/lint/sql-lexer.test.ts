import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { skipBlankAndComments, statementRanges, tokenize } from '../../../src/schema/lint/sql-lexer.ts';
import { decodeStringConstant, Fragment } from '../../../src/schema/lint/fragment.ts';

const texts = (text: string) => tokenize(text).map((t) => text.slice(t.start, t.end));

describe('sql-lexer', () => {
  test('keeps string constants, quoted identifiers and dollar-quoted bodies whole', () => {
    assert.deepEqual(texts(`SELECT 'a''b', E'c\\'d', "x""y", $t$ ; $$ $t$, $1;`), [
      'SELECT',
      "'a''b'",
      ',',
      "E'c\\'d'",
      ',',
      '"x""y"',
      ',',
      '$t$ ; $$ $t$',
      ',',
      '$1',
      ';',
    ]);
  });

  test('skips line comments and nested block comments', () => {
    const text = '-- one\n/* two /* nested */ still */  SELECT';
    assert.equal(skipBlankAndComments(text), text.indexOf('SELECT'));
    assert.deepEqual(texts(text), ['SELECT']);
  });

  test('marks an unterminated string and runs it to the end', () => {
    const [t] = tokenize("'abc");
    assert.equal(t?.unterminated, true);
    assert.equal(t?.end, 4);
  });

  test('splits statements at top-level semicolons only, keeping BEGIN ATOMIC bodies whole', () => {
    const text = "SELECT ';'; CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3";
    assert.deepEqual(
      statementRanges(text).map((r) => text.slice(r.start, r.end)),
      ["SELECT ';'", 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END', 'SELECT 3'],
    );
  });
});

describe('string constants as fragments', () => {
  test('decodes doubled quotes and E-string escapes', () => {
    assert.equal(decodeStringConstant("'it''s'")?.value, "it's");
    assert.equal(decodeStringConstant("E'a\\nb\\'c'")?.value, "a\nb'c");
    assert.equal(decodeStringConstant('$x$ body $x$')?.value, ' body ');
    assert.equal(decodeStringConstant('not a string'), undefined);
  });

  test('maps an index of the value back to the file through every layer', () => {
    const file = Fragment.file("DO $$ BEGIN EXECUTE 'ALTER TABLE ''t'' ADD x'; END $$;");
    const body = file.stringConstant('do-body', 3, file.text.lastIndexOf('$$') + 2);
    assert.ok(body);
    const literalStart = body.text.indexOf("'");
    const literalEnd = body.text.lastIndexOf("'") + 1;
    const sql = body.stringConstant('execute-string', literalStart, literalEnd);
    assert.equal(sql?.text, "ALTER TABLE 't' ADD x");
    const add = sql?.text.indexOf('ADD') ?? -1;
    assert.equal(file.text.slice(sql?.fileIndex(add)).slice(0, 3), 'ADD');
    assert.deepEqual(sql?.kinds(), ['file', 'do-body', 'execute-string']);
  });
});
