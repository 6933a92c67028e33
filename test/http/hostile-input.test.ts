// Hostile input against every parameter of every route: the API must answer with a 4xx (or
// accept the value and store it exactly), never a 500, never a database's error text, and
// never let a request change Object.prototype. A refused write changes no row; an accepted
// one changes only its own rows, and what it stored reads back as sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPassword } from '../../src/app/access/accounts.ts';
import type { Database } from '../../src/db/types.ts';
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
/** Names an object has by inheritance: a lookup that does not stick to own properties finds something for each. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const PATH_VALUES = ['0', '-1', '1 OR 1=1', '99999999999999999999', '1e3', '%00', 'abc', 'Infinity', '1e999', 'NaN', '0x1F', ...PROTOTYPE_NAMES];
/** For a number or integer: what is not a finite number, or not one a column holds. */
const NUMBER_TEXTS = ['Infinity', '-Infinity', 'NaN', '1e999', '-1e999', '1e-999', '9223372036854775808', '-9223372036854775809', '0x10', '1.5', ' 7 '];
/** For a number as JSON: literals a double cannot hold, or that are no number at all once read. */
const NUMBER_LITERALS = ['1e999', '-1e999', '1e-999', '123456789012345678901234567890.5', `1${'0'.repeat(400)}`];
/** For a day or a moment: ones that do not exist, and years PostgreSQL or YYYY cannot hold. */
const DATE_TEXTS = [
  '0000-01-01',
  '0000-12-31T23:59:59Z',
  '-0001-01-01',
  '10000-01-01',
  '2026-02-30',
  '2026-13-01',
  '2026-01-01T25:00:00Z',
  '0001-01-01',
  '9999-12-31',
];
/**
 * Whole bodies of every shape but the object a route wants, and bodies built to make a parser
 * work: nested far too deep, an object of too many members, a string never closed, two
 * documents, a byte-order mark.
 */
const BODY_SHAPES: string[] = [
  '[]',
  '"a string"',
  '42',
  'null',
  'true',
  `{"x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  `{"x": ${'['.repeat(60)}${']'.repeat(60)}}`,
  `{${Array.from({ length: 1001 }, (_, i) => `"k${i}": 1`).join(', ')}}`,
  '{"name": "never closed',
  '{"a": 1}{"b": 2}',
  '\uFEFF{}',
  '',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
];
const DATABASE_TEXT =
  /syntax error|violates|relation "|column "|duplicate key|SQLSTATE|invalid input syntax|pg_catalog|out of range for type|invalid byte sequence|unterminated/i;

/** Runs the tasks, `width` at a time. */
async function inParallel(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

/** True when an error answer is the API's one error shape: `{"error": {"code", "message", "details"}}`. */
function oneErrorShape(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    return (
      Object.keys(parsed).length === 1 &&
      typeof parsed.error?.code === 'string' &&
      typeof parsed.error.message === 'string' &&
      typeof parsed.error.details === 'object'
    );
  } catch {
    return false;
  }
}

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
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
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
  tags: string[];
  body: string[];
  bodySchema?: JsonSchema;
  query: string[];
  querySchemas: Record<string, JsonSchema>;
  /** The query parameters a route requires. */
  required: string[];
}

/** The schemas a value of `schema` may take: itself, or each branch of its union. */
const branches = (schema: JsonSchema | undefined): JsonSchema[] => (schema ? [schema, ...(schema.anyOf ?? [])] : []);

/** Values aimed at what a schema says a field is: numbers for numbers, days for days, and prototype names for any string. */
function aimedAt(schema: JsonSchema | undefined): string[] {
  const kinds = branches(schema);
  const out: string[] = [];
  if (kinds.some((k) => k.type === 'integer' || k.type === 'number')) out.push(...NUMBER_TEXTS);
  if (kinds.some((k) => k.format === 'date' || k.format === 'date-time')) out.push(...DATE_TEXTS);
  if (kinds.some((k) => k.type === 'string')) out.push(...PROTOTYPE_NAMES);
  return out;
}

/** Every operation of the OpenAPI document, with the names of its body properties and query parameters. */
function operations(doc: {
  paths: Record<
    string,
    Record<
      string,
      {
        tags?: string[];
        requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
        parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
      }
    >
  >;
}): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/') || path.startsWith('/api/docs')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const bodySchema = op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
      const body = Object.keys(bodySchema?.properties ?? {});
      const params = (op.parameters ?? []).filter((p) => p.in === 'query');
      const query = params.map((p) => p.name);
      const querySchemas = Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}]));
      const required = params.filter((p) => p.required).map((p) => p.name);
      out.push({ method: method.toUpperCase(), path, tags: op.tags ?? [], body, query, querySchemas, required, ...(bodySchema ? { bodySchema } : {}) });
    }
  }
  return out;
}

/**
 * Strings a write may well accept: SQL and LIKE metacharacters, backslashes, unicode edge cases
 * (combining marks, bidi overrides, emoji joined by ZWJ, characters outside the BMP, zero-width
 * ones), surrounding white space. Each one a route accepts must read back exactly as sent. NUL
 * and half a surrogate pair are here for the other half of the rule: refused, nothing changes.
 */
const STRINGS: string[] = [
  "'; DROP TABLE public.item_master; --",
  "' OR '1'='1",
  'Robert"); DELETE FROM public.suppliers;--',
  '%',
  '_',
  '100%_off\\',
  'C:\\temp\\new \\x41 \\\\ \\0 \\n',
  "E'\\x27' $1 $$dollar$$ :name ?",
  'e\u0301 \u00e9 a\u0308\u0323\u0356',
  '\u202Eevil\u202C.exe \u05E9\u05DC\u05D5\u05DD',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466} \u{1F1EE}\u{1F1F3} \u{1F44D}\u{1F3FD}',
  '\u{1D518}\u{1D52B}\u{1D526} \u01C5 \uFB03 \u0130 \u00DF \u{10FFFF}',
  'zero\u200Bwidth\u200C\u200D\uFEFF\u2060',
  '  padded\t',
  '',
  '   ',
  'line\nbreak\r\n\u2028\u2029',
  '<script>alert(1)</script>',
  '{"json": true}',
  'null',
  '0',
  '-1',
  '\u0000',
  '\uD800',
];

/** The string of `n` characters outside the BMP (two UTF-16 units each): PostgreSQL and the schema must count it as `n`. */
const astral = (n: number) => '\u{1D518}'.repeat(n);

/** The string property of a schema, through a nullable union. */
function stringSchema(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (schema?.type === 'string') return schema;
  return schema?.anyOf?.find((s) => s.type === 'string');
}

/** The ids of one of each kind of thing a write's path names, made for the walk. */
interface Targets {
  itemId: number;
  variantId: number;
  supplierId: number;
  rateId: number;
  userId: number;
  /** A draft order with one line, to the target supplier for the target variant. */
  purchaseOrderId: number;
  lineId: number;
}

/** Makes something through the API as an admin: its answer. */
type Maker = (method: string, url: string, body?: unknown) => Promise<Record<string, any>>;

/** What the walk knows of a write route: where its writes are read back, and which rows it may change. */
interface WriteRoute {
  /** The id in its path. */
  id?: (t: Targets) => number;
  /** The other ids in its path, by name. */
  params?: (t: Targets) => Record<string, number>;
  /** A new thing for each value, for a write that can be made once (a move, a reversal): its id, made before the value is sent. */
  fresh?: (make: Maker, t: Targets) => Promise<number>;
  /** Properties over the schema's sample body, so that the body is accepted but for the hostile one. */
  body?: (t: Targets) => Record<string, unknown>;
  /** The URL that reads back what it wrote (from the path id and its answer), and the thing in what that answers. */
  read: (id: number, answer: Record<string, any>) => string;
  pick?: (read: Record<string, any>, answer: Record<string, any>) => Record<string, unknown> | undefined;
  /** The rows it may change ("table (key)"); tables in `masters` may gain rows (names made on first use). */
  rows: (id: number, answer: Record<string, any>) => string[];
  masters?: string[];
  /** Tables derived from the row (an item's words in item_search_word): their rows of its id, the last of their key. */
  derived?: string[];
  /** Properties it documents as stored trimmed of surrounding white space. */
  trimmed?: string[];
  /** Of those, the ones it documents as none (null) when nothing is left: a variant's code and barcode. */
  blankIsNone?: string[];
  /** Properties answered under another name. */
  renamed?: Record<string, string>;
  /** Properties never answered (a password), each checked instead by what it lets one do: an error or null. */
  unreadable?: Record<string, (db: Database, stored: Record<string, any>, sent: string) => Promise<string | null>>;
}

/** A password is stored as a hash: what was sent must log its user in. */
const passwordWorks = async (db: Database, stored: Record<string, any>, sent: string) =>
  (await checkPassword(db, stored.email as string, sent)).ok ? null : 'does not log in';

/** The write routes with a body, of the areas walked (WALKED_TAGS): a new route there must be added here. */
const WRITES: Record<string, WriteRoute> = {
  'PATCH /api/items/{id}': {
    id: (t) => t.itemId,
    read: (id) => `/api/items/${id}`,
    rows: (id) => [`item_master (${id})`],
    masters: ['model_master', 'variation_master', 'search_vocabulary'],
    derived: ['item_search_word'],
    trimmed: ['model', 'variation'],
  },
  'POST /api/items': {
    read: (_, a) => `/api/items/${a.itemId}`,
    rows: (_, a) => [`item_master (${a.itemId})`],
    masters: ['model_master', 'variation_master', 'search_vocabulary'],
    derived: ['item_search_word'],
    trimmed: ['model', 'variation'],
  },
  'PATCH /api/variants/{id}': {
    id: (t) => t.variantId,
    read: (id) => `/api/variants/${id}`,
    rows: (id) => [`item_variant (${id})`],
    masters: ['color_master', 'size_master'],
    trimmed: ['color', 'size', 'code', 'barcode'],
    blankIsNone: ['code', 'barcode'],
  },
  'POST /api/items/{id}/variants': {
    id: (t) => t.itemId,
    read: (_, a) => `/api/variants/${a.variantId}`,
    rows: (_, a) => [`item_variant (${a.variantId})`],
    masters: ['color_master', 'size_master'],
    trimmed: ['color', 'size', 'code', 'barcode'],
    blankIsNone: ['code', 'barcode'],
  },
  'POST /api/stock/movements': {
    body: (t) => ({ variantId: t.variantId, type: 'adjustment', quantity: '1', reason: 'counted' }),
    read: (_, a) => `/api/variants/${a.entry.variantId}/ledger?limit=1`,
    pick: (read, a) => (read.entries as { id: number }[]).find((e) => e.id === a.entry.id),
    rows: (_, a) => [`item_variant (${a.entry.variantId})`, `inventory_transactions (${a.entry.id})`],
    trimmed: ['reason'],
    renamed: { reason: 'notes' },
  },
  'PATCH /api/suppliers/{id}': { id: (t) => t.supplierId, read: (id) => `/api/suppliers/${id}`, rows: (id) => [`suppliers (${id})`] },
  'POST /api/suppliers': { read: (_, a) => `/api/suppliers/${a.supplierId}`, rows: (_, a) => [`suppliers (${a.supplierId})`] },
  'PATCH /api/rates/{id}': { id: (t) => t.rateId, read: (id) => `/api/rates/${id}`, rows: (id) => [`variant_supplier_pricing (${id})`] },
  // Inactive, so that one rate after another is no overlap.
  'POST /api/rates': {
    body: (t) => ({ supplierId: t.supplierId, variantId: t.variantId, isActive: false }),
    read: (_, a) => `/api/rates/${a.rateId}`,
    rows: (_, a) => [`variant_supplier_pricing (${a.rateId})`],
  },
};
let walkUsers = 0;
Object.assign(WRITES, {
  // A new address for each, so that one accepted name does not make the next a conflict.
  'POST /api/users': {
    body: () => ({ email: `walk${++walkUsers}@example.com`, role: 'viewer' }),
    read: (_, a) => `/api/users/${a.userId}`,
    rows: (_, a) => [`users (${a.userId})`],
    unreadable: { password: passwordWorks },
  },
  'PATCH /api/users/{id}': { id: (t) => t.userId, read: (id) => `/api/users/${id}`, rows: (id) => [`users (${id})`], unreadable: { password: passwordWorks } },
} satisfies Record<string, WriteRoute>);
/** A purchase order to the target supplier for one unit of the target variant, sent or not: its answer. */
const order = (make: Maker, t: Targets, send: boolean) =>
  make('POST', '/api/purchase-orders', { supplierId: t.supplierId, lines: [{ variantId: t.variantId, quantity: '2' }] }).then(async (o) =>
    send ? make('POST', `/api/purchase-orders/${o.purchaseOrderId}/send`) : o,
  );
/** What a receipt may write: itself, its lines, ledger rows and its variants' stock. */
const receiptRows = (a: Record<string, any>) => [
  `goods_receipts (${a.receiptId})`,
  ...(a.lines as { receiptLineId: number; variantId: number }[]).flatMap((l) => [`goods_receipt_lines (${l.receiptLineId})`, `item_variant (${l.variantId})`]),
];
Object.assign(WRITES, {
  'POST /api/purchase-orders': {
    body: (t) => ({ supplierId: t.supplierId }),
    read: (_, a) => `/api/purchase-orders/${a.purchaseOrderId}`,
    rows: (_, a) => [`purchase_orders (${a.purchaseOrderId})`],
  },
  'PATCH /api/purchase-orders/{id}': {
    id: (t) => t.purchaseOrderId,
    read: (id) => `/api/purchase-orders/${id}`,
    rows: (id) => [`purchase_orders (${id})`],
  },
  'POST /api/purchase-orders/{id}/lines': {
    id: (t) => t.purchaseOrderId,
    body: (t) => ({ variantId: t.variantId, quantity: '1' }),
    read: (id) => `/api/purchase-orders/${id}`,
    pick: (read, a) => (read.lines as { lineId: number }[]).find((l) => l.lineId === a.line.lineId),
    rows: (id, a) => [`purchase_order_lines (${a.line.lineId})`, `purchase_orders (${id})`],
  },
  'PATCH /api/purchase-orders/{id}/lines/{lineId}': {
    id: (t) => t.purchaseOrderId,
    params: (t) => ({ lineId: t.lineId }),
    read: (id) => `/api/purchase-orders/${id}`,
    pick: (read, a) => (read.lines as { lineId: number }[]).find((l) => l.lineId === a.line.lineId),
    rows: (id, a) => [`purchase_order_lines (${a.line.lineId})`, `purchase_orders (${id})`],
  },
  'POST /api/purchase-orders/{id}/cancel': {
    fresh: async (make, t) => (await order(make, t, false)).purchaseOrderId,
    read: (id) => `/api/purchase-orders/${id}`,
    rows: (id) => [`purchase_orders (${id})`],
    renamed: { reason: 'statusReason' },
    trimmed: ['reason'],
  },
  'POST /api/purchase-orders/{id}/close_short': {
    fresh: async (make, t) => {
      const o = await order(make, t, true);
      await make('POST', '/api/goods-receipts', { purchaseOrderId: o.purchaseOrderId, lines: [{ poLineId: o.lines[0].lineId, quantity: '1' }] });
      return o.purchaseOrderId;
    },
    read: (id) => `/api/purchase-orders/${id}`,
    rows: (id) => [`purchase_orders (${id})`],
    renamed: { reason: 'statusReason' },
    trimmed: ['reason'],
  },
  // A receipt on its own: no order to lock or move.
  'POST /api/goods-receipts': {
    body: (t) => ({ supplierId: t.supplierId, lines: [{ variantId: t.variantId, quantity: '1', unitCost: '2.5' }] }),
    read: (_, a) => `/api/goods-receipts/${a.receiptId}`,
    rows: (_, a) => receiptRows(a),
    masters: ['inventory_transactions'],
  },
  'POST /api/goods-receipts/{id}/reverse': {
    trimmed: ['reason'],
    fresh: async (make, t) =>
      (await make('POST', '/api/goods-receipts', { supplierId: t.supplierId, lines: [{ variantId: t.variantId, quantity: '1', unitCost: '3' }] })).receiptId,
    read: (_, a) => `/api/goods-receipts/${a.receiptId}`,
    rows: (_, a) => receiptRows(a),
    masters: ['inventory_transactions'],
  },
  // A charge that came later, on a receipt of its own: the charge and its shares are new rows, the variant's value moves.
  'POST /api/goods-receipts/{id}/charges': {
    body: () => ({ kind: 'freight', amount: '1', spread: 'quantity' }),
    trimmed: ['description', 'billNumber'],
    blankIsNone: ['description', 'billNumber'],
    fresh: async (make, t) =>
      (await make('POST', '/api/goods-receipts', { supplierId: t.supplierId, lines: [{ variantId: t.variantId, quantity: '1', unitCost: '3' }] })).receiptId,
    read: (_, a) => `/api/goods-receipts/${a.receiptId}`,
    pick: (read) => (read.charges as Record<string, unknown>[]).at(-1),
    rows: (_, a) => (a.lines as { variantId: number }[]).map((l) => `item_variant (${l.variantId})`),
    masters: ['inventory_transactions', 'goods_receipt_charges', 'goods_receipt_charge_lines'],
  },
  // Its body holds only lists of ids (no text to read back); the first test walks their shapes.
  'POST /api/purchasing/suggestions/orders': {
    read: (_, a) => `/api/purchase-orders/${a.purchaseOrders[0].purchaseOrderId}`,
    rows: (_, a) => (a.purchaseOrders as { purchaseOrderId: number }[]).map((o) => `purchase_orders (${o.purchaseOrderId})`),
    masters: ['purchase_order_lines'],
  },
} satisfies Record<string, WriteRoute>);
const WALKED_TAGS = ['items', 'variants', 'stock', 'suppliers', 'users', 'purchasing'];

/**
 * Tables kept by triggers from the rows of others (migrations 0027–0029): a write changes them
 * as it changes their source rows, which are watched; test/app/kept-summaries.test.ts proves
 * each equal to its source.
 */
const KEPT_SUMMARIES = ['ledger_variant_totals', 'ledger_value_totals', 'production_lot_search', 'lot_status_days'];

const ROW_TABLES_SQL = `
SELECT c.relname AS name,
  (SELECT string_agg('$1.' || quote_ident(a.attname), ', ' ORDER BY k.ord)
     FROM pg_catalog.pg_index i
     CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = c.oid AND i.indisprimary) AS key
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'mtc\\_%'
  AND c.relname NOT IN ('api_tokens', 'user_sessions')
  AND c.relname NOT IN (${KEPT_SUMMARIES.map((t) => `'${t}'`).join(', ')})`;

/** What changed since the last look: rows added, removed or written again, audit_events aside, and how many audit events were added. */
interface Changes {
  changed: { key: string; added: boolean }[];
  audits: number;
}

/**
 * A watcher of every row of the database: what a request changed is what its committed
 * transactions wrote, each row by "table (key)" (a row without a key by a hash of it). A
 * trigger on every table in `public` notes each row written, written again or deleted in a
 * log of its own schema (so that a write rolled back leaves no note): a look reads the notes
 * since the last one, where reading every row of every table took longer than most requests.
 * The tables authentication writes on any request (a token's last use, a session's last
 * sight) are left out; of the audit trail, which only grows, the rows added are counted.
 */
async function changeWatcher(db: Database): Promise<() => Promise<Changes>> {
  const tables = (await db.query<{ name: string; key: string | null }>(ROW_TABLES_SQL)).rows;
  await db.exec(`
    CREATE SCHEMA test_watch;
    CREATE TABLE test_watch.notes (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL, key text NOT NULL);
    CREATE FUNCTION test_watch.note() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      key_of text := 'SELECT ' || CASE WHEN TG_NARGS > 0 THEN 'ROW(' || TG_ARGV[0] || ')::text' ELSE 'md5($1::text)' END;
      new_key text;
      old_key text;
    BEGIN
      IF TG_OP <> 'DELETE' THEN EXECUTE key_of INTO new_key USING NEW; END IF;
      IF TG_OP <> 'INSERT' THEN EXECUTE key_of INTO old_key USING OLD; END IF;
      IF new_key IS NOT NULL THEN INSERT INTO test_watch.notes (tbl, op, key) VALUES (TG_TABLE_NAME, TG_OP, TG_TABLE_NAME || ' ' || new_key); END IF;
      -- deleted, or its key changed: the old one went
      IF old_key IS NOT NULL AND old_key IS DISTINCT FROM new_key THEN INSERT INTO test_watch.notes (tbl, op, key) VALUES (TG_TABLE_NAME, 'DELETE', TG_TABLE_NAME || ' ' || old_key); END IF;
      RETURN NULL;
    END $$;
    ${tables.map((t) => `CREATE TRIGGER test_watch AFTER INSERT OR UPDATE OR DELETE ON public."${t.name}" FOR EACH ROW EXECUTE FUNCTION test_watch.note(${t.key ? `'${t.key}'` : ''});`).join('\n')}`);
  let last = 0;
  return async () => {
    const notes = (
      await db.query<{ seq: string; tbl: string; op: string; key: string }>(
        'SELECT id::text AS seq, tbl, op, key FROM test_watch.notes WHERE id > $1 ORDER BY id',
        [last],
      )
    ).rows;
    const changed = new Map<string, { key: string; added: boolean }>();
    let audits = 0;
    for (const n of notes) {
      last = Math.max(last, Number(n.seq));
      if (n.tbl === 'audit_events') audits += n.op === 'INSERT' ? 1 : 0;
      else changed.set(n.key, { key: n.key, added: changed.get(n.key)?.added ?? n.op === 'INSERT' });
    }
    return { changed: [...changed.values()], audits };
  };
}

/** A decimal the route documents as such ("decimal string, e.g. ..."): answered at the column's scale, so compared as a number. */
const isDecimal = (schema: JsonSchema | undefined) => /^decimal/.test(stringSchema(schema)?.description ?? '');

for (const backend of backends) {
  describe(`hostile input on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    test('every body property, query parameter and path parameter of every route, and every shape of body: no 500, no database text, one error shape, no prototype pollution', async () => {
      const doc = JSON.parse((await api.call('GET', '/api/docs/json')).body);
      const ops = operations(doc).filter((o) => o.path !== '/api/auth/logout');
      assert.ok(ops.length >= 10);
      const failures: string[] = [];
      const admin = { authorization: `Bearer ${api.tokens.admin}` };
      /** Sends one request; a body given as text goes as it is (for JSON no object can hold). */
      const check = async (label: string, method: string, url: string, body?: unknown) => {
        const r =
          typeof body === 'string'
            ? await api.app.inject({ method: method as 'POST', url, headers: { ...admin, 'content-type': 'application/json' }, payload: body })
            : await api.call(method, url, { as: 'admin', ...(body !== undefined ? { body } : {}) });
        if (r.statusCode >= 500) failures.push(`${label}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        if (DATABASE_TEXT.test(r.body)) failures.push(`${label}: database text in ${r.body.slice(0, 200)}`);
        if (r.statusCode >= 400 && !oneErrorShape(r.body)) failures.push(`${label}: ${r.statusCode} not in the error shape: ${r.body.slice(0, 200)}`);
        if (r.statusCode < 300 && body && typeof body === 'object' && !Array.isArray(body)) {
          // Accepted: what comes back for a field is what was sent (names may be trimmed of surrounding spaces).
          const sent = body as Record<string, unknown>;
          const got = r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
          for (const [k, v] of Object.entries(sent))
            if (typeof v === 'string' && typeof got[k] === 'string' && got[k] !== v && got[k] !== v.trim())
              failures.push(`${label}: stored ${JSON.stringify(got[k]).slice(0, 60)} for ${JSON.stringify(v).slice(0, 60)}`);
        }
      };
      const requests: (() => Promise<void>)[] = [];
      for (const op of ops) {
        const url = op.path.replace(/\{\w+\}/g, '1');
        const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
        for (const prop of op.body) {
          const base = sample(op.bodySchema) as Record<string, unknown>;
          const schema = op.bodySchema?.properties?.[prop];
          for (const v of [...HOSTILE, ...aimedAt(schema)])
            requests.push(() => check(`${op.method} ${op.path} body.${prop}=${JSON.stringify(v)?.slice(0, 30)}`, op.method, url, { ...base, [prop]: v }));
          // numbers as JSON literals, which no JavaScript value can stand for in a test's object
          for (const literal of NUMBER_LITERALS) {
            const text = JSON.stringify({ ...base, [prop]: '\u0000literal' }).replace('"\\u0000literal"', literal);
            requests.push(() => check(`${op.method} ${op.path} body.${prop}=${literal.slice(0, 30)}`, op.method, url, text));
          }
        }
        for (const q of op.query) {
          for (const v of [...HOSTILE, ...aimedAt(op.querySchemas[q])]) {
            if (typeof v === 'object' && v !== null) continue;
            // the other query parameters a route needs, so that the hostile one is what it reads
            const rest = op.required
              .filter((name) => name !== q)
              .map((name) => `&${name}=${urlValue(String(sample(op.querySchemas[name])))}`)
              .join('');
            requests.push(() => check(`${op.method} ${op.path} ?${q}=${String(v).slice(0, 30)}`, op.method, `${url}?${q}=${urlValue(String(v))}${rest}`));
          }
        }
        if (op.path.includes('{'))
          for (const p of PATH_VALUES)
            requests.push(() => check(`${op.method} ${op.path} path=${p}`, op.method, op.path.replace(/\{\w+\}/g, urlValue(p)), hasBody ? {} : undefined));
        if (hasBody)
          for (const shape of BODY_SHAPES)
            requests.push(() => check(`${op.method} ${op.path} body ${JSON.stringify(shape.slice(0, 40))}`, op.method, url, shape));
      }
      // Eight at a time: the walk is thousands of requests, each independent of the others.
      await inParallel(requests, 8);

      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
      assert.deepEqual(failures, []);
    });

    test('a hostile string a write accepts reads back exactly as sent (or as the route documents it trims); a refused write changes no row; an accepted one only its own', async () => {
      const doc = JSON.parse((await api.call('GET', '/api/docs/json')).body);
      const writes = operations(doc).filter((o) => o.body.length > 0 && o.tags.some((t) => WALKED_TAGS.includes(t)));
      assert.deepEqual(
        writes.map((o) => `${o.method} ${o.path}`).filter((k) => !WRITES[k]),
        [],
        'every write route of the walked areas is in WRITES',
      );
      const made = async (method: string, url: string, body: unknown) => {
        const r = await api.call(method, url, { as: 'admin', body });
        assert.ok(r.statusCode < 300, r.body);
        return JSON.parse(r.body) as Record<string, any>;
      };
      const item = await made('POST', '/api/items', { name: 'Walk target' });
      const variant = await made('POST', `/api/items/${item.itemId}/variants`, { color: 'Walk colour', size: 'Walk size' });
      await made('POST', '/api/stock/movements', { variantId: variant.variantId, type: 'opening', quantity: '1000' });
      const supplier = await made('POST', '/api/suppliers', { firmName: 'Walk target' });
      const rate = await made('POST', '/api/rates', {
        supplierId: supplier.supplierId,
        variantId: variant.variantId,
        costPerUnit: '1.00',
        currency: 'INR',
        effectiveFrom: '2020-01-01',
      });
      const user = await made('POST', '/api/users', {
        name: 'Walk target',
        email: 'walk-target@example.com',
        role: 'viewer',
        password: 'walk target password',
      });
      const draft = await made('POST', '/api/purchase-orders', { supplierId: supplier.supplierId, lines: [{ variantId: variant.variantId, quantity: '5' }] });
      const targets: Targets = {
        itemId: item.itemId,
        variantId: variant.variantId,
        supplierId: supplier.supplierId,
        rateId: rate.rateId,
        userId: user.userId,
        purchaseOrderId: draft.purchaseOrderId,
        lineId: draft.lines[0].lineId,
      };
      const make: Maker = (method, url, body) => made(method, url, body);

      const changes = await changeWatcher(api.db);
      const failures: string[] = [];
      let accepted = 0;
      // Changes first, then creations: a name a creation takes is then not yet taken when a change tries it.
      for (const op of writes.sort((a, b) => (a.method === 'PATCH' ? 0 : 1) - (b.method === 'PATCH' ? 0 : 1))) {
        const route = WRITES[`${op.method} ${op.path}`]!;
        const fixedId = route.id?.(targets) ?? 0;
        const pathOf = (id: number) =>
          Object.entries(route.params?.(targets) ?? {}).reduce((u, [name, v]) => u.replace(`{${name}}`, String(v)), op.path.replace('{id}', String(id)));
        // Ids, flags and choices refuse any such string before a handler runs; the first test has them.
        const text = (p: string) => stringSchema(op.bodySchema?.properties?.[p]);
        for (const prop of op.body.filter((p) => text(p) && text(p)!.const === undefined && text(p)!.enum === undefined)) {
          const schema = text(prop)!;
          const max = schema.maxLength;
          // The longest value allowed, in characters that take two UTF-16 units each, and one more.
          const longest = max === undefined ? undefined : astral(max);
          const values = max === undefined ? STRINGS : [...STRINGS, astral(max), astral(max + 1)];
          for (const value of values) {
            const body = { ...(op.method === 'PATCH' ? {} : (sample(op.bodySchema) as object)), ...route.body?.(targets), [prop]: value };
            const label = `${op.method} ${op.path} ${prop}=${JSON.stringify(value).slice(0, 40)}`;
            let id = fixedId;
            if (route.fresh) {
              id = await route.fresh(make, targets);
              await changes(); // what making it wrote is not the write's
            }
            const url = pathOf(id);
            const r = await api.call(op.method, url, { as: 'admin', body });
            const { changed, audits } = await changes();
            if (r.statusCode >= 300) {
              if (r.statusCode >= 500) failures.push(`${label}: ${r.statusCode}`);
              if (changed.length > 0 || audits !== 0)
                failures.push(
                  `${label}: refused (${r.statusCode}) yet changed ${changed.map((c) => c.key).join(', ')}${audits ? ` and ${audits} audit events` : ''}`,
                );
              if (value === longest && r.statusCode === 400 && !schema.format && [undefined, '\\S'].includes(schema.pattern))
                failures.push(`${label}: refused ${max} characters, which the field allows`);
              continue;
            }
            accepted += 1;
            const answer = JSON.parse(r.body) as Record<string, any>;
            const allowed = new Set(route.rows(id, answer));
            const owner = answer.itemId ?? id;
            const derived = (key: string) => route.derived?.includes(key.split(' ')[0]!) === true && key.endsWith(`,${owner})`);
            const stray = changed.filter((c) => !allowed.has(c.key) && !(c.added && route.masters?.includes(c.key.split(' ')[0]!)) && !derived(c.key));
            if (stray.length > 0) failures.push(`${label}: changed rows it does not own: ${stray.map((c) => c.key).join(', ')}`);
            if (audits !== 1) failures.push(`${label}: ${audits} audit events`);
            const read = await api.call('GET', route.read(id, answer), { as: 'admin' });
            const stored = route.pick ? route.pick(JSON.parse(read.body), answer) : (JSON.parse(read.body) as Record<string, unknown>);
            if (!stored) {
              failures.push(`${label}: not found at ${route.read(id, answer)}`);
              continue;
            }
            for (const [k, sent] of Object.entries(body)) {
              if (typeof sent !== 'string') continue;
              const unreadable = route.unreadable?.[k];
              if (unreadable) {
                const wrong = await unreadable(api.db, stored, sent);
                if (wrong) failures.push(`${label}: ${k} ${wrong}`);
                continue;
              }
              const got = stored[route.renamed?.[k] ?? k];
              const trimmed = route.trimmed?.includes(k) ? sent.trim() : sent;
              const want = trimmed === '' && route.blankIsNone?.includes(k) ? null : trimmed;
              const same = isDecimal(op.bodySchema?.properties?.[k]) ? typeof got === 'string' && Number(got) === Number(want) : got === want;
              if (!same) failures.push(`${label}: ${k} reads back ${JSON.stringify(got)?.slice(0, 60)} for ${JSON.stringify(sent).slice(0, 60)}`);
            }
          }
        }
      }
      assert.deepEqual(failures, []);
      assert.ok(accepted > 100, `only ${accepted} hostile values were accepted: the walk proves little`);
    });
  });
}
