// The API's JSON body parser: JSON.parse, except that a number keeps the digits it was written with.
import type { FastifyInstance } from 'fastify';

/** A JSON string or a JSON number, as they appear in a request body. */
const JSON_STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/gs;

/** A decimal literal as its significant digits and a power of ten ("12.50" and "1.25e1" are both "125e-1"), or null for none. */
function decimalValue(literal: string): string | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return null;
  const digits = `${m[2]}${m[3] ?? ''}`.replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '');
  if (significant === '') return '0';
  return `${m[1]}${significant}e${Number(m[4] ?? 0) - (m[3]?.length ?? 0) + digits.length - significant.length}`;
}

/**
 * Reads JSON bodies so that a number keeps what was written. Money may come as a JSON number
 * (12.5 is stored 12.50), but JSON.parse rounds a literal a double cannot hold (12.3400000000000001
 * becomes 12.34) before any schema sees it; such a literal is passed on as its text instead, for
 * the field's pattern to refuse with a 400 naming the field. Prototype keys stay refused.
 */
export function keepInexactNumbersAsWritten(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  const asWritten = (token: string) => (token.startsWith('"') || decimalValue(token) === decimalValue(String(Number(token))) ? token : `"${token}"`);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => parse(request, (body as string).replace(JSON_STRING_OR_NUMBER, asWritten), done));
}

