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
import type { LintFinding, Problem } from './finding.ts';
import { LineCursor } from './line-cursor.ts';
import { loadPgParser } from './parser.ts';
import { projectOf, type Project } from './project.ts';

export interface LintReport {
  /** Sorted by file, line, column. */
  readonly findings: LintFinding[];
  readonly errors: number;
  readonly warnings: number;
  /** How many files were linted (those in `only`, or all). */
  readonly files: number;
}

export interface LintOptions {
  /** Report findings only for these migrations (ids or paths); the others are still read to know who creates what. */
  readonly only?: readonly string[];
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
  const targets = selectTargets(all, options.only);
  if (targets.size === 0) return { findings: [], errors: 0, warnings: 0, files: 0 };
  const parser = await loadPgParser();
  const analyses = all.map((m) => analyzeMigration(parser, m, { creationsOnly: !targets.has(m) }));
  const project = projectOf(analyses);
  const findings: LintFinding[] = [];
  for (const file of analyses) {
    if (!targets.has(file.migration)) continue;
    findings.push(...placeProblems(file.migration, CHECKS.flatMap((check) => check(file, project))));
  }
  findings.sort(compareFindings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { findings, errors, warnings: findings.length - errors, files: targets.size };
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
    throw new MtcError('LINT_FILE_UNKNOWN', `not a migration of this project: ${unknown.join(', ')}; pass files of the migrations directory (or their ids)`, 'usage', { unknown });
  }
  return targets;
}

/** Turns file indices into lines and columns (one pass per file), dropping exact duplicates. */
function placeProblems(migration: MigrationSource, problems: Problem[]): LintFinding[] {
  const cursor = new LineCursor(migration.text);
  const seen = new Set<string>();
  const out: LintFinding[] = [];
  for (const p of [...problems].sort((a, b) => a.fileIndex - b.fileIndex)) {
    const key = `${p.fileIndex}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { fileIndex: _, ...rest } = p;
    out.push({ ...rest, file: migration.path, ...cursor.at(p.fileIndex) });
  }
  return out;
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
