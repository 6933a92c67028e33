import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';
import type { FragmentKind } from '../fragment.ts';

/** SQL_SYNTAX: text PostgreSQL would reject, wherever it is nested. */
export function sqlSyntax(file: MigrationAnalysis): Problem[] {
  return file.syntaxErrors.map((e) => ({
    severity: 'error',
    code: 'SQL_SYNTAX',
    message: `${e.message}${placeDescription(e.fragment.kinds())}`,
    fileIndex: e.fragment.fileIndex(e.index),
    ...(e.hint === undefined ? {} : { hint: e.hint }),
  }));
}

const KIND_NAMES: Readonly<Record<FragmentKind, string>> = {
  file: '',
  'do-body': 'a DO block',
  'function-body': 'a function body',
  'plpgsql-sql': '',
  'execute-string': 'an EXECUTE string',
};

/** " (in an EXECUTE string inside a DO block)", innermost first; empty at top level. */
function placeDescription(kinds: readonly FragmentKind[]): string {
  const names = kinds
    .map((k) => KIND_NAMES[k])
    .filter((n) => n !== '')
    .reverse();
  return names.length === 0 ? '' : ` (in ${names.join(' inside ')})`;
}
