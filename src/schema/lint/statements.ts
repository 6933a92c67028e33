/**
 * Splitting SQL text into statements with the real PostgreSQL parser, and placing the
 * parser's byte offsets back into the text.
 */
import type { Node, ParseResult } from 'libpg-query';
import { indexOfByteOffset, indexOfCodePoint } from '../text-position.ts';
import { Fragment } from './fragment.ts';
import { LineCursor } from './line-cursor.ts';
import { loadPgParser, loadedPgParser, type PgParser } from './parser.ts';
import { lastTokenEnd, skipBlankAndComments, statementRanges } from './sql-lexer.ts';
import { cursorPositionOf, messageOf, SqlSyntaxError } from './syntax-error.ts';
import { MtcError } from '../../errors.ts';

/** One statement of a script. */
export interface Statement {
  /** The statement's text, from its first token to its last (no trailing semicolon). */
  readonly text: string;
  /** String index in the script of the statement's first non-blank, non-comment character. */
  readonly start: number;
  /** String index after its last token. */
  readonly end: number;
  /** 1-based line of `start`. */
  readonly line: number;
  /** 1-based column (in code points) of `start`. */
  readonly column: number;
}

/** A statement parsed out of a fragment, able to place its nodes' byte locations. */
export class ParsedStatement {
  readonly fragment: Fragment;
  readonly node: Node;
  /** Fragment index of the first token. */
  readonly start: number;
  /** Fragment index after the last token. */
  readonly end: number;
  /** Fragment index where the parser's statement location points. */
  private readonly anchorIndex: number;
  /** That location in the parsed text's bytes. */
  private readonly anchorByte: number;

  constructor(fragment: Fragment, node: Node, start: number, end: number, anchorIndex: number, anchorByte: number) {
    this.fragment = fragment;
    this.node = node;
    this.start = start;
    this.end = end;
    this.anchorIndex = anchorIndex;
    this.anchorByte = anchorByte;
  }

  get text(): string {
    return this.fragment.text.slice(this.start, this.end);
  }

  /** The fragment index of a node `location` (UTF-8 bytes in the parsed text); the statement's start if none. */
  indexOf(location: number | undefined): number {
    if (location === undefined || location < this.anchorByte) return this.start;
    return this.anchorIndex + this.fragment.indexAfterBytes(this.anchorIndex, location - this.anchorByte);
  }

  /** The file index of a node `location`, or of the statement's start. */
  fileIndexOf(location?: number): number {
    return this.fragment.fileIndex(this.indexOf(location));
  }
}

/** A place where the parser rejected the text. */
export interface SyntaxProblem {
  readonly fragment: Fragment;
  /** Fragment index of the error. */
  readonly index: number;
  readonly message: string;
  readonly hint?: string;
}

/**
 * Parses every statement of `fragment`. A syntax error does not stop it: the text is then
 * cut at top-level semicolons and each piece parsed alone, so every broken statement is
 * reported and the others are still analysed.
 */
export function parseFragment(parser: PgParser, fragment: Fragment): { statements: ParsedStatement[]; errors: SyntaxProblem[] } {
  const text = fragment.text;
  if (skipBlankAndComments(text) >= text.length) return { statements: [], errors: [] };
  try {
    return { statements: statementsOf(parser.parse(text), fragment, 0, text.length), errors: [] };
  } catch (err) {
    const first = syntaxProblem(err, fragment, 0, text);
    const statements: ParsedStatement[] = [];
    const errors: SyntaxProblem[] = [];
    for (const range of statementRanges(text)) {
      const piece = text.slice(range.start, range.end);
      try {
        statements.push(...statementsOf(parser.parse(piece), fragment, range.start, range.end));
      } catch (pieceErr) {
        errors.push(syntaxProblem(pieceErr, fragment, range.start, piece));
      }
    }
    // The pieces must agree with the whole parse about the first error; if they do not, trust the whole parse.
    if (errors.length === 0 || (errors[0] as SyntaxProblem).index !== first.index) return { statements: [], errors: [first] };
    return { statements, errors: [first, ...errors.slice(1)] };
  }
}

function syntaxProblem(err: unknown, fragment: Fragment, offset: number, parsedText: string): SyntaxProblem {
  const cursor = cursorPositionOf(err);
  const message = messageOf(err);
  if (cursor === undefined) return { fragment, index: offset + skipBlankAndComments(parsedText), message };
  const index = offset + indexOfCodePoint(parsedText, cursor);
  const hint = nestedDollarQuoteHint(fragment.text, index);
  return hint === undefined ? { fragment, index, message } : { fragment, index, message, hint };
}

/** `DO $$ … EXECUTE $$ … $$ … $$`: the inner `$$` ended the body; say so. */
function nestedDollarQuoteHint(text: string, index: number): string | undefined {
  const before = text.slice(Math.max(0, index - 200), index).trimEnd();
  const m = /(\$[A-Za-z_]*\$)$/.exec(before);
  if (!m) return undefined;
  const tag = m[1] as string;
  return `a dollar-quoted string ends at the first ${tag}; give the inner string its own tag, e.g. $sql$ … $sql$`;
}

function statementsOf(result: ParseResult, fragment: Fragment, offset: number, rangeEnd: number): ParsedStatement[] {
  const text = fragment.text;
  const out: ParsedStatement[] = [];
  const parsedText = offset === 0 && rangeEnd === text.length ? text : text.slice(offset, rangeEnd);
  const ascii = !/[^\x00-\x7f]/.test(parsedText);
  let prev = { index: 0, byte: 0 };
  for (const raw of result.stmts ?? []) {
    if (!raw.stmt) continue;
    const byte = raw.stmt_location ?? 0;
    const rel = ascii ? byte : prev.index + indexOfByteOffset(parsedText.slice(prev.index), byte - prev.byte);
    prev = { index: rel, byte };
    const lenBytes = raw.stmt_len;
    const relEnd =
      lenBytes === undefined || lenBytes === 0 ? parsedText.length : ascii ? byte + lenBytes : rel + indexOfByteOffset(parsedText.slice(rel), lenBytes);
    const start = offset + skipBlankAndComments(parsedText, rel, relEnd);
    const end = endOfStatement(text, start, offset + relEnd);
    out.push(new ParsedStatement(fragment, raw.stmt, start, end, offset + rel, byte));
  }
  return out;
}

/** The end of the statement's last token: trailing blanks dropped, and trailing comments (lexing only if there may be one). */
function endOfStatement(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1] as string)) e--;
  for (let i = start; i < e - 1; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if ((c === 45 && next === 45) || (c === 47 && next === 42)) return lastTokenEnd(text, start, e);
  }
  return e;
}

/**
 * Splits a migration script into its statements with PostgreSQL's own parser, so a
 * semicolon inside a string, a comment or a `$$` body never splits a statement.
 * Throws `SqlSyntaxError` (code `SQL_SYNTAX`, with the line and column in `text`) if the
 * script does not parse. Loads the parser on first use.
 */
export async function splitStatements(text: string, file?: string): Promise<Statement[]> {
  return splitStatementsWith(await loadPgParser(), text, file);
}

/** `splitStatements` without the wait, for callers that have already loaded the parser (`loadPgParser`). */
export function splitStatementsSync(text: string, file?: string): Statement[] {
  const parser = loadedPgParser();
  if (!parser) throw new MtcError('SQL_PARSER_NOT_LOADED', 'the SQL parser is not loaded yet: await loadPgParser() (or use splitStatements) first', 'usage');
  return splitStatementsWith(parser, text, file);
}

function splitStatementsWith(parser: PgParser, text: string, file: string | undefined): Statement[] {
  const fragment = Fragment.file(text);
  if (skipBlankAndComments(text) >= text.length) return [];
  let parsed: ParsedStatement[];
  try {
    parsed = statementsOf(parser.parse(text), fragment, 0, text.length);
  } catch (err) {
    const problem = syntaxProblem(err, fragment, 0, text);
    const where = new LineCursor(text).at(problem.index);
    throw new SqlSyntaxError(
      problem.hint === undefined ? problem.message : `${problem.message} (${problem.hint})`,
      file === undefined ? where : { file, ...where },
    );
  }
  const cursor = new LineCursor(text);
  return parsed.map((s) => ({ text: s.text, start: s.start, end: s.end, ...cursor.at(s.start) }));
}
