/**
 * Acknowledgements: `-- mtc:allow RULE: reason` on a line of its own, just before the
 * statement it concerns. It covers every finding of RULE in the next top-level statement
 * of the file (findings inside a DO block belong to the DO statement). An acknowledgement
 * that is malformed, names a rule that cannot be acknowledged, or acknowledges nothing is
 * itself an error, so that acknowledgements cannot outlive the statement they were for.
 */
import { ALLOW_COMMENT_START } from '../migrations/source.ts';
import type { MigrationAnalysis } from './analysis.ts';
import type { Problem } from './finding.ts';
import { ADJUSTABLE_RULES, FIXED_RULES } from './rules.ts';

/** A finding a migration acknowledges, with its reason and where the acknowledgement is. */
export interface AcknowledgedProblem {
  readonly problem: Problem;
  readonly reason: string;
  /** File index of the `-- mtc:allow` comment. */
  readonly allowIndex: number;
}

interface Range {
  readonly start: number;
  readonly end: number;
}

interface Allow {
  readonly index: number;
  readonly rule: string;
  readonly reason: string;
  /** The statement it concerns, or undefined when none follows. */
  readonly statement: Range | undefined;
  used: boolean;
}

const EXAMPLE = '"-- mtc:allow TABLE_REWRITE: the column is widened, nothing is rewritten"';

/**
 * Splits a file's problems into those left and those its `-- mtc:allow` comments
 * acknowledge, and adds a problem for each acknowledgement that is wrong.
 */
export function acknowledge(file: MigrationAnalysis, problems: readonly Problem[]): { problems: Problem[]; acknowledged: AcknowledgedProblem[] } {
  const text = file.migration.text;
  if (!text.includes('mtc:allow')) return { problems: [...problems], acknowledged: [] };
  const statements: Range[] = file.statements
    .filter((s) => s.place === 'top')
    .map((s) => ({ start: s.stmt.start, end: s.stmt.end }))
    .sort((a, b) => a.start - b.start);
  const out: Problem[] = [];
  const wrong = (code: 'ALLOW_INVALID' | 'ALLOW_UNUSED', index: number, message: string, hint?: string): void => {
    out.push({ severity: 'error', code, message, fileIndex: index, ...(hint === undefined ? {} : { hint }) });
  };

  const allows: Allow[] = [];
  const pattern = new RegExp(ALLOW_COMMENT_START.source, 'g');
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const index = m.index;
    const lineStart = text.lastIndexOf('\n', index - 1) + 1;
    let lineEnd = text.indexOf('\n', index);
    if (lineEnd < 0) lineEnd = text.length;
    if (statements.some((s) => s.start <= index && index < s.end)) {
      wrong('ALLOW_INVALID', index, '-- mtc:allow inside a statement acknowledges nothing; put it on a line of its own just before the statement it concerns');
      continue;
    }
    if (text.slice(lineStart, index).trim() !== '') {
      wrong(
        'ALLOW_INVALID',
        index,
        '-- mtc:allow after other text on its line; put it on a line of its own just before the statement it concerns',
        "only whole -- mtc:allow lines are left out of the migration's checksum",
      );
      continue;
    }
    const rest = text.slice(index + m[0].length, lineEnd).trim();
    const parsed = /^([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$/.exec(rest);
    if (!parsed) {
      wrong('ALLOW_INVALID', index, `-- mtc:allow must name a rule, a colon and a reason, e.g. ${EXAMPLE}`);
      continue;
    }
    const rule = parsed[1] as string;
    const reason = (parsed[2] as string).trim();
    if (FIXED_RULES.includes(rule)) {
      wrong('ALLOW_INVALID', index, `${rule} cannot be acknowledged: a migration with it fails or runs out of order; fix the statement instead`);
      continue;
    }
    if (!Object.hasOwn(ADJUSTABLE_RULES, rule)) {
      wrong(
        'ALLOW_INVALID',
        index,
        `-- mtc:allow names the unknown rule "${rule}" (rules that can be acknowledged: ${Object.keys(ADJUSTABLE_RULES).join(', ')})`,
      );
      continue;
    }
    if (reason === '') {
      wrong('ALLOW_INVALID', index, `-- mtc:allow ${rule} gives no reason; say after the colon why the statement is safe here, e.g. ${EXAMPLE}`);
      continue;
    }
    const statement = statements.find((s) => s.start > index);
    if (allows.some((a) => a.rule === rule && a.statement !== undefined && a.statement === statement)) {
      wrong('ALLOW_INVALID', index, `${rule} is acknowledged twice for the same statement; keep one -- mtc:allow line`);
      continue;
    }
    allows.push({ index, rule, reason, statement, used: false });
  }

  const acknowledged: AcknowledgedProblem[] = [];
  for (const p of problems) {
    const allow = allows.find((a) => a.rule === p.code && a.statement !== undefined && a.statement.start <= p.fileIndex && p.fileIndex <= a.statement.end);
    if (!allow) {
      out.push(p);
      continue;
    }
    allow.used = true;
    acknowledged.push({ problem: p, reason: allow.reason, allowIndex: allow.index });
  }
  // A file PostgreSQL cannot parse has statements (and findings) missing: nothing to judge an acknowledgement by.
  if (file.syntaxErrors.length === 0) {
    for (const a of allows) {
      if (a.used) continue;
      if (a.statement === undefined)
        wrong('ALLOW_UNUSED', a.index, `-- mtc:allow ${a.rule} is followed by no statement, so it acknowledges nothing; remove it`);
      else wrong('ALLOW_UNUSED', a.index, `-- mtc:allow ${a.rule} acknowledges nothing: the statement after it has no ${a.rule} finding; remove the line`);
    }
  }
  return { problems: out, acknowledged };
}
