// Every route's input, sent wrong in every way its schema can refuse, answers in words: each
// problem names its field and says what to write instead, with no pattern, schema path or
// "must" in what a person reads; the machine detail stays in `details`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

type Schema = Record<string, unknown>;
type Segment = string | number;
/** One wrong input: where the wrong value goes, the value, and the field the answer must name. */
interface Case {
  kind: string;
  at: Segment[];
  value: unknown;
  names: Segment[];
}

/** Text a person reads must not carry any of these: the machine's words for a problem. */
const MACHINE_TEXT: [string, RegExp][] = [
  ['a regular expression', /\^|\$|\\[dSsw]|\{\d+(,\d*)?\}|\(\?!|\[[^\]\s]*-[^\]\s]*\]/],
  ['"must" (Ajv\'s wording)', /\bmust\b/],
  ['a request part as a path', /(^|[\s:/])(body|querystring|params)\//],
  ['a schema path', /#\/|\/properties\/|anyOf|allOf|oneOf|additionalProperties|minLength|maxLength|minItems|maxItems/],
  ['a JavaScript leftover', /undefined|NaN|\[object/],
];

function assertWords(text: string, where: string): void {
  for (const [what, re] of MACHINE_TEXT) assert.doesNotMatch(text, re, `${where}: "${text}" holds ${what}`);
}

const name = (segments: Segment[]) => segments.reduce<string>((n, s) => (typeof s === 'number' ? `${n}[${s}]` : n === '' ? s : `${n}.${s}`), '');

/** The wrong values a schema refuses, each kind it can refuse once; nested objects and lists are walked. */
function casesOf(schema: Schema, at: Segment[], inQuery: boolean): Case[] {
  const out: Case[] = [];
  const add = (kind: string, value: unknown, names = at) => out.push({ kind, at, value, names });
  const branches = (schema.anyOf as Schema[] | undefined)?.filter((b) => b.type !== 'null');
  if (branches) {
    if (branches.every((b) => 'const' in b)) add('choice', 'not-one-of-them');
    else {
      // Type coercion makes null of 0, "" and false where null is allowed: those are not wrong there.
      const orNull = (schema.anyOf as Schema[]).length > branches.length;
      for (const b of branches) out.push(...casesOf(b, at, inQuery).filter((c) => !(orNull && (c.value === 0 || c.value === '' || c.value === false))));
    }
    return out;
  }
  if (Array.isArray(schema.enum)) add('enum', 'not-one-of-them');
  switch (schema.type) {
    case 'integer':
    case 'number':
      add('type', 'abc');
      if (typeof schema.minimum === 'number') add('minimum', schema.minimum - 1);
      if (typeof schema.maximum === 'number') add('maximum', schema.maximum + 1);
      break;
    case 'boolean':
      add('type', 'maybe');
      break;
    case 'string':
      if (!inQuery) add('type', { an: 'object' });
      if (typeof schema.pattern === 'string') add('pattern', schema.pattern === '\\S' ? '   ' : 'x!');
      if (schema.format === 'date') add('format', '2026-02-30');
      if (schema.format === 'date-time') add('format', 'yesterday');
      if (typeof schema.minLength === 'number' && schema.minLength > 0) add('minLength', '');
      if (typeof schema.maxLength === 'number') add('maxLength', 'x'.repeat(schema.maxLength + 1));
      break;
    case 'array': {
      if (!inQuery) add('type', 'not a list');
      if (typeof schema.minItems === 'number' && schema.minItems > 0) add('minItems', []);
      if (typeof schema.maxItems === 'number')
        add(
          'maxItems',
          Array.from({ length: schema.maxItems + 1 }, () => null),
        );
      if (schema.items) out.push(...casesOf(schema.items as Schema, [...at, 0], inQuery));
      break;
    }
    case 'object': {
      if (at.length > 0) add('type', 'not an object');
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      // A required property with a default is filled in, never missing.
      for (const p of (schema.required as string[] | undefined) ?? [])
        if (properties[p]?.default === undefined) out.push({ kind: 'required', at, value: {}, names: [...at, p] });
      if (schema.additionalProperties === false) out.push({ kind: 'additionalProperties', at, value: { notAField: 1 }, names: [...at, 'notAField'] });
      if (typeof schema.minProperties === 'number') add('minProperties', {});
      for (const [p, s] of Object.entries(properties)) out.push(...casesOf(s, [...at, p], inQuery));
      break;
    }
  }
  return out;
}

/** `value` placed at `at` in an otherwise empty input (objects and one-entry lists around it). */
function placed(at: Segment[], value: unknown): unknown {
  if (at.length === 0) return value;
  const [first, ...rest] = at;
  return typeof first === 'number' ? [placed(rest, value)] : { [first as string]: placed(rest, value) };
}

const json = (r: { body: string }) => JSON.parse(r.body) as { error: { code: string; message: string; details: { fields: Record<string, unknown>[] } } };

for (const backend of backends) {
  describe(`the API's validation errors in words on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    test('a stock quantity of "abc" says what to write, naming the field, and keeps the machine detail in details', async () => {
      const r = await api.call('POST', '/api/stock/movements', { as: 'admin', body: { variantId: 1, type: 'receipt', quantity: 'abc' } });
      assert.equal(r.statusCode, 400);
      const { error } = json(r);
      assert.equal(error.code, 'INVALID_INPUT');
      assert.equal(error.message, 'quantity: write a number with up to 3 decimals, such as 12.5 (or -12.5 to take away)');
      assert.deepEqual(error.details.fields, [
        {
          field: 'quantity',
          path: 'body/quantity',
          message: 'write a number with up to 3 decimals, such as 12.5 (or -12.5 to take away)',
          in: 'body',
          rules: [{ keyword: 'pattern', params: { pattern: '^-?\\d{1,9}(\\.\\d{1,3})?$' }, instancePath: '/quantity' }],
        },
      ]);
    });

    test('every route, sent each kind of wrong value its schema refuses, answers 400 naming the field in words', async () => {
      const routes = api.app.routeTable.filter((r) => r.url.startsWith('/api/') && r.schema);
      const kinds = new Set<string>();
      let sent = 0;
      for (const route of routes) {
        const schema = route.schema as Record<string, Schema | undefined>;
        const parts: [string, Schema][] = [];
        for (const part of ['params', 'querystring', 'body'] as const) if (schema[part]) parts.push([part, schema[part]]);
        for (const [part, partSchema] of parts) {
          if (part === 'body' && partSchema.type !== 'object') continue; // a file upload, not JSON
          for (const c of casesOf(partSchema, [], part !== 'body')) {
            if (part !== 'body' && c.kind === 'type' && typeof c.value === 'object') continue;
            let url = route.url.replace(/:(\w+)/g, '1');
            let body: unknown;
            if (part === 'params') {
              if (c.at.length !== 1 || typeof c.value === 'object') continue;
              url = route.url.replace(`:${String(c.at[0])}`, encodeURIComponent(String(c.value))).replace(/:(\w+)/g, '1');
            } else if (part === 'querystring') {
              if (c.at.length > 1 || (c.at.length === 0 && c.kind !== 'additionalProperties' && c.kind !== 'required')) continue;
              const pairs = c.at.length === 1 ? [[String(c.at[0]), String(c.value)]] : Object.entries(c.value as object).map(([k, v]) => [k, String(v)]);
              url += `?${new URLSearchParams(pairs).toString()}`;
            } else body = placed(c.at, c.value);
            if (route.method !== 'GET' && route.method !== 'DELETE' && body === undefined) body = {};
            const r = await api.call(route.method, url, { as: 'admin', ...(body !== undefined ? { body } : {}) });
            sent++;
            const where = `${route.method} ${url} (${part} ${c.kind} at ${name(c.at) || 'the whole'})`;
            assert.equal(r.statusCode, 400, `${where}: ${r.body.slice(0, 300)}`);
            const { error } = json(r);
            assert.equal(error.code, 'INVALID_INPUT', where);
            assertWords(error.message, where);
            const expected = name(c.names) || part;
            assert.ok(error.message.includes(`${expected}: `), `${where}: the message does not name ${expected}: ${error.message}`);
            const fields = error.details.fields;
            for (const f of fields) {
              assert.equal(typeof f.field, 'string', where);
              assert.equal(typeof f.path, 'string', where);
              assert.ok(Array.isArray(f.rules), where);
              assertWords(String(f.message), where);
              assert.ok(String(f.message).length > 8, `${where}: "${String(f.message)}" says too little`);
            }
            assert.ok(
              fields.some((f) => f.field === expected),
              `${where}: no detail names ${expected}: ${JSON.stringify(fields.map((f) => f.field))}`,
            );
            kinds.add(c.kind);
          }
        }
      }
      // Each kind of refusal a schema can make was met at least once.
      for (const k of [
        'type',
        'pattern',
        'format',
        'minimum',
        'maximum',
        'minLength',
        'maxLength',
        'choice',
        'required',
        'additionalProperties',
        'minItems',
        'maxItems',
        'minProperties',
      ])
        assert.ok(kinds.has(k), `no route was sent a wrong value of kind ${k}`);
      assert.ok(sent > 500, `only ${sent} requests`);
    });

    test('a check after the schema (a character no column stores, a number not finite) answers in the same words', async () => {
      const nul = json(await api.call('POST', '/api/items', { as: 'admin', body: { name: 'a\u0000b' } })).error;
      assert.equal(nul.details.fields[0]!.field, 'name');
      assert.match(nul.message, /^name: holds a character that cannot be stored/);
      const infinite = json(await api.call('GET', '/api/items?limit=1e999', { as: 'admin' })).error;
      assert.equal(infinite.details.fields[0]!.field, 'limit');
      assertWords(infinite.message, 'limit=1e999');
    });
  });
}
