/** The migration lint's public surface. */
export { lintMigrations, formatFinding, type LintReport, type LintOptions } from './lint.ts';
export type { LintFinding, Severity } from './finding.ts';
export { splitStatements, splitStatementsSync, type Statement } from './statements.ts';
export { SqlSyntaxError } from './syntax-error.ts';
export { loadPgParser } from './parser.ts';
