/**
 * Normalises what PostgreSQL prints (pg_get_*def, pg_get_expr) so that one schema gives one
 * model on PostgreSQL 15 and 18. Each rule names the difference it removes; rules found by
 * inspecting test/fixtures/catalog/zoo.sql on both and diffing.
 *
 * Found and removed:
 * - pg_get_viewdef: PostgreSQL 16 dropped the OLD/NEW entries from a view's range table, so a
 *   view whose top-level FROM has a single item prints its columns without the item's name
 *   (`SELECT id FROM public.t c`), where 15 prints `SELECT c.id FROM public.t c`. The 15 form
 *   is rewritten to the 16+ one (see stripSingleSourcePrefix).
 *
 * - `varchar_column IN ('a', 'b')`: PostgreSQL 18 prints the list it was created from as
 *   `ARRAY[('a'::character varying)::text, …]`, 15 and older dumps as `ARRAY['a'::character
 *   varying::text, …]`, and every version prints the definition it reads back from a dump or
 *   a snapshot as `(ARRAY['a'::character varying, …])::text[]`. One check, three spellings:
 *   all become the last, the only one that survives a round trip (see varcharArrayAsTextArray).
 *
 * Checked and equal on both (no rule needed): pg_get_constraintdef, pg_get_indexdef,
 * pg_get_triggerdef, pg_get_functiondef, pg_get_expr of defaults, generated columns and index
 * predicates, format_type. Names are schema-qualified by the queries themselves (search_path
 * set to pg_catalog), not here.
 */

/** Line endings as LF. */
export function normalizeText(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

/** A default, generated expression, index key or predicate. */
export function normalizeExpression(s: string): string {
  return varcharArrayAsTextArray(normalizeText(s).trim());
}

export function normalizeConstraintDef(s: string): string {
  return varcharArrayAsTextArray(normalizeText(s).trim());
}

const LITERAL = String.raw`'(?:[^']|'')*'`;
const ELEMENT_OLD = new RegExp(String.raw`(${LITERAL})::character varying::text`, 'g');
const ELEMENT = new RegExp(String.raw`\((${LITERAL})::character varying\)::text`, 'g');
const ELEMENT_LIST = new RegExp(String.raw`ARRAY\[((?:\(${LITERAL}::character varying\)::text(?:, )?)+)\]`, 'g');

/**
 * An array of varchar literals each cast to text, in either older spelling, as one varchar
 * array cast to text[]: the spelling PostgreSQL reads back unchanged. Literals are matched
 * whole, so a quote inside a value cannot end one early.
 */
export function varcharArrayAsTextArray(definition: string): string {
  if (!definition.includes('::character varying')) return definition; // most definitions: three RegExps saved
  return definition
    .replace(ELEMENT_OLD, '($1::character varying)::text')
    .replace(ELEMENT_LIST, (_all, list: string) => `(ARRAY[${list.replace(ELEMENT, '$1::character varying')}])::text[]`);
}

export function normalizeIndexDef(s: string): string {
  return varcharArrayAsTextArray(normalizeText(s).trim());
}

export function normalizeTriggerDef(s: string): string {
  return normalizeText(s).trim();
}

/** The full CREATE statement: line endings, and no trailing newline. */
export function normalizeFunctionDef(s: string): string {
  return normalizeText(s).replace(/\s+$/, '');
}

/** pg_get_viewdef without its leading space and trailing semicolon, in the PostgreSQL 16+ form. */
export function normalizeViewDef(s: string): string {
  const text = normalizeText(s).trim().replace(/;$/, '');
  return stripSingleSourcePrefix(text);
}

/** The index definition without the index's own name: two indexes with one shape are duplicates. */
export function indexShape(definition: string, name: string): string {
  const quoted = /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
  // String prefixes, not a RegExp made per index: 12,500 of those cost half a second.
  for (const head of ['CREATE INDEX ', 'CREATE UNIQUE INDEX ']) {
    const prefix = `${head}${quoted} ON `;
    if (definition.startsWith(prefix)) return `${head}ON ${definition.slice(prefix.length)}`;
  }
  return definition;
}

interface Token {
  /** word (identifier or keyword), quoted identifier, string, punctuation, or space. */
  kind: 'word' | 'quoted' | 'string' | 'punct' | 'space';
  text: string;
  /** Inside a parenthesised subquery (or deeper), where both versions qualify columns. */
  inSubquery: boolean;
  /** Parenthesis depth. */
  depth: number;
}

/** A small lexer for pg_get_viewdef output: identifiers, quoted identifiers, strings, punctuation. */
function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const stack: boolean[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const inSubquery = stack.includes(true);
    const depth = stack.length;
    let m: RegExpMatchArray | null;
    const rest = sql.slice(i);
    if ((m = rest.match(/^\s+/))) out.push({ kind: 'space', text: m[0], inSubquery, depth });
    else if ((m = rest.match(/^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/))) out.push({ kind: 'word', text: m[0], inSubquery, depth });
    else if ((m = rest.match(/^"(?:[^"]|"")*"/))) out.push({ kind: 'quoted', text: m[0], inSubquery, depth });
    else if ((m = rest.match(/^[Ee]?'(?:[^'\\]|''|\\.)*'/))) out.push({ kind: 'string', text: m[0], inSubquery, depth });
    else {
      m = [ch] as unknown as RegExpMatchArray;
      if (ch === '(') {
        const next = sql
          .slice(i + 1)
          .match(/^\s*(\w+)/)?.[1]
          ?.toUpperCase();
        stack.push(next === 'SELECT' || next === 'WITH' || next === 'VALUES');
        out.push({ kind: 'punct', text: ch, inSubquery, depth });
      } else if (ch === ')') {
        stack.pop();
        out.push({ kind: 'punct', text: ch, inSubquery: stack.includes(true), depth: stack.length });
      } else out.push({ kind: 'punct', text: ch, inSubquery, depth });
    }
    i += m[0].length;
  }
  return out;
}

const CLAUSE_AFTER_FROM = new Set(['WHERE', 'GROUP', 'HAVING', 'WINDOW', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'FOR']);
const SET_OPERATIONS = new Set(['UNION', 'INTERSECT', 'EXCEPT']);

/**
 * PostgreSQL 15 prefixes a view's top-level columns with the name of its FROM item even when
 * there is only one; 16+ does not. When the top-level query has exactly one FROM item (no
 * join, no comma, no set operation), `item.` is removed before top-level column names. Inside
 * subqueries both versions qualify, so those are left alone.
 */
export function stripSingleSourcePrefix(sql: string): string {
  const tokens = tokenize(sql);
  const top = (t: Token) => t.depth === 0 && t.kind === 'word';
  const fromAt = tokens.findIndex((t) => top(t) && t.text.toUpperCase() === 'FROM');
  if (fromAt < 0) return sql;
  if (tokens.some((t) => top(t) && SET_OPERATIONS.has(t.text.toUpperCase()))) return sql;
  if (tokens.filter((t) => top(t) && t.text.toUpperCase() === 'FROM').length !== 1) return sql;
  let end = fromAt + 1;
  while (end < tokens.length) {
    const t = tokens[end] as Token;
    if (top(t) && CLAUSE_AFTER_FROM.has(t.text.toUpperCase())) break;
    if (t.depth === 0 && t.kind === 'punct' && t.text === ',') return sql;
    if (top(t) && t.text.toUpperCase() === 'JOIN') return sql;
    end++;
  }
  // The item's name: its alias when it has one, else the last part of its (qualified) name.
  let refname: string | undefined;
  for (let k = fromAt + 1; k < end; k++) {
    const t = tokens[k] as Token;
    if (t.depth === 0 && (t.kind === 'word' || t.kind === 'quoted') && t.text.toUpperCase() !== 'ONLY') refname = t.text;
  }
  if (refname === undefined) return sql;
  const out: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    const dot = tokens[k + 1];
    const after = tokens[k + 2];
    const before = tokens[k - 1];
    const isPrefix =
      (k < fromAt || k >= end) &&
      !t.inSubquery &&
      t.text === refname &&
      dot?.text === '.' &&
      (after?.kind === 'word' || after?.kind === 'quoted') &&
      before?.text !== '.' &&
      !(before?.text === ':' && tokens[k - 2]?.text === ':') &&
      tokens[k + 3]?.text !== '(' &&
      tokens[k + 3]?.text !== '.';
    if (isPrefix) {
      k++; // skip the dot as well
      continue;
    }
    out.push(t.text);
  }
  return out.join('');
}
