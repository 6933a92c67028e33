/**
 * The lint's rules: which can be told. The four unsafe-DDL rules flag statements that are
 * risky only on a big table, so a project may set their level (`mtc.config.json`) and a
 * migration may acknowledge one where it stands (`-- mtc:allow RULE: reason`). The other
 * rules flag a migration that fails or runs in the wrong order: they are always errors.
 * Light on purpose (no parser): the config loader reads it.
 */
import type { Severity } from './finding.ts';

/** A rule's level as a project sets it. */
export type RuleLevel = 'off' | Severity;

export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'warning', 'error'];

/** Rules a project may set and a migration may acknowledge, with their default severity. */
export const ADJUSTABLE_RULES: Readonly<Record<string, Severity>> = {
  TABLE_REWRITE: 'warning',
  INDEX_WITHOUT_CONCURRENTLY: 'warning',
  CONSTRAINT_WITHOUT_NOT_VALID: 'warning',
  SET_NOT_NULL: 'warning',
};

/** Rules that are always errors: a migration with such a finding fails, or may run in the wrong order. */
export const FIXED_RULES: readonly string[] = [
  'SQL_SYNTAX',
  'UNDECLARED_DEPENDENCY',
  'TRANSACTION_CONTROL',
  'CONCURRENTLY_IN_TRANSACTION',
  'ALLOW_INVALID',
  'ALLOW_UNUSED',
];

/** Levels by rule, as `mtc.config.json`'s `lint.rules` holds them. */
export type RuleLevels = Readonly<Record<string, RuleLevel>>;

/**
 * What is wrong with setting `rule` to `level`, in words, or undefined when it may be set.
 * A fixed rule may be named at its own level (error) and at no other.
 */
export function ruleLevelProblem(rule: string, level: unknown): string | undefined {
  const adjustable = Object.hasOwn(ADJUSTABLE_RULES, rule);
  if (!adjustable && !FIXED_RULES.includes(rule)) return `unknown lint rule "${rule}" (rules that can be set: ${Object.keys(ADJUSTABLE_RULES).join(', ')})`;
  if (typeof level !== 'string' || !(RULE_LEVELS as readonly string[]).includes(level))
    return `${JSON.stringify(level)} is not a level; use "off", "warning" or "error"`;
  if (!adjustable && level !== 'error') return `${rule} is always an error (a migration with it fails or runs out of order) and cannot be set to "${level}"`;
  return undefined;
}
