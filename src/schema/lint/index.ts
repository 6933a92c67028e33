/** The migration lint's public surface. */
export { lintMigrations, formatFinding, formatAcknowledged, type LintReport, type LintOptions } from './lint.ts';
export type { AcknowledgedFinding, LintFinding, Severity } from './finding.ts';
export { ADJUSTABLE_RULES, ruleLevelProblem, type RuleLevel, type RuleLevels } from './rules.ts';
export { splitStatements, splitStatementsSync, type Statement } from './statements.ts';
export { SqlSyntaxError } from './syntax-error.ts';
export { loadPgParser } from './parser.ts';
