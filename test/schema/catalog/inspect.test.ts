import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connectLean } from '../../../src/db/lean.ts';
import type { Database } from '../../../src/db/types.ts';
import { INSPECT_QUERY_COUNT, inspect } from '../../../src/schema/catalog/inspect.ts';
import type { SchemaModel, TableModel } from '../../../src/schema/catalog/model.ts';
import { CREATE_LEDGER_SQL } from '../../../src/schema/migrations/ledger.ts';
import { type Backend, type TestDatabase, backends, postgresBackend } from '../../helpers/backends.ts';
import { counting } from '../../helpers/counting.ts';

const ZOO = readFileSync(new URL('../../fixtures/catalog/zoo.sql', import.meta.url), 'utf8');

/** Opens a fresh database on `backend`, runs `fn`, and drops it. */
async function withDatabase<T>(backend: Backend, fn: (db: Database, t: TestDatabase) => Promise<T>): Promise<T> {
  const t = await backend.create();
  const db = await t.open();
  try {
    return await fn(db, t);
  } finally {
    await db.close();
    await t.drop();
  }
}

function tableOf(model: SchemaModel, schema: string, name: string): TableModel {
  const t = model.tables.find((x) => x.schema === schema && x.name === name);
  assert.ok(t, `table ${schema}.${name} is in the model`);
  return t;
}

const zooModels = new Map<string, SchemaModel>();

before(async () => {
  for (const backend of backends) {
    if (backend.skip) continue;
    zooModels.set(
      backend.name,
      await withDatabase(backend, async (db) => {
        await db.exec(ZOO);
        return inspect(db);
      }),
    );
  }
});

describe('inspect: one model across PostgreSQL versions', () => {
  test('the zoo gives a deep-equal model on PGlite (PostgreSQL 18) and on the server (PostgreSQL 15)', { skip: postgresBackend.skip }, () => {
    assert.deepEqual(zooModels.get('postgres'), zooModels.get('pglite'));
  });
});

for (const backend of backends) {
  describe(`inspect on ${backend.name}`, { skip: backend.skip }, () => {
    const zoo = () => zooModels.get(backend.name) as SchemaModel;

    test('lists user schemas, enums in sort order, and sequences with their owners', () => {
      const m = zoo();
      assert.deepEqual(m.schemas, ['inventory', 'public']);
      assert.deepEqual(m.enums, [{ schema: 'inventory', name: 'lot_status', values: ['planned', 'in_progress', 'scrapped', 'done'] }]);
      const seq = (name: string) => m.sequences.find((s) => s.name === name);
      assert.deepEqual(seq('invoice_no'), {
        schema: 'inventory',
        name: 'invoice_no',
        type: 'integer',
        start: '1000',
        increment: '5',
        min: '1000',
        max: '999999',
        cycle: true,
        ownedBy: null,
      });
      assert.deepEqual(seq('ticket_no')?.ownedBy, { table: 'customers', column: 'ticket' });
      assert.deepEqual(seq('customers_id_seq')?.ownedBy, { table: 'customers', column: 'id' });
      assert.deepEqual(seq('orders_id_seq'), {
        schema: 'inventory',
        name: 'orders_id_seq',
        type: 'bigint',
        start: '10',
        increment: '10',
        min: '1',
        max: '9223372036854775807',
        cycle: false,
        ownedBy: { table: 'orders', column: 'id' },
      });
      assert.deepEqual(m.extensions, []);
    });

    test('reads columns: types, defaults, identity, generated, positions after a dropped column', () => {
      const items = tableOf(zoo(), 'inventory', 'items');
      const col = (name: string) => items.columns.find((c) => c.name === name);
      assert.deepEqual(col('id'), { name: 'id', position: 1, type: 'integer', notNull: true, default: null, identity: 'always', generated: null });
      assert.equal(col('unit_price')?.type, 'numeric(12,2)');
      assert.equal(col('total')?.generated, '(unit_price * (qty)::numeric)');
      assert.equal(col('status')?.default, "'planned'::inventory.lot_status");
      assert.equal(col('invoice')?.default, "nextval('inventory.invoice_no'::regclass)");
      assert.deepEqual(col('weights'), {
        name: 'weights',
        position: 10,
        type: 'real[]',
        notNull: false,
        default: 'ARRAY[(1.5)::real, (2)::real]',
        identity: null,
        generated: null,
      });
      assert.deepEqual(
        items.columns.map((c) => c.position),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      const orders = tableOf(zoo(), 'inventory', 'orders');
      assert.equal(orders.columns[0]?.identity, 'by default');
      const customers = tableOf(zoo(), 'public', 'customers');
      assert.equal(customers.columns.find((c) => c.name === 'email')?.type, 'character varying(120)');
      assert.equal(customers.columns.find((c) => c.name === 'created_at')?.type, 'timestamp with time zone');
      assert.equal(customers.columns.find((c) => c.name === 'tags')?.type, 'text[]');
    });

    test('reads constraints without NOT NULL ones: FK actions, deferrable, NOT VALID, exclude', () => {
      const orders = tableOf(zoo(), 'inventory', 'orders');
      assert.deepEqual(
        orders.constraints.map((c) => c.name),
        ['orders_customer_id_fkey', 'orders_item_fk', 'orders_item_fk_again', 'orders_note_length', 'orders_pkey', 'orders_status_known'],
      );
      const fk = orders.constraints.find((c) => c.name === 'orders_customer_id_fkey');
      assert.deepEqual(fk?.references, { schema: 'public', table: 'customers', columns: ['id'], onUpdate: 'CASCADE', onDelete: 'SET NULL', match: 'SIMPLE' });
      const deferred = orders.constraints.find((c) => c.name === 'orders_item_fk');
      assert.equal(deferred?.deferrable, true);
      assert.equal(deferred?.initiallyDeferred, true);
      const notValid = orders.constraints.find((c) => c.name === 'orders_note_length');
      assert.equal(notValid?.validated, false);
      assert.equal(notValid?.definition, 'CHECK ((length(note) < 500)) NOT VALID');
      const exclude = tableOf(zoo(), 'public', 'bookings').constraints.find((c) => c.kind === 'exclude');
      assert.equal(exclude?.definition, 'EXCLUDE USING gist (during WITH &&)');
    });

    test('reads indexes: keys, expressions, predicates, methods, the constraint behind them', () => {
      const customers = tableOf(zoo(), 'public', 'customers');
      const idx = (name: string) => customers.indexes.find((i) => i.name === name);
      assert.equal(idx('customers_live')?.predicate, 'deleted_at IS NULL');
      assert.deepEqual(idx('customers_lower_email')?.keys, ['lower(email::text)']);
      assert.equal(idx('customers_lower_email')?.unique, true);
      assert.equal(idx('customers_email_hash')?.method, 'hash');
      assert.equal(idx('customers_pkey')?.constraint, 'customers_pkey');
      assert.equal(idx('customers_live')?.constraint, null);
      const items = tableOf(zoo(), 'inventory', 'items');
      assert.equal(items.indexes.find((i) => i.name === 'items_attrs')?.method, 'gin');
      assert.deepEqual(items.indexes.find((i) => i.name === 'items_sku_include')?.keys, ['sku']);
    });

    test('reads triggers with their WHEN clause and enabled state, functions and views', () => {
      const m = zoo();
      const items = tableOf(m, 'inventory', 'items');
      assert.deepEqual(items.triggers, [
        {
          name: 'items_touch',
          definition:
            'CREATE TRIGGER items_touch BEFORE UPDATE ON inventory.items FOR EACH ROW WHEN (((old.qty IS DISTINCT FROM new.qty) OR (old.status <> new.status))) EXECUTE FUNCTION inventory.touch()',
          enabled: true,
        },
      ]);
      assert.equal(tableOf(m, 'inventory', 'orders').triggers[0]?.enabled, false);
      const tax = m.functions.find((f) => f.name === 'price_with_tax');
      assert.equal(tax?.arguments, 'p_price numeric, p_rate numeric');
      assert.equal(tax?.volatility, 'immutable');
      assert.match(tax?.definition ?? '', /^CREATE OR REPLACE FUNCTION inventory\.price_with_tax\(p_price numeric, p_rate numeric DEFAULT 0\.2\)/);
      assert.equal(m.functions.find((f) => f.name === 'restock')?.kind, 'procedure');
      assert.equal(m.functions.find((f) => f.name === 'live_customers')?.returns, 'SETOF public.customers');
      const view = m.views.find((v) => v.name === 'live_customer_emails');
      assert.equal(view?.materialized, false);
      assert.match(view?.definition ?? '', /^SELECT id,\n/);
      assert.equal(m.views.find((v) => v.name === 'item_totals')?.materialized, true);
    });

    test('sorts every list by schema and name, columns by position', () => {
      const m = zoo();
      const key = (x: { schema: string; name: string }) => `${x.schema}\u0000${x.name}`;
      for (const list of [m.tables, m.views, m.sequences, m.enums, m.functions]) {
        const keys = list.map(key);
        assert.deepEqual(keys, [...keys].sort());
      }
      for (const t of m.tables) {
        for (const list of [t.constraints, t.indexes, t.triggers]) {
          const names = list.map((x) => x.name);
          assert.deepEqual(names, [...names].sort());
        }
      }
    });

    test('shows duplicate foreign keys and indexes as two entries with one definition or shape', () => {
      const orders = tableOf(zoo(), 'inventory', 'orders');
      const [a, b] = ['orders_item_fk', 'orders_item_fk_again'].map((n) => orders.constraints.find((c) => c.name === n));
      assert.ok(a && b);
      assert.equal(a.definition, b.definition);
      assert.deepEqual(a.references, b.references);
      const [x, y] = ['orders_customer_time', 'orders_customer_time_again'].map((n) => orders.indexes.find((i) => i.name === n));
      assert.ok(x && y);
      assert.notEqual(x.definition, y.definition);
      assert.equal(x.shape, y.shape);
      assert.equal(x.shape, 'CREATE INDEX ON inventory.orders USING btree (customer_id, ordered_at DESC)');
    });

    test('sends the same fixed number of statements for 3 tables and for 60', async () => {
      const countFor = (tables: number) =>
        withDatabase(backend, async (db) => {
          const ddl = Array.from({ length: tables }, (_, i) => `CREATE TABLE public.t${i} (id serial PRIMARY KEY, v text UNIQUE, CHECK (v <> ''));`);
          await db.exec(ddl.join('\n'));
          const c = counting(db);
          const m = await inspect(c.q);
          assert.equal(m.tables.length, tables);
          return c.count();
        });
      const small = await countFor(3);
      const large = await countFor(60);
      assert.equal(small, INSPECT_QUERY_COUNT);
      assert.equal(large, small);
    });

    test('leaves out the ledger, system schemas and objects that belong to an extension', async () => {
      await withDatabase(backend, async (db) => {
        await db.exec(CREATE_LEDGER_SQL);
        await db.exec(`
          CREATE TABLE public.kept (id int PRIMARY KEY);
          CREATE TABLE public.owned_by_ext (id serial PRIMARY KEY);
          CREATE FUNCTION public.owned_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
          CREATE TYPE public.owned_enum AS ENUM ('a');
          CREATE VIEW public.owned_view AS SELECT 1 AS one;
          ALTER EXTENSION plpgsql ADD TABLE public.owned_by_ext;
          ALTER EXTENSION plpgsql ADD SEQUENCE public.owned_by_ext_id_seq;
          ALTER EXTENSION plpgsql ADD FUNCTION public.owned_fn();
          ALTER EXTENSION plpgsql ADD TYPE public.owned_enum;
          ALTER EXTENSION plpgsql ADD VIEW public.owned_view;
          CREATE TEMP TABLE scratch (id int);`);
        const m = await inspect(db);
        assert.deepEqual(
          m.tables.map((t) => t.name),
          ['kept'],
        );
        assert.deepEqual(m.sequences, []);
        assert.deepEqual(m.functions, []);
        assert.deepEqual(m.enums, []);
        assert.deepEqual(m.views, []);
        assert.deepEqual(m.schemas, ['public']);
        assert.deepEqual(m.extensions, []);
      });
    });

    test("gives one model whatever the caller's search_path, and restores it inside a transaction", async () => {
      await withDatabase(backend, async (db) => {
        await db.exec(ZOO);
        const plain = await inspect(db);
        assert.deepEqual(plain, zoo());
        await db.transaction(async (tx) => {
          await tx.exec('SET LOCAL search_path = inventory, public');
          const m = await inspect(tx);
          assert.deepEqual(m, plain);
          const r = await tx.query<{ p: string }>('SELECT current_setting($$search_path$$) AS p');
          assert.equal(r.rows[0]?.p, 'inventory, public');
        });
      });
    });
  });
}

describe('inspect on a server only', { skip: postgresBackend.skip }, () => {
  test('lists an extension, not its functions or types', async () => {
    await withDatabase(postgresBackend, async (db) => {
      await db.exec('CREATE EXTENSION citext; CREATE TABLE public.people (email public.citext PRIMARY KEY);');
      const m = await inspect(db);
      assert.deepEqual(m.extensions, [{ name: 'citext', schema: 'public' }]);
      assert.deepEqual(m.functions, []);
      assert.equal(m.tables[0]?.columns[0]?.type, 'public.citext');
    });
  });

  test('runs over the lean client (simple protocol, every value as text) with the same model', async () => {
    await withDatabase(postgresBackend, async (db, t) => {
      await db.exec(ZOO);
      const lean = await connectLean(t.url);
      assert.ok(lean, 'the lean client connects to the test server');
      try {
        assert.deepEqual(await inspect(lean), zooModels.get('postgres'));
      } finally {
        await lean.close();
      }
    });
  });
});

after(() => {
  zooModels.clear();
});
