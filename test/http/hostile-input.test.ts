// Hostile input against every parameter of every route: the API must answer with a 4xx (or
// accept the value and store it exactly), never a 500, never a database's error text, and
// never let a request change Object.prototype.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

const HOSTILE: unknown[] = [
  "' OR '1'='1' --",
  "'; DROP TABLE public.users; --",
  'Robert"); DELETE FROM items;--',
  '%_\\',
  '\u0000',
  '\uD800',
  'x'.repeat(100_000),
  '\u202Eevil\u202C',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ǅ ﬃ e\u0301',
  '   ',
  '',
  -1,
  0,
  1e308,
  2 ** 53 + 1,
  true,
  null,
  [],
  {},
  ['a', { b: 1 }],
];
const PATH_VALUES = ['0', '-1', '1 OR 1=1', '99999999999999999999', '1e3', '%00', 'abc'];
const DATABASE_TEXT = /syntax error|violates|relation "|column "|duplicate key|SQLSTATE|invalid input syntax|pg_catalog|out of range for type|invalid byte sequence|unterminated/i;

/** A value for a URL: percent-encoded, or (for half a surrogate pair, which has no UTF-8) bytes that are not UTF-8. */
function urlValue(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  minLength?: number;
}

let serial = 0;
/** A valid value for a schema (best effort), so that one hostile property at a time reaches the handler. */
function sample(schema: JsonSchema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf[0]);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((k) => [k, sample(schema.properties?.[k])]));
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    default: {
      serial += 1;
      if (schema.pattern?.includes('@') || schema.format === 'email') return `sample${serial}@example.com`;
      if (schema.format === 'date') return '2026-01-01';
      if (schema.pattern === '^[A-Z]{3}$') return 'INR';
      if (schema.pattern && /\\d|0-9/.test(schema.pattern)) return '1.00';
      return `Sample ${serial} ${'x'.repeat(Math.max(0, (schema.minLength ?? 0) - 10))}`;
    }
  }
}

interface Operation {
  method: string;
  path: string;
  body: string[];
  bodySchema?: JsonSchema;
  query: string[];
}

/** Every operation of the OpenAPI document, with the names of its body properties and query parameters. */
function operations(doc: { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }; parameters?: { in: string; name: string }[] }>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/') || path.startsWith('/api/docs')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const bodySchema = op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
      const body = Object.keys(bodySchema?.properties ?? {});
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      out.push({ method: method.toUpperCase(), path, body, query, ...(bodySchema ? { bodySchema } : {}) });
    }
  }
  return out;
}

for (const backend of backends) {
  describe(`hostile input on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    test('every body property, query parameter and path parameter of every route: no 500, no database text, no prototype pollution', async () => {
      const doc = JSON.parse((await api.call('GET', '/api/docs/json')).body);
      const ops = operations(doc).filter((o) => o.path !== '/api/auth/logout');
      assert.ok(ops.length >= 10);
      const failures: string[] = [];
      const check = async (label: string, method: string, url: string, body?: unknown) => {
        const r = await api.call(method, url, { as: 'admin', ...(body !== undefined ? { body } : {}) });
        if (r.statusCode >= 500) failures.push(`${label}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        if (DATABASE_TEXT.test(r.body)) failures.push(`${label}: database text in ${r.body.slice(0, 200)}`);
        if (r.statusCode < 300 && body && typeof body === 'object' && !Array.isArray(body)) {
          // Accepted: what comes back for a field is what was sent (names may be trimmed of surrounding spaces).
          const sent = body as Record<string, unknown>;
          const got = r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
          for (const [k, v] of Object.entries(sent)) if (typeof v === 'string' && typeof got[k] === 'string' && got[k] !== v && got[k] !== v.trim()) failures.push(`${label}: stored ${JSON.stringify(got[k]).slice(0, 60)} for ${JSON.stringify(v).slice(0, 60)}`);
        }
      };
      for (const op of ops) {
        const url = op.path.replace(/\{\w+\}/g, '1');
        for (const prop of op.body)
          for (const v of HOSTILE) await check(`${op.method} ${op.path} body.${prop}=${JSON.stringify(v)?.slice(0, 30)}`, op.method, url, { ...(sample(op.bodySchema) as object), [prop]: v });
        for (const q of op.query) for (const v of HOSTILE) if (typeof v !== 'object' || v === null) await check(`${op.method} ${op.path} ?${q}`, op.method, `${url}?${q}=${urlValue(String(v))}`);
        if (op.path.includes('{')) for (const p of PATH_VALUES) await check(`${op.method} ${op.path} path=${p}`, op.method, op.path.replace(/\{\w+\}/g, urlValue(p)), op.method === 'GET' || op.method === 'DELETE' ? undefined : {});
        if (op.method !== 'GET' && op.method !== 'DELETE') {
          const r = await api.app.inject({ method: op.method as 'POST', url, headers: { authorization: `Bearer ${api.tokens.admin}`, 'content-type': 'application/json' }, payload: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}' });
          if (r.statusCode >= 500) failures.push(`${op.method} ${op.path} __proto__: ${r.statusCode}`);
        }
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
      assert.deepEqual(failures, []);
    });
  });
}
