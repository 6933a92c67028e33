/**
 * SQL nested in a migration file: the file itself, a DO or function body inside a string
 * constant, a PL/pgSQL expression inside that body, an EXECUTE string inside that
 * expression. Each layer knows how its string indices map to its parent's, so a position
 * found by parsing the innermost text is reported at the right file line and column.
 */
import { indexOfByteOffset } from '../text-position.ts';
import { dollarTagAt } from './sql-lexer.ts';

/** Where a fragment sits, for messages ("in the body of a DO block"). */
export type FragmentKind = 'file' | 'do-body' | 'function-body' | 'plpgsql-sql' | 'execute-string';

/** A text that is (part of) a migration file, with the way back to file indices. */
export class Fragment {
  readonly text: string;
  readonly kind: FragmentKind;
  private readonly parent: Fragment | undefined;
  private readonly toParent: (index: number) => number;
  /** No character outside ASCII: bytes and string indices agree. */
  private ascii: boolean | undefined;

  private constructor(text: string, kind: FragmentKind, parent: Fragment | undefined, toParent: (index: number) => number) {
    this.text = text;
    this.kind = kind;
    this.parent = parent;
    this.toParent = toParent;
  }

  /** The whole file. */
  static file(text: string): Fragment {
    return new Fragment(text, 'file', undefined, (i) => i);
  }

  /** The string index in the file of this fragment's string index `index`. */
  fileIndex(index: number): number {
    let i = index;
    for (let f: Fragment | undefined = this; f?.parent; f = f.parent) i = f.toParent(i);
    return i;
  }

  /** The layers from the file down to this one, outermost first. */
  kinds(): FragmentKind[] {
    const out: FragmentKind[] = [];
    for (let f: Fragment | undefined = this; f; f = f.parent) out.unshift(f.kind);
    return out;
  }

  /** How many string indices after `index` the text is `bytes` UTF-8 bytes further on. */
  indexAfterBytes(index: number, bytes: number): number {
    this.ascii ??= !/[^\x00-\x7f]/.test(this.text);
    return this.ascii ? bytes : indexOfByteOffset(this.text.slice(index), bytes);
  }

  /**
   * A fragment for `text`, found at index `start` of this one; `map` gives, for each index
   * of `text`, the index in this fragment when the two differ by more than that shift.
   */
  derive(kind: FragmentKind, text: string, start: number, map?: (index: number) => number): Fragment {
    return new Fragment(text, kind, this, map ?? ((i) => start + i));
  }

  /**
   * The value of the string constant at `[start, end)` ('…', E'…' or $tag$…$tag$) as a
   * fragment whose indices map back through the quoting; undefined if it is not one.
   */
  stringConstant(kind: FragmentKind, start: number, end: number): Fragment | undefined {
    const decoded = decodeStringConstant(this.text.slice(start, end));
    if (!decoded) return undefined;
    const { value, offsets } = decoded;
    if (offsets === undefined) {
      const shift = start + decoded.shift;
      return this.derive(kind, value, 0, (i) => shift + i);
    }
    return this.derive(kind, value, 0, (i) => start + (offsets[Math.min(i, offsets.length - 1)] ?? 0));
  }
}

/**
 * Decodes one string constant token. A dollar-quoted value is a plain substring (`shift`
 * says where it starts); a quoted one lists, for each value index and the end, the token
 * index it came from.
 */
export function decodeStringConstant(token: string): { value: string; shift: number; offsets?: number[] } | undefined {
  const tag = dollarTagAt(token, 0);
  if (tag !== undefined) {
    if (token.length < 2 * tag.length || !token.endsWith(tag)) return undefined;
    return { value: token.slice(tag.length, token.length - tag.length), shift: tag.length };
  }
  const first = token.charCodeAt(0);
  const escapes = first === 69 || first === 101;
  const open = escapes ? 1 : 0;
  if (token.charCodeAt(open) !== 39 || token.length < open + 2 || !token.endsWith("'")) return undefined;
  let value = '';
  const offsets: number[] = [];
  const last = token.length - 1;
  for (let i = open + 1; i < last; i++) {
    const c = token[i] as string;
    offsets.push(i);
    if (c === "'" && token[i + 1] === "'") {
      value += "'";
      i++;
    } else if (escapes && c === '\\' && i + 1 < last) {
      const e = token[i + 1] as string;
      value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : e;
      i++;
    } else value += c;
  }
  offsets.push(last);
  return { value, shift: open + 1, offsets };
}
