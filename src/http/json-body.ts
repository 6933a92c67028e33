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
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** Why a body is not the JSON it claims to be: the scan stops at the first such place. */
class BodyRefused extends Error {}

/** Members one object may have: no body the API takes has more than a few dozen, and JSON.parse slows with many. */
export const MAX_OBJECT_MEMBERS = 1000;

/**
 * Numbers a double cannot hold that one body may carry: each costs a conversion and a compare,
 * and a client that means them writes them as strings. Money and quantities of a few decimals
 * are held exactly and never count.
 */
export const MAX_INEXACT_NUMBERS = 1000;

/**
 * Characters one string or number literal of a body may take, escapes included: the API's
 * longest field holds 10,000, so a longer value is refused by the scan at once, before
 * JSON.parse copies it and the schema counts its characters one by one (a megabyte-long value
 * cost the server's one thread about 20 ms more, every other caller waiting).
 */
export const MAX_VALUE_CHARS = 100_000;

/** A decimal literal's significant digits and the power of ten of the last one: 12.50 is 125 × 10^-1. */
interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

/**
 * The decimal a JSON number literal writes (text[start, end)), or null when it is not one JSON
 * allows (JSON.parse then refuses the body). One pass over the literal, no regular expression:
 * a literal of a megabyte of digits costs a megabyte of steps.
 */
function readDecimal(text: string, start: number, end: number): Decimal | null {
  let i = start;
  const negative = text.charCodeAt(i) === MINUS;
  if (negative) i++;
  const intStart = i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  if (i === intStart) return null;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < end && text.charCodeAt(i) === DOT) {
    fracStart = ++i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === fracStart) return null;
    fracEnd = i;
  }
  let exponent = 0;
  if (i < end) {
    const e = text.charCodeAt(i);
    if (e !== 0x65 && e !== 0x45) return null;
    i++;
    const sign = text.charCodeAt(i) === MINUS ? -1 : 1;
    if (text.charCodeAt(i) === MINUS || text.charCodeAt(i) === 0x2b) i++;
    const expStart = i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart || i !== end) return null;
    // beyond 10^±9999999 every literal is 0 or infinite as a double: the exact value no longer matters
    exponent = sign * Number(i - expStart > 7 ? '9999999' : text.slice(expStart, i));
  }
  const digits = text.slice(intStart, intEnd) + text.slice(fracStart, fracEnd);
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === ZERO) first++;
  let last = digits.length;
  while (last > first && digits.charCodeAt(last - 1) === ZERO) last--;
  if (first === last) return { negative, digits: '', exponent: 0 };
  return { negative, digits: digits.slice(first, last), exponent: exponent - (fracEnd - fracStart) + (digits.length - last) };
}

/**
 * The longest number literal read as a number. Longer ones are passed on as their text (no
 * double holds them as written anyway, and converting a megabyte of digits costs milliseconds).
 */
const MAX_NUMBER_CHARS = 100;

/**
 * True when JSON.parse gives back exactly the number written (12.5, 1e3, 0.1), false when it
 * rounds it. A decimal of 15 significant digits or fewer always comes back (a double holds 15
 * decimal digits) and one of more than 17 never does (a double's shortest form has 17 at most),
 * so only those between are compared with the double's own shortest form.
 */
function isExact(literal: Decimal, text: string, start: number, end: number): boolean {
  if (literal.digits.length > 17) return false;
  if (literal.digits.length <= 15 && Math.abs(literal.exponent) <= 290) return true;
  const value = Number(text.slice(start, end));
  if (!Number.isFinite(value)) return false;
  const shortest = String(value);
  const back = readDecimal(shortest, 0, shortest.length);
  return back !== null && back.digits === literal.digits && (back.digits === '' || (back.exponent === literal.exponent && back.negative === literal.negative));
}

/**
 * One pass over a JSON text: each string skipped by its closing quote, each number literal
 * checked, each bracket and an object's members counted. Returns the text with every number that
 * a double cannot hold exactly turned into a string of its digits, or throws BodyRefused for a
 * string left open, a value longer than MAX_VALUE_CHARS, nesting deeper than MAX_JSON_DEPTH,
 * an object of more than MAX_OBJECT_MEMBERS members or more than MAX_INEXACT_NUMBERS such numbers. Anything else
 * malformed is left for JSON.parse to refuse.
 * Every character is looked at a bounded number of times, so the work is linear in the body's
 * length whatever it holds.
 */
export function quoteInexactNumbers(text: string): string {
  // Built by concatenation, which V8 keeps as a rope until JSON.parse reads it: a join of
  // an array of a hundred thousand pieces measured four times slower.
  let out = '';
  let copied = 0;
  let inexact = 0;
  let depth = 0;
  // per open array or object: which it is, and how many members an object has so far
  const isObject: boolean[] = [];
  const members: number[] = [];
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
          if (q - i - 1 > MAX_VALUE_CHARS)
            throw new BodyRefused(`a string at character ${i + 1} is over ${MAX_VALUE_CHARS.toLocaleString('en')} characters long: no field takes one`);
          i = q + 1;
          break;
        }
        j = q + 1;
      }
    } else if (c === MINUS || isDigit(c)) {
      let j = i + 1;
      let exponent = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isDigit(d) || d === DOT || d === MINUS || d === 0x2b) j++;
        else if (d === 0x65 || d === 0x45) {
          exponent = true;
          j++;
        } else break;
      }
      if (j - i > MAX_VALUE_CHARS)
        throw new BodyRefused(`a number at character ${i + 1} is over ${MAX_VALUE_CHARS.toLocaleString('en')} characters long: no field takes one`);
      // 15 characters without an exponent hold at most 15 digits: exact, nothing to read
      if (j - i <= 15 && !exponent) {
        i = j;
        continue;
      }
      const literal = j - i > MAX_NUMBER_CHARS ? null : readDecimal(text, i, j);
      if (j - i > MAX_NUMBER_CHARS || (literal !== null && !isExact(literal, text, i, j))) {
        if (++inexact > MAX_INEXACT_NUMBERS)
          throw new BodyRefused(`more than ${MAX_INEXACT_NUMBERS} numbers have more digits than a number can hold exactly: send such values as strings`);
        out += `${text.slice(copied, i)}"${text.slice(i, j)}"`;
        copied = j;
      }
      i = j;
    } else {
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (++depth > MAX_JSON_DEPTH) throw new BodyRefused(`arrays and objects are nested more than ${MAX_JSON_DEPTH} deep`);
        isObject[depth] = c === OPEN_OBJECT;
        members[depth] = 1;
      } else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && depth > 0) {
        depth--;
      } else if (c === COMMA && depth > 0 && isObject[depth] && ++members[depth]! > MAX_OBJECT_MEMBERS) {
        throw new BodyRefused(`an object has more than ${MAX_OBJECT_MEMBERS} members`);
      }
      i++;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Reads JSON bodies so that a number keeps what was written. Money may come as a JSON number
 * (12.5 is stored 12.50), but JSON.parse rounds a literal a double cannot hold (12.3400000000000001
 * becomes 12.34) before any schema sees it; such a literal is passed on as its text instead, for
 * the field's pattern to refuse with a 400 naming the field. A string left open, nesting deeper
 * than MAX_JSON_DEPTH, an object of more than MAX_OBJECT_MEMBERS members or more than
 * MAX_INEXACT_NUMBERS inexact numbers is a 400 at once.
 * Prototype keys stay refused. Linear in the body's size.
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
