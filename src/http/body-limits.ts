// Each route reads at most what its largest valid body needs: the limit is measured from the
// route's body schema (maxLength, maxItems, the properties an object may have), not guessed.
// A body over it is refused with 413 before a byte of it is parsed; a route that may take any
// body its schema does not bound keeps the server's 1 MiB.
import type { FastifyInstance, RouteOptions } from 'fastify';

/** The largest request body any route reads (an upload streams, and has its own limit). */
export const MAX_BODY_BYTES = 1 << 20;

/** The least a route reads: a body it does not take at all, or one of a few short fields. */
export const MIN_BODY_BYTES = 8 * 1024;

/**
 * The bytes one character of a string may take in a JSON body: a control character a client's
 * JSON.stringify writes as \u001f is six (any other character, as UTF-8, four at most).
 */
const BYTES_PER_CHAR = 6;

/** A number as a client writes it: JSON.stringify's longest double (-1.7976931348623157e+308) is 24 characters. */
const NUMBER_BYTES = 32;

/** Spaces per level a pretty-printing client may indent with (JSON.stringify(body, null, 2) uses 2; 4 is room to spare). */
const INDENT = 4;

interface Schema {
  type?: string | string[];
  maxLength?: number;
  maxItems?: number;
  items?: Schema | Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  pattern?: string;
  format?: string;
  content?: unknown;
}

/**
 * The size in bytes of the largest JSON text `schema` accepts (each string at its maxLength of
 * the widest characters, each array at its maxItems, every property present, written with
 * indentation), or undefined when the schema bounds none (a string without maxLength, an array
 * without maxItems, an object open to properties it does not name, a reference).
 */
export function largestValidBody(schema: unknown, depth = 0): number | undefined {
  const s = schema as Schema;
  if (s === null || typeof s !== 'object') return undefined;
  if (s.$ref !== undefined) return undefined;
  if (s.const !== undefined) return JSON.stringify(s.const).length * BYTES_PER_CHAR;
  if (s.enum) return Math.max(...s.enum.map((v) => JSON.stringify(v).length * BYTES_PER_CHAR));
  const alternatives = s.anyOf ?? s.oneOf ?? s.allOf;
  if (alternatives) return largestOf(alternatives.map((a) => largestValidBody(a, depth)));
  const types = [s.type ?? []].flat();
  if (types.length === 0) return undefined;
  return largestOf(types.map((t) => largestOfType(s, t, depth)));
}

function largestOfType(s: Schema, type: string, depth: number): number | undefined {
  // each member or element: a comma, a newline and the indentation before it
  const lead = 2 + INDENT * (depth + 1);
  switch (type) {
    case 'null':
      return 4;
    case 'boolean':
      return 5;
    case 'number':
    case 'integer':
      return NUMBER_BYTES;
    case 'string': {
      const chars =
        s.maxLength ?? (s.format !== undefined ? FORMAT_CHARS[s.format] : undefined) ?? (s.pattern !== undefined ? patternMaxLength(s.pattern) : undefined);
      return chars === undefined ? undefined : 2 + chars * BYTES_PER_CHAR;
    }
    case 'array': {
      if (s.maxItems === undefined || s.items === undefined || Array.isArray(s.items)) return undefined;
      const item = largestValidBody(s.items, depth + 1);
      return item === undefined ? undefined : 2 + lead + s.maxItems * (item + lead);
    }
    case 'object': {
      if (s.additionalProperties !== false) return undefined;
      let total = 2 + lead;
      for (const [key, value] of Object.entries(s.properties ?? {})) {
        const v = largestValidBody(value, depth + 1);
        if (v === undefined) return undefined;
        total += JSON.stringify(key).length * BYTES_PER_CHAR + 2 + v + lead;
      }
      return total;
    }
    default:
      return undefined;
  }
}

/** The longest a string of a format takes, for the formats a body schema uses without a maxLength. */
const FORMAT_CHARS: Record<string, number> = { date: 10 };

/**
 * The most characters a string matching `pattern` can have, when the pattern is anchored at both
 * ends (^…$) and every quantifier in it is bounded ({m,n}, ?); undefined otherwise. A lookahead
 * matches no characters of its own.
 */
export function patternMaxLength(pattern: string): number | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return undefined;
  const re = new PatternReader(pattern.slice(1, -1));
  const branches = re.alternatives();
  // ^a|b$ anchors each branch at one end only
  if (branches.length !== 1 || re.at < re.text.length) return undefined;
  return branches[0];
}

class PatternReader {
  readonly text: string;
  at = 0;
  constructor(text: string) {
    this.text = text;
  }
  /** The longest match of each top-level alternative of what follows, up to a ')' or the end. */
  alternatives(): (number | undefined)[] {
    const branches = [this.sequence()];
    while (this.text[this.at] === '|') {
      this.at++;
      branches.push(this.sequence());
    }
    return branches;
  }
  private sequence(): number | undefined {
    let total: number | undefined = 0;
    while (this.at < this.text.length && this.text[this.at] !== '|' && this.text[this.at] !== ')') {
      const atom = this.atom();
      const times = this.quantifier();
      total = total === undefined || atom === undefined || times === undefined ? undefined : total + atom * times;
    }
    return total;
  }
  private atom(): number | undefined {
    const c = this.text[this.at++];
    if (c === '(') {
      const lookaround = /^\?<?[=!]/.exec(this.text.slice(this.at))?.[0];
      if (lookaround) this.at += lookaround.length;
      else if (this.text.startsWith('?:', this.at)) this.at += 2;
      const inner = this.alternatives();
      if (this.text[this.at] !== ')') return undefined;
      this.at++;
      return lookaround ? 0 : largestOf(inner);
    }
    if (c === '[') {
      if (this.text[this.at] === '^') this.at++;
      if (this.text[this.at] === ']') this.at++;
      while (this.at < this.text.length && this.text[this.at] !== ']') this.at += this.text[this.at] === '\\' ? 2 : 1;
      this.at++;
      return 1;
    }
    if (c === '\\') {
      const e = this.text[this.at++] ?? '';
      if (/[1-9k]/.test(e)) return undefined; // a back-reference
      if (e === 'u') this.at += this.text[this.at] === '{' ? this.text.indexOf('}', this.at) - this.at + 1 : 4;
      else if (e === 'x') this.at += 2;
      else if (e === 'b' || e === 'B') return 0;
      return 1;
    }
    if (c === '^' || c === '$') return 0;
    return 1;
  }
  /** How many times the atom before may repeat, at most; undefined when unbounded. */
  private quantifier(): number | undefined {
    const c = this.text[this.at];
    let times: number | undefined = 1;
    if (c === '?') {
      this.at++;
    } else if (c === '*' || c === '+') {
      this.at++;
      times = undefined;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.text.slice(this.at));
      if (!m) return 1;
      this.at += m[0].length;
      times = m[2] === undefined ? Number(m[1]) : m[3] === '' ? undefined : Number(m[3]);
    }
    if (this.text[this.at] === '?') this.at++; // lazy
    return times;
  }
}

function largestOf(sizes: (number | undefined)[]): number | undefined {
  let most = 0;
  for (const n of sizes) {
    if (n === undefined) return undefined;
    most = Math.max(most, n);
  }
  return most;
}

/**
 * The limit a route gets: its largest valid body rounded up to a power of two, 8 KiB at the
 * least and 1 MiB at the most (also for a body its schema does not bound).
 */
export function bodyLimitFor(bodySchema: unknown): number {
  if (bodySchema === undefined) return MIN_BODY_BYTES;
  const largest = largestValidBody(bodySchema);
  if (largest === undefined || largest >= MAX_BODY_BYTES) return MAX_BODY_BYTES;
  let limit = MIN_BODY_BYTES;
  while (limit < largest) limit *= 2;
  return limit;
}

/** 8 KiB, 64 KiB, 1 MiB: a limit in words. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** One route's limit, as the API documents it. */
export interface RouteBodyLimit {
  method: string;
  url: string;
  bytes: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route's body limit, as applied (for the documentation and its test). */
    bodyLimits: RouteBodyLimit[];
  }
}

/**
 * Gives every route registered after it the limit its body schema measures (see bodyLimitFor).
 * A route that sets its own bodyLimit keeps it (the login's 8 KiB); an upload (a body schema of
 * content types, not JSON) keeps the server's, since it streams the file against a limit of its own.
 */
export function installBodyLimits(app: FastifyInstance): void {
  const table: RouteBodyLimit[] = [];
  app.decorate('bodyLimits', table);
  app.addHook('onRoute', (route: RouteOptions) => {
    const body = (route.schema as { body?: Schema } | undefined)?.body;
    if (route.bodyLimit === undefined && body?.content === undefined) route.bodyLimit = bodyLimitFor(body);
    for (const method of [route.method].flat())
      if (method !== 'HEAD') table.push({ method, url: route.url, bytes: route.bodyLimit ?? app.initialConfig.bodyLimit ?? MAX_BODY_BYTES });
  });
}
