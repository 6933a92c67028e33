/**
 * A small SQL lexer over JavaScript string indices. libpg-query's own scanner is exact but
 * slow (milliseconds per kilobyte) and speaks UTF-8 bytes; the lint only needs to find
 * string constants, statement boundaries and words, which this does in one linear pass.
 * It follows PostgreSQL's rules for comments (nested block comments), quoted identifiers,
 * standard and E'' strings, and dollar quotes; anything else is a one-character token.
 */

export type TokenKind = 'word' | 'quoted-ident' | 'string' | 'number' | 'param' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** String index of the first character. */
  readonly start: number;
  /** String index after the last character. */
  readonly end: number;
  /** For a string: it runs to the end of the text without its closing quote. */
  readonly unterminated?: boolean;
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The index of the first character at or after `from` that is neither blank nor inside a comment. */
export function skipBlankAndComments(text: string, from = 0, to = text.length): number {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) i++;
    else if (c === 45 && text.charCodeAt(i + 1) === 45) i = lineCommentEnd(text, i, to);
    else if (c === 47 && text.charCodeAt(i + 1) === 42) i = blockCommentEnd(text, i, to);
    else break;
  }
  return Math.min(i, to);
}

function lineCommentEnd(text: string, i: number, to: number): number {
  let j = i + 2;
  while (j < to) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) break;
    j++;
  }
  return j;
}

function blockCommentEnd(text: string, i: number, to: number): number {
  let depth = 0;
  let j = i;
  while (j < to) {
    const c = text.charCodeAt(j);
    if (c === 47 && text.charCodeAt(j + 1) === 42) {
      depth++;
      j += 2;
    } else if (c === 42 && text.charCodeAt(j + 1) === 47) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return to;
}

/** The end of a quoted run starting at `i` (the opening quote), doubled quotes and, if `backslash`, \-escapes included. */
function quotedEnd(text: string, i: number, to: number, quote: number, backslash: boolean): { end: number; closed: boolean } {
  let j = i + 1;
  while (j < to) {
    const c = text.charCodeAt(j);
    if (backslash && c === 92) j += 2;
    else if (c === quote) {
      if (text.charCodeAt(j + 1) === quote && j + 1 < to) j += 2;
      else return { end: j + 1, closed: true };
    } else j++;
  }
  return { end: to, closed: false };
}

/** If a dollar quote opens at `i`, its tag (`$tag$` or `$$`), else undefined. */
export function dollarTagAt(text: string, i: number): string | undefined {
  if (text.charCodeAt(i) !== 36) return undefined;
  let j = i + 1;
  if (j < text.length && !isIdentStart(text.charCodeAt(j)) && text.charCodeAt(j) !== 36) return undefined;
  while (j < text.length && text.charCodeAt(j) !== 36) {
    const c = text.charCodeAt(j);
    if (!(isIdentStart(c) || isDigit(c))) return undefined;
    j++;
  }
  return j < text.length ? text.slice(i, j + 1) : undefined;
}

/** Splits `text[from, to)` into tokens, comments and blanks left out. Never throws. */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  for (let t = nextToken(text, from, to); t; t = nextToken(text, t.end, to)) tokens.push(t);
  return tokens;
}

/** The first string constant token in `text[from, to)`, lexing no further than it. */
export function firstStringToken(text: string, from: number, to: number): Token | undefined {
  for (let t = nextToken(text, from, to); t; t = nextToken(text, t.end, to)) if (t.kind === 'string') return t;
  return undefined;
}

/** The token starting at or after `from` (blanks and comments skipped), or undefined at `to`. */
export function nextToken(text: string, from: number, to = text.length): Token | undefined {
  const i = skipBlankAndComments(text, from, to);
  if (i >= to) return undefined;
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if (c === 39) return quoted(i, quotedEnd(text, i, to, 39, false));
  if ((c === 69 || c === 101) && next === 39) return quoted(i, quotedEnd(text, i + 1, to, 39, true));
  if ((c === 66 || c === 98 || c === 88 || c === 120 || c === 78 || c === 110) && next === 39) return quoted(i, quotedEnd(text, i + 1, to, 39, false));
  if ((c === 85 || c === 117) && next === 38 && text.charCodeAt(i + 2) === 39) return quoted(i, quotedEnd(text, i + 2, to, 39, false));
  if (c === 34) return { kind: 'quoted-ident', start: i, end: quotedEnd(text, i, to, 34, false).end };
  if (c === 36) {
    const tag = dollarTagAt(text, i);
    if (tag !== undefined) {
      const close = text.indexOf(tag, i + tag.length);
      const closed = close >= 0 && close + tag.length <= to;
      return stringToken(i, closed ? close + tag.length : to, closed);
    }
    let j = i + 1;
    while (j < to && isDigit(text.charCodeAt(j))) j++;
    return { kind: j > i + 1 ? 'param' : 'punct', start: i, end: j };
  }
  if (isIdentStart(c)) {
    let j = i + 1;
    while (j < to && isIdentPart(text.charCodeAt(j))) j++;
    return { kind: 'word', start: i, end: j };
  }
  if (isDigit(c) || (c === 46 && isDigit(next))) {
    let j = i + 1;
    while (j < to && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
    return { kind: 'number', start: i, end: j };
  }
  return { kind: 'punct', start: i, end: i + 1 };
}

function quoted(start: number, q: { end: number; closed: boolean }): Token {
  return stringToken(start, q.end, q.closed);
}

function stringToken(start: number, end: number, closed: boolean): Token {
  return closed ? { kind: 'string', start, end } : { kind: 'string', start, end, unterminated: true };
}

/** The string index after the last token of `text[from, to)` (trailing blanks and comments dropped), or `from`. */
export function lastTokenEnd(text: string, from: number, to: number): number {
  const tokens = tokenize(text, from, to);
  return tokens.length > 0 ? (tokens[tokens.length - 1] as Token).end : from;
}

/**
 * Ranges of the statements of `text`, split at top-level semicolons (a `BEGIN ATOMIC … END`
 * body kept whole). Used to go on after a syntax error, where the real parser gives up.
 */
export function statementRanges(text: string): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  const tokens = tokenize(text);
  let start = -1;
  let atomicDepth = 0;
  let prevWord = '';
  for (const t of tokens) {
    if (start < 0) start = t.start;
    if (t.kind === 'word') {
      const w = text.slice(t.start, t.end).toLowerCase();
      if (w === 'atomic' && prevWord === 'begin') atomicDepth++;
      else if (atomicDepth > 0 && w === 'case') atomicDepth++;
      else if (atomicDepth > 0 && w === 'end') atomicDepth--;
      prevWord = w;
    } else if (t.kind === 'punct' && text.charCodeAt(t.start) === 59 && atomicDepth === 0) {
      if (t.start > start) ranges.push({ start, end: t.start });
      start = -1;
      prevWord = '';
    } else prevWord = '';
  }
  if (start >= 0) ranges.push({ start, end: tokens.length > 0 ? (tokens[tokens.length - 1] as Token).end : text.length });
  return ranges;
}
