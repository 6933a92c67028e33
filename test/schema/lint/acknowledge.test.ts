// Telling the lint: -- mtc:allow RULE: reason before a statement acknowledges that rule's
// findings in it; a wrong acknowledgement is an error; a project sets the warnings' levels.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintMigrations, type LintOptions, type LintReport } from '../../../src/schema/lint/index.ts';
import { checksumOf, migrationFromText } from '../../../src/schema/migrations/source.ts';

/** Lints one migration, `migrations/0002_alter.sql`, whose tables (made elsewhere) may hold rows. */
const lintText = (text: string, options?: LintOptions): Promise<LintReport> => lintMigrations([migrationFromText('migrations/0002_alter.sql', text)], options);
const codes = (r: LintReport): string[] => r.findings.map((f) => `${f.line} ${f.severity} ${f.code}`);

const WIDEN = 'ALTER TABLE lots ALTER COLUMN note TYPE varchar(200);\n';
const CHECK = 'ALTER TABLE lots ADD CONSTRAINT qty_max CHECK (qty <= 1000);\n';

describe('-- mtc:allow', () => {
  test('acknowledges its rule in the next statement: listed with the reason, neither error nor warning', async () => {
    const r = await lintText(`-- mtc:allow TABLE_REWRITE: varchar(100) to varchar(200) rewrites nothing\n${WIDEN}`);
    assert.deepEqual(r.findings, []);
    assert.equal(r.warnings + r.errors, 0);
    assert.deepEqual(
      r.acknowledged.map((a) => [a.code, a.severity, a.file, a.line, a.reason, a.allowLine]),
      [['TABLE_REWRITE', 'warning', 'migrations/0002_alter.sql', 2, 'varchar(100) to varchar(200) rewrites nothing', 1]],
    );
  });

  test('covers the next statement only, every finding of its rule in it, and several lines stack', async () => {
    const text = [
      '-- mtc:allow TABLE_REWRITE: both columns are widened',
      '',
      '-- a comment between is fine',
      '-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: lots is small',
      'ALTER TABLE lots',
      '    ALTER COLUMN note TYPE varchar(200),',
      '    ALTER COLUMN code TYPE varchar(40),',
      '    ADD CONSTRAINT qty_max CHECK (qty <= 1000);',
      WIDEN,
    ].join('\n');
    const r = await lintText(text);
    assert.deepEqual(
      r.acknowledged.map((a) => `${a.line} ${a.code} ${a.allowLine}`),
      ['6 TABLE_REWRITE 1', '7 TABLE_REWRITE 1', '8 CONSTRAINT_WITHOUT_NOT_VALID 4'],
    );
    assert.deepEqual(codes(r), ['9 warning TABLE_REWRITE'], 'the statement after is not covered');
  });

  test('before a DO block, covers the findings inside it', async () => {
    const r = await lintText(`-- mtc:allow TABLE_REWRITE: widened\nDO $$\nBEGIN\n  ALTER TABLE lots ALTER COLUMN note TYPE varchar(200);\nEND\n$$;\n`);
    assert.deepEqual(
      r.acknowledged.map((a) => `${a.line} ${a.code}`),
      ['4 TABLE_REWRITE'],
    );
    assert.deepEqual(r.findings, []);
  });

  const wrong: [string, string, RegExp][] = [
    ['without a reason', '-- mtc:allow TABLE_REWRITE:\n', /ALLOW_INVALID -- mtc:allow TABLE_REWRITE gives no reason/],
    ['without a colon', '-- mtc:allow TABLE_REWRITE the column is widened\n', /ALLOW_INVALID -- mtc:allow must name a rule, a colon and a reason/],
    ['naming no rule', '-- mtc:allow\n', /ALLOW_INVALID -- mtc:allow must name a rule/],
    [
      'naming an unknown rule',
      '-- mtc:allow TABLE_REWRITES: widened\n',
      /ALLOW_INVALID -- mtc:allow names the unknown rule "TABLE_REWRITES" \(rules that can be acknowledged: TABLE_REWRITE, /,
    ],
    [
      'naming a rule that is always an error',
      '-- mtc:allow UNDECLARED_DEPENDENCY: it runs later anyway\n',
      /ALLOW_INVALID UNDECLARED_DEPENDENCY cannot be acknowledged/,
    ],
  ];
  for (const [what, line, message] of wrong) {
    test(`${what} is an error at its line, and acknowledges nothing`, async () => {
      const r = await lintText(`${CHECK}${line}${WIDEN}`);
      assert.equal(r.errors, 1);
      const error = r.findings.find((f) => f.severity === 'error');
      assert.equal(`${error?.file}:${error?.line}`, 'migrations/0002_alter.sql:2');
      assert.match(`${error?.code} ${error?.message}`, message);
      assert.deepEqual(
        codes(r).filter((c) => c.includes('warning')),
        ['1 warning CONSTRAINT_WITHOUT_NOT_VALID', '3 warning TABLE_REWRITE'],
      );
      assert.deepEqual(r.acknowledged, []);
    });
  }

  test('acknowledging nothing is an error: no such finding in the next statement, or no statement after', async () => {
    const r = await lintText(`-- mtc:allow SET_NOT_NULL: small table\n${WIDEN}-- mtc:allow TABLE_REWRITE: widened\n`);
    assert.deepEqual(
      r.findings.map((f) => `${f.line} ${f.code} ${f.message}`),
      [
        '1 ALLOW_UNUSED -- mtc:allow SET_NOT_NULL acknowledges nothing: the statement after it has no SET_NOT_NULL finding; remove the line',
        `2 TABLE_REWRITE ${r.findings[1]?.message ?? ''}`,
        '3 ALLOW_UNUSED -- mtc:allow TABLE_REWRITE is followed by no statement, so it acknowledges nothing; remove it',
      ],
    );
    assert.equal(r.errors, 2);
  });

  test('after code on its line, inside a statement, or twice for one statement is an error', async () => {
    const trailing = await lintText(`${WIDEN.trimEnd()} -- mtc:allow TABLE_REWRITE: widened\n${CHECK}`);
    assert.deepEqual(codes(trailing), ['1 warning TABLE_REWRITE', '1 error ALLOW_INVALID', '2 warning CONSTRAINT_WITHOUT_NOT_VALID']);
    assert.match(trailing.findings[1]?.message ?? '', /after other text on its line; put it on a line of its own/);

    const inside = await lintText('ALTER TABLE lots\n    -- mtc:allow TABLE_REWRITE: widened\n    ALTER COLUMN note TYPE varchar(200);\n');
    assert.deepEqual(codes(inside), ['2 error ALLOW_INVALID', '3 warning TABLE_REWRITE']);
    assert.match(inside.findings[0]?.message ?? '', /inside a statement acknowledges nothing/);

    const twice = await lintText(`-- mtc:allow TABLE_REWRITE: widened\n-- mtc:allow TABLE_REWRITE: widened again\n${WIDEN}`);
    assert.deepEqual(codes(twice), ['2 error ALLOW_INVALID']);
    assert.match(twice.findings[0]?.message ?? '', /TABLE_REWRITE is acknowledged twice for the same statement/);
    assert.equal(twice.acknowledged.length, 1);
  });

  test('a file that does not parse gets no ALLOW_UNUSED (its statements are not all known)', async () => {
    const r = await lintText(`-- mtc:allow TABLE_REWRITE: widened\nALTER TABEL lots ADD COLUMN x int;\n`);
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['SQL_SYNTAX'],
    );
  });

  test('"only" reports the wrong acknowledgements of the files it names, not of the others', async () => {
    const all = [migrationFromText('migrations/0001_a.sql', '-- mtc:allow TABLE_REWRITE:\nSELECT 1;\n'), migrationFromText('migrations/0002_b.sql', WIDEN)];
    assert.deepEqual(
      (await lintMigrations(all, { only: ['0002_b'] })).findings.map((f) => f.code),
      ['TABLE_REWRITE'],
    );
    assert.deepEqual(
      (await lintMigrations(all, { only: ['0001_a'] })).findings.map((f) => f.code),
      ['ALLOW_INVALID'],
    );
  });
});

describe("a project's rule levels", () => {
  test('"off" drops a rule\'s findings, "error" makes them errors; acknowledged ones stay acknowledged', async () => {
    const text = `${WIDEN}-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: lots is small\n${CHECK}ALTER TABLE lots ALTER COLUMN qty SET NOT NULL;\n`;
    const r = await lintText(text, { rules: { TABLE_REWRITE: 'error', CONSTRAINT_WITHOUT_NOT_VALID: 'error', SET_NOT_NULL: 'off' } });
    assert.deepEqual(codes(r), ['1 error TABLE_REWRITE']);
    assert.equal(r.errors, 1);
    assert.deepEqual(
      r.acknowledged.map((a) => `${a.line} ${a.severity} ${a.code}`),
      ['3 error CONSTRAINT_WITHOUT_NOT_VALID'],
    );
  });

  test('an acknowledgement of a rule set "off" still has its finding, so it is not unused', async () => {
    const r = await lintText(`-- mtc:allow TABLE_REWRITE: widened\n${WIDEN}`, { rules: { TABLE_REWRITE: 'off' } });
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.acknowledged, []);
  });

  test('an unknown rule or level, or a rule that is always an error set lower, is a usage error naming it', async () => {
    await assert.rejects(lintText(WIDEN, { rules: { TABLE_REWRIT: 'off' } }), {
      code: 'LINT_RULES_INVALID',
      category: 'usage',
      message: /unknown lint rule "TABLE_REWRIT"/,
    });
    await assert.rejects(lintText(WIDEN, { rules: { TABLE_REWRITE: 'loud' as 'off' } }), {
      code: 'LINT_RULES_INVALID',
      message: /"loud" is not a level; use "off", "warning" or "error"/,
    });
    await assert.rejects(lintText(WIDEN, { rules: { SQL_SYNTAX: 'warning' } }), { code: 'LINT_RULES_INVALID', message: /SQL_SYNTAX is always an error/ });
    assert.equal((await lintText(WIDEN, { rules: { SQL_SYNTAX: 'error' } })).warnings, 1);
  });
});

describe('the checksum and -- mtc:allow lines', () => {
  const before = `-- requires: 0001_lots\n${CHECK}${WIDEN}`;
  const after = `-- requires: 0001_lots\n${CHECK}  -- mtc:allow TABLE_REWRITE: widened\n--mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: small\n${WIDEN}-- mtc:allow SET_NOT_NULL: at the end, no newline`;

  test('whole -- mtc:allow lines are left out, with CRLF too', () => {
    assert.equal(checksumOf(after), checksumOf(before));
    assert.equal(checksumOf(after.replace(/\n/g, '\r\n')), checksumOf(before));
  });

  test('everything else still counts: the SQL, other comments, and mtc:allow after code on a line', () => {
    assert.notEqual(checksumOf(after.replace('1000', '2000')), checksumOf(before));
    assert.notEqual(checksumOf(`-- mtc:allowance is another word\n${before}`), checksumOf(before));
    assert.notEqual(checksumOf(`${CHECK.trimEnd()} -- mtc:allow TABLE_REWRITE: x\n${WIDEN}`), checksumOf(`${CHECK}${WIDEN}`));
  });
});
