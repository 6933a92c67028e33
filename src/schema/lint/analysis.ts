/**
 * One migration file, parsed once and read as data for the checks: its statements (those
 * nested in DO blocks, function bodies and constant EXECUTE strings included), its syntax
 * errors, and the objects it creates and uses.
 */
import type { MigrationSource } from '../migrations/source.ts';
import { Fragment, type FragmentKind } from './fragment.ts';
import { collectObjects, objectKey, type Creation, type Use } from './objects.ts';
import type { PgParser } from './parser.ts';
import { compilePlpgsql, routineBodyOf } from './routines.ts';
import { parseFragment, type ParsedStatement, type SyntaxProblem } from './statements.ts';

/** Where a statement runs: as a statement of the migration, inside a DO block it runs, or inside a function it only defines. */
export type StatementPlace = 'top' | 'do' | 'function';

export interface AnalyzedStatement {
  readonly stmt: ParsedStatement;
  readonly place: StatementPlace;
}

export interface MigrationAnalysis {
  readonly migration: MigrationSource;
  /** Every statement, outer ones before the ones nested in them. */
  readonly statements: readonly AnalyzedStatement[];
  readonly syntaxErrors: readonly SyntaxProblem[];
  readonly creates: readonly Creation[];
  readonly uses: readonly Use[];
  /** COMMIT or ROLLBACK inside a DO block, by file index. */
  readonly doTransactionControl: readonly { readonly fileIndex: number; readonly statement: string }[];
  /** True when this file creates the object (by key) in a statement starting before `fileIndex`. */
  createdBefore(key: string, fileIndex: number): boolean;
}

/** How deep DO → EXECUTE → … nesting is followed; real migrations stop at two. */
const MAX_DEPTH = 4;

/** A routine body that may create something (read even when only creations are wanted). */
const MAY_CREATE = /\b(?:create|rename)\b/i;

/**
 * Parses one migration and everything nested in it. With `creationsOnly` (a file that gets
 * no findings, read only to know what it creates), routine bodies that cannot create
 * anything are not compiled.
 */
export function analyzeMigration(parser: PgParser, migration: MigrationSource, options: { creationsOnly?: boolean } = {}): MigrationAnalysis {
  const statements: AnalyzedStatement[] = [];
  const syntaxErrors: SyntaxProblem[] = [];
  const creates: Creation[] = [];
  const uses: Use[] = [];
  const doTransactionControl: { fileIndex: number; statement: string }[] = [];

  const visit = (fragment: Fragment, depth: number, reportSyntax: boolean): void => {
    const parsed = parseFragment(parser, fragment);
    if (reportSyntax) syntaxErrors.push(...parsed.errors);
    const kinds = fragment.kinds();
    const place = placeOf(kinds);
    for (const stmt of parsed.statements) {
      statements.push({ stmt, place });
      const objects = collectObjects(stmt);
      creates.push(...objects.creates);
      uses.push(...objects.uses);
      const routine = depth < MAX_DEPTH ? routineBodyOf(stmt) : undefined;
      if (!routine || (options.creationsOnly && !MAY_CREATE.test(routine.body.text))) continue;
      if (routine.language === 'plpgsql') {
        const compiled = compilePlpgsql(parser, stmt, routine);
        if (!compiled.ok) {
          if (compiled.problem) syntaxErrors.push(compiled.problem);
          continue;
        }
        for (const tc of compiled.transactionControl) doTransactionControl.push({ fileIndex: routine.body.fileIndex(tc.index), statement: tc.statement });
        // PL/pgSQL has checked the static SQL already; an EXECUTE string is only checked when it runs
        for (const sql of compiled.sql) visit(sql.fragment, depth + 1, sql.via === 'execute');
      } else if (routine.language === 'sql') {
        visit(routine.body, depth + 1, true);
      }
    }
  };
  visit(Fragment.file(migration.text), 0, true);

  const firstCreation = new Map<string, number>();
  for (const c of creates) {
    const key = objectKey(c.object);
    const prev = firstCreation.get(key);
    if (prev === undefined || c.fileIndex < prev) firstCreation.set(key, c.fileIndex);
  }
  return {
    migration,
    statements,
    syntaxErrors,
    creates,
    uses,
    doTransactionControl,
    createdBefore: (key, fileIndex) => {
      const at = firstCreation.get(key);
      return at !== undefined && at < fileIndex;
    },
  };
}

function placeOf(kinds: readonly FragmentKind[]): StatementPlace {
  if (kinds.includes('function-body')) return 'function';
  if (kinds.includes('do-body')) return 'do';
  return 'top';
}
