import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFinding, lintMigrations, type LintFinding } from '../../../src/schema/lint/index.ts';
import { migrationFromText } from '../../../src/schema/migrations/source.ts';
import { loadFixture } from './lint-fixture.ts';

describe('lintMigrations report', () => {
  test('findings are sorted by file, line and column, and counted by severity', async () => {
    const report = await lintMigrations(await loadFixture('unsafe-ddl'));
    const keys = report.findings.map((f) => [f.file, f.line, f.column] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
    assert.deepEqual(keys, sorted);
    assert.equal(report.files, 4);
    assert.equal(report.errors + report.warnings, report.findings.length);
    assert.equal(report.warnings, 10);
  });

  test('"only" limits findings to the given files, by id or path, but still knows who creates what', async () => {
    const all = await loadFixture('alter-before-create');
    const byId = await lintMigrations(all, { only: ['0001_fix_lots'] });
    assert.equal(byId.files, 1);
    assert.deepEqual(
      byId.findings.map((f) => f.code),
      ['UNDECLARED_DEPENDENCY'],
    );
    const other = await lintMigrations(all, { only: [all[1]?.path ?? ''] });
    assert.deepEqual(other.findings, []);
  });

  test('"only" naming no migration of the project is a usage error', async () => {
    const all = await loadFixture('alter-before-create');
    await assert.rejects(lintMigrations(all, { only: ['9999_missing.sql'] }), { code: 'LINT_FILE_UNKNOWN', category: 'usage' });
  });

  test('migrations built from text lint like files', async () => {
    const report = await lintMigrations([migrationFromText('migrations/0001_a.sql', 'CREATE TABLE a (id int);\nCOMMIT;\n')]);
    assert.deepEqual(
      report.findings.map((f) => [f.code, f.file, f.line, f.column]),
      [['TRANSACTION_CONTROL', 'migrations/0001_a.sql', 2, 1]],
    );
  });
});

describe('formatFinding', () => {
  const finding: LintFinding = {
    severity: 'error',
    code: 'SQL_SYNTAX',
    message: 'syntax error at or near "SELEC"',
    file: 'migrations/0001_a.sql',
    line: 3,
    column: 7,
  };

  test('renders path:line:col: severity CODE: message on one line', () => {
    assert.equal(formatFinding(finding), 'migrations/0001_a.sql:3:7: error SQL_SYNTAX: syntax error at or near "SELEC"');
  });

  test('adds an indented hint line when there is a hint', () => {
    assert.equal(
      formatFinding({ ...finding, hint: 'check the spelling' }),
      'migrations/0001_a.sql:3:7: error SQL_SYNTAX: syntax error at or near "SELEC"\n    hint: check the spelling',
    );
  });
});
