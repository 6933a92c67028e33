import type { ColumnSpec, ImportKind } from './kinds/kind.ts';

/** Where each of a kind's columns is in a file's header; `width` is how many cells the header has. */
export interface HeaderMatch {
  indexes: Map<string, number>;
  width: number;
  /** Header cells no column of the kind reads: ignored, and said so in a preview. */
  ignored: string[];
}

/** A header that cannot be imported: required columns absent, or a column given twice. */
export interface HeaderProblem {
  missing: string[];
  message: string;
}

/** A header as compared: lower case, letters and digits only ("Firm_Name", "firm name" and "FirmName" are one). */
export function headerKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Matches a file's header against a kind's columns, whatever the case, spacing and
 * punctuation, by label or alias. A required column not found, or one column found twice,
 * is a problem that stops the job before any row is written; the message names them.
 */
export function matchHeader(kind: ImportKind<unknown>, header: string[]): HeaderMatch | HeaderProblem {
  const byKey = new Map<string, ColumnSpec>();
  for (const col of kind.columns) for (const name of [col.label, col.key, ...col.aliases]) byKey.set(headerKey(name), col);
  const indexes = new Map<string, number>();
  const ignored: string[] = [];
  const twice: string[] = [];
  header.forEach((cell, i) => {
    const text = i === 0 ? cell.replace(/^\uFEFF/, '') : cell;
    const col = byKey.get(headerKey(text));
    if (!col) {
      if (text.trim() !== '') ignored.push(text);
      return;
    }
    if (indexes.has(col.key)) twice.push(`${col.label} (columns ${indexes.get(col.key)! + 1} and ${i + 1})`);
    else indexes.set(col.key, i);
  });
  const missing = kind.columns.filter((c) => c.required && !indexes.has(c.key)).map((c) => c.label);
  if (missing.length > 0 || twice.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) {
      parts.push(
        `the header has no ${missing.map((m) => `"${m}"`).join(', ')} column${missing.length > 1 ? 's' : ''} (a ${kind.name} import needs ${kind.columns
          .filter((c) => c.required)
          .map((c) => c.label)
          .join(', ')}; the header read: ${header.slice(0, 20).join(' | ')})`,
      );
    }
    if (twice.length > 0) parts.push(`a column is given twice: ${twice.join('; ')}`);
    return { missing, message: `${parts.join('; ')}. Nothing was imported.` };
  }
  return { indexes, width: header.length, ignored };
}
