// The API's JSON body parser: JSON.parse, except that a number keeps the digits it was written
// with, and a body nested too deep is refused before anything walks it.
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.ts';

/** Arrays and objects inside each other, at most (the deepest body the API takes, a process's structure, is 7). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** Why a body is not the JSON it claims to be: the scan stops at the first such place. */
class BodyRefused extends Error {}

/**
 * The significant digits of a decimal literal and the power of ten of its last one ("12.50" and
 * "1.25e1" are both 125 × 10^-1), or null when the literal is not one a double can be compared to
 * (an exponent beyond any double's). Linear in the literal's length: no regular expression with
 * backtracking over its digits.
 */
function decimalValue(literal: string): string | null {
  let i = 0;
  const negative = literal.charCodeAt(0) === MINUS;
  if (negative) i = 1;
  let digits = '';
  let fraction = 0;
  let start = i;
  while (i < literal.length && isDigit(literal.charCodeAt(i))) i++;
  digits += literal.slice(start, i);
  if (literal.charCodeAt(i) === DOT) {
    start = ++i;
    while (i < literal.length && isDigit(literal.charCodeAt(i))) i++;
    digits += literal.slice(start, i);
    fraction = i - start;
  }
  let exponent = 0;
  if (i < literal.length) {
    const e = literal.slice(i + 1);
    // An exponent of more than 6 digits is beyond any double's range (10^±308, 324 digits of subnormals)
    if (e.replace(/^[+-]/, '').length > 6) return null;
    exponent = Number(e);
  }
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === ZERO) first++;
  let last = digits.length;
  while (last > first && digits.charCodeAt(last - 1) === ZERO) last--;
  if (first === last) return '0';
  return `${negative ? '-' : ''}${digits.slice(first, last)}e${exponent - fraction + (digits.length - last)}`;
}

/** True when JSON.parse gives back exactly the number written (12.5, 1e3, 0.1), false when it rounds. */
function isExact(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return false;
  const written = decimalValue(literal);
  return written !== null && written === decimalValue(String(value));
}

/**
 * One pass over a JSON text: each string skipped by its closing quote, each number literal
 * checked, each bracket counted. Returns the text with every number that a double cannot hold
 * exactly turned into a string of its digits, or throws BodyRefused for a string left open or
 * nesting deeper than MAX_JSON_DEPTH. Anything else malformed is left for JSON.parse to refuse.
 * Every character is looked at once, so the work is linear in the body's length whatever it holds.
 */
export function quoteInexactNumbers(text: string): string {
  const pieces: string[] = [];
  let copied = 0;
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) throw new BodyRefused(`a string opened at character ${i + 1} is never closed`);
        // the quote closes the string unless an odd run of backslashes escapes it
        let k = q - 1;
        while (k > i && text.charCodeAt(k) === BACKSLASH) k--;
        if ((q - 1 - k) % 2 === 0) {
          i = q + 1;
          break;
        }
        j = q + 1;
      }
    } else if (c === MINUS || isDigit(c)) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isDigit(d) || d === DOT || d === 0x65 || d === 0x45 || d === 0x2b || d === MINUS) j++;
        else break;
      }
      const literal = text.slice(i, j);
      if (/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(literal) && !isExact(literal)) {
        pieces.push(text.slice(copied, i), '"', literal, '"');
        copied = j;
      }
      i = j;
    } else {
      if (OPEN.has(c)) {
        if (++depth > MAX_JSON_DEPTH) throw new BodyRefused(`arrays and objects are nested more than ${MAX_JSON_DEPTH} deep`);
      } else if (CLOSE.has(c)) depth--;
      i++;
    }
  }
  if (pieces.length === 0) return text;
  pieces.push(text.slice(copied));
  return pieces.join('');
}

/**
 * Reads JSON bodies so that a number keeps what was written. Money may come as a JSON number
 * (12.5 is stored 12.50), but JSON.parse rounds a literal a double cannot hold (12.3400000000000001
 * becomes 12.34) before any schema sees it; such a literal is passed on as its text instead, for
 * the field's pattern to refuse with a 400 naming the field. A string left open or nesting deeper
 * than MAX_JSON_DEPTH is a 400 at once. Prototype keys stay refused. Linear in the body's size.
 */
export function keepInexactNumbersAsWritten(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    let text: string;
    try {
      text = quoteInexactNumbers(body as string);
    } catch (err) {
      if (!(err instanceof BodyRefused)) throw err;
      done(new HttpError(400, 'INVALID_JSON', `the body is not valid JSON: ${err.message}`), undefined);
      return;
    }
    parse(request, text, done);
  });
}
