/**
 * The migration lint: every check over every migration, with PostgreSQL's own parser,
 * before anything touches a database.
 */
import { resolve } from 'node:path';
import { MtcError } from '../../errors.ts';
import type { MigrationSource } from '../migrations/source.ts';
import { analyzeMigration, type MigrationAnalysis } from './analysis.ts';
import { concurrentlyInTransaction } from './checks/concurrently-in-transaction.ts';
import { constraintWithoutNotValid } from './checks/constraint-without-not-valid.ts';
import { indexWithoutConcurrently } from './checks/index-without-concurrently.ts';
import { setNotNull } from './checks/set-not-null.ts';
import { sqlSyntax } from './checks/sql-syntax.ts';
import { tableRewrite } from './checks/table-rewrite.ts';
import { transactionControl } from './checks/transaction-control.ts';
import { undeclaredDependency } from './checks/undeclared-dependency.ts';
import { acknowledge, type AcknowledgedProblem } from './acknowledge.ts';
import type { AcknowledgedFinding, LintFinding, Problem } from './finding.ts';
import { LineCursor } from './line-cursor.ts';
import { loadPgParser } from './parser.ts';
import { projectOf, type Project } from './project.ts';
import { ruleLevelProblem, type RuleLevels } from './rules.ts';
import { stage } from '../../stages.ts';

export interface LintReport {
  /** What is wrong: sorted by file, line, column. */
  readonly findings: LintFinding[];
  readonly errors: number;
  readonly warnings: number;
  /** Findings the migrations acknowledge (`-- mtc:allow RULE: reason`): neither errors nor warnings. Sorted like `findings`. */
  readonly acknowledged: AcknowledgedFinding[];
  /** How many files were linted (those in `only`, or all). */
  readonly files: number;
}

export interface LintOptions {
  /** Report findings only for these migrations (ids or paths); the others are still read to know who creates what. */
  readonly only?: readonly string[];
  /** Levels of the rules a project may set (`mtc.config.json`'s `lint.rules`): "off" drops a rule's findings. */
  readonly rules?: RuleLevels;
}

/** A check reads one analysed migration (and what the whole project says) and returns its problems. */
type Check = (file: MigrationAnalysis, project: Project) => Problem[];

const CHECKS: readonly Check[] = [
  sqlSyntax,
  undeclaredDependency,
  transactionControl,
  concurrentlyInTransaction,
  tableRewrite,
  indexWithoutConcurrently,
  constraintWithoutNotValid,
  setNotNull,
];

/**
 * Lints migrations. `all` must be every migration of the project (a dependency is judged
 * against all of them); `only` limits which files get findings. Errors mean the set must
 * not be applied; warnings flag DDL that is risky on a big table. Loads the SQL parser
 * only if there is a file to lint.
 *
 * @example
 * const report = await lintMigrations(await loadMigrations('migrations'));
 * for (const f of report.findings) console.log(formatFinding(f));
 */
export async function lintMigrations(all: readonly MigrationSource[], options: LintOptions = {}): Promise<LintReport> {
  const rules = options.rules ?? {};
  const wrongRules = Object.entries(rules).flatMap(([rule, level]) => ruleLevelProblem(rule, level) ?? []);
  if (wrongRules.length > 0) throw new MtcError('LINT_RULES_INVALID', `lint rules: ${wrongRules.join('; ')}`, 'usage', { problems: wrongRules });
  const targets = selectTargets(all, options.only);
  if (targets.size === 0) return { findings: [], errors: 0, warnings: 0, acknowledged: [], files: 0 };
  const parser = await loadPgParser();
  stage('parser-loaded');
  const analyses = all.map((m) => analyzeMigration(parser, m, { creationsOnly: !targets.has(m) }));
  const project = projectOf(analyses);
  const findings: LintFinding[] = [];
  const acknowledged: AcknowledgedFinding[] = [];
  // A rule's level applies after the acknowledgements are matched: one for a rule set "off" still acknowledges something.
  const leveled = <T extends Problem>(p: T): T | [] => {
    const level = rules[p.code];
    return level === undefined ? p : level === 'off' ? [] : { ...p, severity: level };
  };
  for (const file of analyses) {
    if (!targets.has(file.migration)) continue;
    const told = acknowledge(
      file,
      CHECKS.flatMap((check) => check(file, project)),
    );
    const placed = placeProblems(
      file.migration,
      told.problems.flatMap(leveled),
      told.acknowledged.flatMap((a) => {
        const problem = leveled(a.problem);
        return Array.isArray(problem) ? [] : [{ ...a, problem }];
      }),
    );
    findings.push(...placed.findings);
    acknowledged.push(...placed.acknowledged);
  }
  findings.sort(compareFindings);
  acknowledged.sort(compareFindings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { findings, errors, warnings: findings.length - errors, acknowledged, files: targets.size };
}

function selectTargets(all: readonly MigrationSource[], only: readonly string[] | undefined): Set<MigrationSource> {
  if (only === undefined) return new Set(all);
  const targets = new Set<MigrationSource>();
  const unknown: string[] = [];
  for (const wanted of only) {
    const full = resolve(wanted);
    const match = all.find((m) => m.id === wanted || m.path === wanted || resolve(m.path) === full);
    if (match) targets.add(match);
    else unknown.push(wanted);
  }
  if (unknown.length > 0) {
    throw new MtcError(
      'LINT_FILE_UNKNOWN',
      `not a migration of this project: ${unknown.join(', ')}; pass files of the migrations directory (or their ids)`,
      'usage',
      { unknown },
    );
  }
  return targets;
}

/** Turns file indices into lines and columns (one pass per file), dropping exact duplicates. */
function placeProblems(
  migration: MigrationSource,
  problems: Problem[],
  acknowledged: AcknowledgedProblem[],
): { findings: LintFinding[]; acknowledged: AcknowledgedFinding[] } {
  const cursor = new LineCursor(migration.text);
  const seen = new Set<string>();
  const findings: LintFinding[] = [];
  const told: AcknowledgedFinding[] = [];
  const items = [...problems.map((problem) => ({ problem, ack: undefined })), ...acknowledged.map((ack) => ({ problem: ack.problem, ack }))];
  for (const { problem: p, ack } of items.sort((a, b) => a.problem.fileIndex - b.problem.fileIndex)) {
    const key = `${p.fileIndex}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { fileIndex: _, ...rest } = p;
    const finding: LintFinding = { ...rest, file: migration.path, ...cursor.at(p.fileIndex) };
    if (ack === undefined) findings.push(finding);
    else told.push({ ...finding, reason: ack.reason, allowLine: cursor.at(ack.allowIndex).line });
  }
  return { findings, acknowledged: told };
}

function compareFindings(a: LintFinding, b: LintFinding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/**
 * One finding as `path:line:col: severity CODE: message`, the form editors and terminals
 * link, followed by an indented `hint:` line when there is one.
 */
export function formatFinding(f: LintFinding): string {
  const head = `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`;
  return f.hint === undefined ? head : `${head}\n    hint: ${f.hint}`;
}

/** An acknowledged finding as `path:line:col: acknowledged CODE: message`, then its reason and where it is given. */
export function formatAcknowledged(f: AcknowledgedFinding): string {
  return `${f.file}:${f.line}:${f.column}: acknowledged ${f.code}: ${f.message}\n    reason (line ${f.allowLine}): ${f.reason}`;
}
