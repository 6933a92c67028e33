/**
 * Conversions between the offsets different layers speak:
 * JavaScript string indices (UTF-16 code units), UTF-8 byte offsets (libpg-query's
 * `stmt_location`, node `location`), code point offsets (PostgreSQL's error `position`,
 * libpg-query's syntax error cursor), and 1-based line/column for people.
 */

/** The 1-based line and column (in code points) of a string index. */
export function lineColumnAt(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(index, 0), text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13) {
      // a lone CR ends a line too; a CRLF counts once (at its LF)
      if (text.charCodeAt(i + 1) !== 10) {
        line++;
        lineStart = i + 1;
      }
    }
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > lineStart) continue; // low surrogate: same code point
    column++;
  }
  return { line, column };
}

/** The string index of a UTF-8 byte offset into `text`. */
export function indexOfByteOffset(text: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byteOffset) {
    const cp = text.codePointAt(i) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return i;
}

/** The string index of a 0-based code point offset into `text`. */
export function indexOfCodePoint(text: string, codePoints: number): number {
  let i = 0;
  let n = 0;
  while (i < text.length && n < codePoints) {
    const cp = text.codePointAt(i) ?? 0;
    i += cp >= 0x10000 ? 2 : 1;
    n++;
  }
  return i;
}

/** Where in a file something is; line and column count from 1. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Formats a position as `file:line:col`, the form editors and terminals link. */
export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}
