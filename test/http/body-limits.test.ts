// Each route reads at most what its largest valid body needs (src/http/body-limits.ts): a body
// just over a route's limit is 413 naming that limit, one just under is read as usual, and no
// route's limit is below the largest body its schema accepts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { MAX_BODY_BYTES, MIN_BODY_BYTES, bodyLimitFor, largestValidBody, patternMaxLength } from '../../src/http/body-limits.ts';
import { pgliteBackend } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

/** `body` as JSON, padded with spaces (still valid JSON) to exactly `bytes` bytes. */
function padded(body: unknown, bytes: number): string {
  const text = JSON.stringify(body);
  assert.ok(Buffer.byteLength(text) <= bytes, `the body itself is ${Buffer.byteLength(text)} bytes`);
  return text + ' '.repeat(bytes - Buffer.byteLength(text));
}

describe('the largest valid body of a schema', () => {
  test('strings by maxLength, a bounded pattern or a date; arrays by maxItems; closed objects by their properties', () => {
    assert.equal(largestValidBody(Type.String({ maxLength: 10 })), 2 + 10 * 6);
    assert.equal(largestValidBody(Type.String({ format: 'date' })), 2 + 10 * 6);
    assert.equal(largestValidBody(Type.String({ pattern: '^\\d{1,9}(\\.\\d{1,3})?$' })), 2 + 13 * 6);
    const small = Type.Object({ a: Type.Integer(), b: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
    const one = largestValidBody(small) ?? 0;
    assert.ok(one >= JSON.stringify({ a: -1.7976931348623157e308, b: false }, null, 4).length, String(one));
    assert.ok((largestValidBody(Type.Array(small, { maxItems: 100 })) ?? 0) >= 100 * one);
    assert.equal(largestValidBody(Type.Union([Type.String({ maxLength: 3 }), Type.Null()])), 2 + 3 * 6);
  });

  test('unbounded: a string with no bound, an array without maxItems, an object open to other keys', () => {
    assert.equal(largestValidBody(Type.String()), undefined);
    assert.equal(largestValidBody(Type.String({ pattern: '\\S' })), undefined);
    assert.equal(largestValidBody(Type.Array(Type.Integer())), undefined);
    assert.equal(largestValidBody(Type.Object({ a: Type.Integer() })), undefined);
    assert.equal(bodyLimitFor(Type.Array(Type.Integer())), MAX_BODY_BYTES);
  });

  test("a pattern's longest match: bounded quantifiers and groups count, lookaheads do not; * + {n,} and one-sided anchors are unbounded", () => {
    assert.equal(patternMaxLength('^[0-9]{2}[A-Z0-9]{10}[0-9A-Z]Z[0-9A-Z]$'), 15);
    assert.equal(patternMaxLength('^(?!0*(\\.0*)?$)\\d{1,8}(\\.\\d{1,4})?$'), 13);
    assert.equal(patternMaxLength('^(ab|cde)?x$'), 4);
    assert.equal(patternMaxLength('^a+$'), undefined);
    assert.equal(patternMaxLength('^a{2,}$'), undefined);
    assert.equal(patternMaxLength('^a|bc$'), undefined);
    assert.equal(patternMaxLength('^abc'), undefined);
  });

  test('limits are powers of two from 8 KiB to 1 MiB; a route without a body gets the least', () => {
    assert.equal(bodyLimitFor(undefined), MIN_BODY_BYTES);
    assert.equal(bodyLimitFor(Type.String({ maxLength: 10 })), MIN_BODY_BYTES);
    assert.equal(bodyLimitFor(Type.String({ maxLength: 10_000 })), 64 * 1024);
    assert.equal(bodyLimitFor(Type.Array(Type.String({ maxLength: 10_000 }), { maxItems: 1000 })), MAX_BODY_BYTES);
  });
});

describe('per-route body limits on the API', () => {
  let api: TestApi;
  before(async () => {
    api = await testApi(pgliteBackend);
  });
  after(async () => {
    await api?.close();
  });
  const limitOf = (method: string, url: string) => {
    const r = api.app.bodyLimits.find((l) => l.method === method && l.url === url);
    assert.ok(r, `${method} ${url} is in the table`);
    return r.bytes;
  };

  test('the table: small bodies 8 KiB, an item 64 KiB, lot selections 256 KiB, process structures 1 MiB, login its own 8 KiB', () => {
    assert.equal(limitOf('POST', '/api/users'), 8 * 1024);
    assert.equal(limitOf('POST', '/api/auth/login'), 8 * 1024);
    assert.equal(limitOf('POST', '/api/items'), 64 * 1024);
    assert.equal(limitOf('PUT', '/api/lots/:id/selections'), 256 * 1024);
    assert.equal(limitOf('POST', '/api/processes'), MAX_BODY_BYTES);
    assert.equal(limitOf('PUT', '/api/processes/:id/structure'), MAX_BODY_BYTES);
    assert.equal(limitOf('GET', '/api/items'), 8 * 1024);
    for (const r of api.app.bodyLimits) assert.ok(r.bytes >= MIN_BODY_BYTES && r.bytes <= MAX_BODY_BYTES, `${r.method} ${r.url}: ${r.bytes}`);
  });

  test('POST /api/users (8 KiB): a body one byte over is 413 naming its limit; one at the limit creates the user', async () => {
    const user = { name: 'Padded', email: 'padded@example.com', role: 'viewer', password: 'long enough password' };
    const over = await api.call('POST', '/api/users', { as: 'admin', body: padded(user, 8 * 1024 + 1), headers: { 'content-type': 'application/json' } });
    assert.equal(over.statusCode, 413, over.body);
    assert.deepEqual(over.json().error, {
      code: 'PAYLOAD_TOO_LARGE',
      message: 'the request body is larger than this route reads: 8 KiB of JSON; a file to import goes to POST /api/imports',
      details: { limitBytes: 8192 },
    });
    const within = await api.call('POST', '/api/users', { as: 'admin', body: padded(user, 8 * 1024), headers: { 'content-type': 'application/json' } });
    assert.equal(within.statusCode, 201, within.body);
    assert.equal(within.json().email, 'padded@example.com');
  });

  test('POST /api/items (64 KiB): the longest description, of wide characters, fits; a body over 64 KiB is 413 naming 64 KiB', async () => {
    // 10,000 characters of three UTF-8 bytes each: 30 KB
    const item = { name: 'Wide', description: '漢'.repeat(10_000) };
    const made = await api.call('POST', '/api/items', { as: 'admin', body: padded(item, 64 * 1024), headers: { 'content-type': 'application/json' } });
    assert.equal(made.statusCode, 201, made.body.slice(0, 300));
    const over = await api.call('POST', '/api/items', {
      as: 'admin',
      body: padded({ name: 'Wide too' }, 64 * 1024 + 1),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(over.statusCode, 413);
    assert.match(over.json().error.message, /larger than this route reads: 64 KiB of JSON/);
    assert.equal(over.json().error.details.limitBytes, 64 * 1024);
  });

  test('an anonymous caller is told to log in before the size of its body matters', async () => {
    const r = await api.call('POST', '/api/users', { body: padded({}, 64 * 1024), headers: { 'content-type': 'application/json' } });
    assert.equal(r.statusCode, 401);
  });
});
