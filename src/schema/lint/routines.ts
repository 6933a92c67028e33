/**
 * The code inside DO blocks and CREATE FUNCTION/PROCEDURE statements: where its body
 * string is in the file, and (for PL/pgSQL) the SQL it runs, statically or through a
 * constant EXECUTE string, each as a fragment that maps back to the file.
 */
import type { Node } from 'libpg-query';
import type { Fragment } from './fragment.ts';
import { isJsonObject, type JsonObject } from './parse-tree.ts';
import type { PgParser } from './parser.ts';
import type { ParsedStatement, SyntaxProblem } from './statements.ts';
import { firstStringToken, tokenize, type Token } from './sql-lexer.ts';
import { messageOf } from './syntax-error.ts';

/** A routine body found in a statement. */
export interface RoutineBody {
  readonly kind: 'do' | 'function';
  readonly language: string;
  /** The body's value, mapped back through its quoting. */
  readonly body: Fragment;
  /** Statement-relative range of the string constant holding the body. */
  readonly literal: { readonly start: number; readonly end: number };
}

/** The body of a DO block or a CREATE FUNCTION/PROCEDURE … AS '…', if the statement has one. */
export function routineBodyOf(stmt: ParsedStatement): RoutineBody | undefined {
  const node = stmt.node;
  let kind: 'do' | 'function';
  let options: Node[];
  if ('DoStmt' in node) {
    kind = 'do';
    options = node.DoStmt.args ?? [];
  } else if ('CreateFunctionStmt' in node) {
    kind = 'function';
    options = node.CreateFunctionStmt.options ?? [];
  } else return undefined;
  let language = kind === 'do' ? 'plpgsql' : 'sql';
  let asLocation: number | undefined;
  for (const opt of options) {
    if (!('DefElem' in opt)) continue;
    const d = opt.DefElem;
    if (d.defname === 'language' && d.arg && 'String' in d.arg) language = (d.arg.String.sval ?? language).toLowerCase();
    if (d.defname === 'as') asLocation = d.location ?? -1;
  }
  if (asLocation === undefined) return undefined; // BEGIN ATOMIC: the body is in the tree already
  const from = asLocation < 0 ? stmt.start : stmt.indexOf(asLocation);
  const literal = firstStringToken(stmt.fragment.text, from, stmt.end);
  if (!literal || literal.unterminated) return undefined;
  const body = stmt.fragment.stringConstant(kind === 'do' ? 'do-body' : 'function-body', literal.start, literal.end);
  if (!body) return undefined;
  return { kind, language, body, literal: { start: literal.start - stmt.start, end: literal.end - stmt.start } };
}

/** SQL found inside a PL/pgSQL body. */
export interface EmbeddedSql {
  readonly fragment: Fragment;
  /** `execute`: a constant EXECUTE string (its syntax is not checked by PL/pgSQL); `static`: plain SQL of the body. */
  readonly via: 'static' | 'execute';
}

/** A transaction control statement (COMMIT, ROLLBACK) inside a PL/pgSQL body. */
export interface EmbeddedTransactionControl {
  readonly index: number; // body fragment index
  readonly statement: string;
}

export type CompiledRoutine =
  | { readonly ok: true; readonly sql: EmbeddedSql[]; readonly transactionControl: EmbeddedTransactionControl[] }
  | { readonly ok: false; readonly problem?: SyntaxProblem };

/**
 * Static SQL is only re-parsed if it may name a relation: PL/pgSQL has already checked its
 * syntax, and most expressions (`NEW.x := now()`, `i < 3`) name none.
 */
const MAY_NAME_RELATION =
  /\b(?:from|into|update|delete|table|index|join|view|sequence|trigger|references|comment|drop|alter|create|truncate|nextval|setval|currval)\b/i;

/**
 * Messages of PL/pgSQL compilation that are syntax errors. The others come from resolving
 * names without a catalog (`r.col` of a `tbl%ROWTYPE` variable "is not a known variable")
 * and would be false alarms.
 */
const SYNTAX_MESSAGE = /^(?:syntax error|unterminated|unexpected end of function definition|mismatched parentheses|missing ")/;

/** Compiles a PL/pgSQL DO block or function and lists the SQL inside it. */
export function compilePlpgsql(parser: PgParser, stmt: ParsedStatement, routine: RoutineBody): CompiledRoutine {
  let tree: unknown;
  try {
    tree = parser.parsePlPgSQL(stmt.text);
  } catch (err) {
    const message = messageOf(err);
    if (SYNTAX_MESSAGE.test(message)) {
      const index = locatePlpgsqlError(parser, stmt, routine, message);
      return { ok: false, problem: { fragment: routine.body, index, message, ...hintFor(message) } };
    }
    tree = withoutRowtypeVariables(parser, stmt.text);
    if (tree === undefined) return { ok: false };
  }
  const fn = firstFunction(tree);
  const sql: EmbeddedSql[] = [];
  const transactionControl: EmbeddedTransactionControl[] = [];
  const body = routine.body;
  const lines = lineStarts(body.text);

  const expression = (expr: JsonObject, stmtType: string, field: string, lineno: number): void => {
    const query = typeof expr.query === 'string' ? expr.query : '';
    const dynamic = (field === 'query' && (stmtType === 'PLpgSQL_stmt_dynexecute' || stmtType === 'PLpgSQL_stmt_dynfors')) || field === 'dynquery';
    if (dynamic) {
      // only a constant string can be read here: `format(...)` or `'…' || x` is built at run time
      const tokens = tokenize(query);
      const only = tokens[0];
      if (tokens.length !== 1 || only?.kind !== 'string') return;
      const located = locateExpression(body.text, query, lines, lineno);
      if (located === undefined) return;
      const exprFragment = body.derive('plpgsql-sql', query, located);
      const value = exprFragment.stringConstant('execute-string', only.start, only.end);
      if (value) sql.push({ fragment: value, via: 'execute' });
      return;
    }
    if (!MAY_NAME_RELATION.test(query)) return;
    const fragment = staticSqlFragment(body, query, Number(expr.parseMode ?? 0), stmtType, lines, lineno);
    if (fragment) sql.push({ fragment, via: 'static' });
  };

  const visit = (value: unknown, stmtType: string, field: string, lineno: number): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, stmtType, field, lineno);
      return;
    }
    if (!isJsonObject(value)) return;
    for (const key in value) {
      const inner = value[key];
      if (key === 'PLpgSQL_expr' && isJsonObject(inner)) {
        expression(inner, stmtType, field, lineno);
        continue;
      }
      if (key.startsWith('PLpgSQL_') && isJsonObject(inner)) {
        const ln = typeof inner.lineno === 'number' ? inner.lineno : lineno;
        if ((key === 'PLpgSQL_stmt_commit' || key === 'PLpgSQL_stmt_rollback') && routine.kind === 'do') {
          transactionControl.push({ index: lineStart(body.text, lines, ln), statement: key === 'PLpgSQL_stmt_commit' ? 'COMMIT' : 'ROLLBACK' });
        }
        for (const f in inner) visit(inner[f], key.startsWith('PLpgSQL_stmt') ? key : stmtType, f, ln);
      } else visit(inner, stmtType, key, lineno);
    }
  };
  visit(fn?.datums, '', '', 1); // DECLARE defaults and cursor queries
  visit(fn?.action, '', '', 1);
  return { ok: true, sql, transactionControl };
}

/**
 * Without a catalog, a field of a `tbl%ROWTYPE` variable "is not a known variable". A
 * `record` variable has no such problem, and the same length keeps every position.
 */
function withoutRowtypeVariables(parser: PgParser, text: string): unknown {
  const rewritten = text.replace(/(?:[A-Za-z_][\w$]*|"[^"]*")(?:\.(?:[A-Za-z_][\w$]*|"[^"]*"))*\s*%\s*rowtype\b/gi, (m) => 'record'.padEnd(m.length));
  if (rewritten === text) return undefined;
  try {
    return parser.parsePlPgSQL(rewritten);
  } catch {
    return undefined;
  }
}

function firstFunction(tree: unknown): { action?: unknown; datums?: unknown } | undefined {
  if (!isJsonObject(tree) || !Array.isArray(tree.plpgsql_funcs)) return undefined;
  const f = tree.plpgsql_funcs[0] as unknown;
  return isJsonObject(f) && isJsonObject(f.PLpgSQL_function) ? f.PLpgSQL_function : undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** Index of the first non-blank character of 1-based body line `lineno` (line 1 holds the opening quote). */
function lineStart(text: string, lines: number[], lineno: number): number {
  let i = lines[Math.min(Math.max(lineno, 1), lines.length) - 1] ?? 0;
  while (i < text.length && /[ \t]/.test(text[i] as string)) i++;
  return i;
}

/**
 * Where the expression text `query` starts in the body, searching from its statement's line.
 * PL/pgSQL blanks out the INTO clause of a SELECT … INTO, so blanks in `query` match anything.
 */
function locateExpression(text: string, query: string, lines: number[], lineno: number): number | undefined {
  const from = lines[Math.min(Math.max(lineno, 1), lines.length) - 1] ?? 0;
  const exact = text.indexOf(query, from);
  if (exact >= 0) return exact;
  const head = /^\S+/.exec(query)?.[0];
  if (head === undefined) return undefined;
  for (let at = text.indexOf(head, from); at >= 0; at = text.indexOf(head, at + 1)) {
    let i = 0;
    while (i < query.length && (query[i] === text[at + i] || query[i] === ' ')) i++;
    if (i === query.length) return at;
  }
  return undefined;
}

/** The static SQL of an expression as a parseable statement, mapped back into the body. */
function staticSqlFragment(body: Fragment, query: string, parseMode: number, stmtType: string, lines: number[], lineno: number): Fragment | undefined {
  const fallback = lineStart(body.text, lines, lineno);
  if (stmtType === 'PLpgSQL_stmt_perform' && /^SELECT /.test(query)) {
    // PERFORM x is compiled as SELECT x; the rest of the text is the body's
    const rest = query.slice(7);
    const at = locateExpression(body.text, rest, lines, lineno);
    return body.derive('plpgsql-sql', query, 0, (i) => (at === undefined ? fallback : at + Math.max(0, i - 7)));
  }
  let text = query;
  let skip = 0;
  if (parseMode >= 3) {
    // an assignment `target := expr`: only the expression can name a relation
    const m = /:=|=/.exec(query);
    if (!m) return undefined;
    skip = m.index + m[0].length;
  }
  if (parseMode !== 0) text = `SELECT ${query.slice(skip)}`;
  const prefix = parseMode === 0 ? 0 : 7;
  const at = locateExpression(body.text, query, lines, lineno);
  return body.derive('plpgsql-sql', text, 0, (i) => (at === undefined ? fallback : at + skip + Math.max(0, i - prefix)));
}

/**
 * PL/pgSQL errors carry no position. Find it by compiling ever shorter prefixes of the body:
 * the shortest prefix that fails with the same message ends at the offending token.
 */
function locatePlpgsqlError(parser: PgParser, stmt: ParsedStatement, routine: RoutineBody, message: string): number {
  const text = routine.body.text;
  const tokens = tokenize(text);
  const last = tokens[tokens.length - 1];
  if (!last) return 0;
  if (/at end of input|end of function definition/.test(message)) return unclosedParenthesis(text, tokens) ?? last.end;
  const stmtText = stmt.text;
  const before = stmtText.slice(0, routine.literal.start);
  const after = stmtText.slice(routine.literal.end);
  const failsSame = (k: number): boolean => {
    const prefix = text.slice(0, (tokens[k] as Token).end);
    try {
      parser.parsePlPgSQL(`${before}${dollarQuote(prefix)}${after}`);
      return false;
    } catch (err) {
      return messageOf(err) === message;
    }
  };
  let lo = 0;
  let hi = tokens.length - 1;
  if (!failsSame(hi)) return tokens[0]?.start ?? 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsSame(mid)) hi = mid;
    else lo = mid + 1;
  }
  // "at or near X": X is the last such token of the failing prefix (an SQL statement fails at its end)
  const near = /at or near "([^]*)"$/.exec(message)?.[1];
  if (near !== undefined) {
    for (let k = lo; k >= 0; k--) {
      const t = tokens[k] as Token;
      if (text.slice(t.start, t.start + near.length).toLowerCase() === near.toLowerCase()) return t.start;
    }
  }
  return (tokens[lo] as Token).start;
}

function dollarQuote(text: string): string {
  let tag = '$mtc_lint$';
  for (let n = 0; text.includes(tag); n++) tag = `$mtc_lint${n}$`;
  return `${tag}${text}${tag}`;
}

function unclosedParenthesis(text: string, tokens: Token[]): number | undefined {
  const open: number[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    const c = text.charCodeAt(t.start);
    if (c === 40) open.push(t.start);
    else if (c === 41) open.pop();
  }
  return open[0];
}

function hintFor(message: string): { hint?: string } {
  if (/at end of input|end of function definition/.test(message)) {
    return { hint: 'the body ended early: look for a missing END, END IF, END LOOP, semicolon or closing parenthesis' };
  }
  return {};
}
