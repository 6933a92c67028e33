import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../../src/db/types.ts';
import { compareModels, formatFinding } from '../../../src/schema/catalog/compare.ts';
import { type DiffPlan, combineTableAlterations, diffModels, renderDiff } from '../../../src/schema/catalog/diff.ts';
import { inspect } from '../../../src/schema/catalog/inspect.ts';
import { mtc } from '../../helpers/cli.ts';
import type { ColumnModel, SchemaModel, TableModel } from '../../../src/schema/catalog/model.ts';
import { renderSnapshot } from '../../../src/schema/catalog/render.ts';
import { type TestDatabase, backends } from '../../helpers/backends.ts';

const FIXTURES = new URL('../../fixtures/diff/', import.meta.url);
const ZOO = readFileSync(new URL('../../fixtures/catalog/zoo.sql', import.meta.url), 'utf8');
const PAIRS = readdirSync(FIXTURES).sort();
const fixture = (pair: string, side: 'from' | 'to') => readFileSync(new URL(`${pair}/${side}.sql`, FIXTURES), 'utf8');

/** Whether a statement of the plan is to be run: a destructive step planned without allowDrop is a comment. */
const runnable = (sql: string) => !sql.startsWith('-- ');

// ---------------------------------------------------------------------------------------------
// Generated mutations of the zoo: each is applied to a copy of its model, which is rendered
// (renderSnapshot) and loaded, so the other side of a pair is a real database too.

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mutation {
  name: string;
  apply: (m: SchemaModel, pick: <T>(list: T[]) => T) => string;
}

const simpleColumns = (t: TableModel) => t.columns.filter((c) => c.identity === null && c.generated === null);
const literalFor: Record<string, string> = { text: "'mutated'::text", integer: '42', bigint: '42', boolean: 'true', 'numeric(10,2)': '0' };

const MUTATIONS: Mutation[] = [
  {
    name: 'drop an index',
    apply: (m, pick) => {
      const t = pick(m.tables.filter((x) => x.indexes.some((i) => i.constraint === null)));
      const i = pick(t.indexes.filter((x) => x.constraint === null));
      t.indexes = t.indexes.filter((x) => x !== i);
      return `${t.schema}.${t.name} index ${i.name}`;
    },
  },
  {
    name: 'add a column',
    apply: (m, pick) => {
      const t = pick(m.tables);
      const type = pick(Object.keys(literalFor));
      const notNull = pick([true, false]);
      const position = Math.max(...t.columns.map((c) => c.position)) + 1;
      t.columns.push({ name: 'mutant', position, type, notNull, default: notNull ? literalFor[type]! : null, identity: null, generated: null });
      return `${t.schema}.${t.name}.mutant ${type}${notNull ? ' not null' : ''}`;
    },
  },
  {
    name: 'change a default',
    apply: (m, pick) => {
      const candidates = m.tables.flatMap((t) =>
        simpleColumns(t)
          .filter((c) => literalFor[c.type] !== undefined)
          .map((c) => ({ t, c })),
      );
      const { t, c } = pick(candidates);
      c.default = c.default === literalFor[c.type] ? null : literalFor[c.type]!;
      return `${t.schema}.${t.name}.${c.name} default ${c.default}`;
    },
  },
  {
    name: 'set not null',
    apply: (m, pick) => {
      const { t, c } = pick(
        m.tables.flatMap((t) =>
          simpleColumns(t)
            .filter((c) => !c.notNull)
            .map((c) => ({ t, c })),
        ),
      );
      c.notNull = true;
      return `${t.schema}.${t.name}.${c.name}`;
    },
  },
  {
    name: 'add an index',
    apply: (m, pick) => {
      const t = pick(m.tables);
      const c = pick(t.columns.filter((x) => ['text', 'integer', 'bigint', 'timestamp with time zone'].includes(x.type)));
      const shape = `CREATE INDEX ON ${t.schema}.${t.name} USING btree (${c.name}) WHERE (${c.name} IS NOT NULL)`;
      t.indexes.push({
        name: 'mutant_idx',
        definition: shape.replace('INDEX ON', 'INDEX mutant_idx ON'),
        shape,
        unique: false,
        method: 'btree',
        keys: [c.name],
        predicate: `(${c.name} IS NOT NULL)`,
        constraint: null,
      });
      return `${t.schema}.${t.name} (${c.name})`;
    },
  },
  {
    name: 'add a check constraint',
    apply: (m, pick) => {
      const t = pick(m.tables.filter((x) => x.columns.some((c) => c.type === 'integer' || c.type === 'bigint')));
      const c = pick(t.columns.filter((x) => x.type === 'integer' || x.type === 'bigint'));
      t.constraints.push({
        name: 'mutant_check',
        kind: 'check',
        definition: `CHECK ((${c.name} > 0))`,
        columns: [c.name],
        references: null,
        deferrable: false,
        initiallyDeferred: false,
        validated: true,
      });
      return `${t.schema}.${t.name} ${c.name} > 0`;
    },
  },
  {
    name: 'change a function body',
    apply: (m, pick) => {
      const f = pick(m.functions);
      const body = `${f.body.replace(/\s+$/, '')}\n-- mutated\n`;
      f.definition = f.definition.replace(f.body, body);
      f.body = body;
      return `${f.schema}.${f.name}`;
    },
  },
  {
    name: 'drop a trigger',
    apply: (m, pick) => {
      const t = pick(m.tables.filter((x) => x.triggers.length > 0));
      const tr = pick(t.triggers);
      t.triggers = t.triggers.filter((x) => x !== tr);
      return `${t.schema}.${t.name} ${tr.name}`;
    },
  },
  {
    name: 'drop a view',
    apply: (m, pick) => {
      const v = pick(m.views);
      m.views = m.views.filter((x) => x !== v);
      return `${v.schema}.${v.name}`;
    },
  },
  {
    name: 'widen a column read by views',
    apply: (m) => {
      const email = m.tables.find((t) => t.name === 'customers')!.columns.find((c) => c.name === 'email')!;
      email.type = 'character varying(200)';
      return 'public.customers.email varchar(200)';
    },
  },
  {
    name: 'append an enum value',
    apply: (m) => {
      m.enums[0]!.values.push('archived');
      return `${m.enums[0]!.name} + archived`;
    },
  },
];

// ---------------------------------------------------------------------------------------------

/** Empties a database: every user schema is dropped with what it holds, and public made again. */
async function reset(db: Database): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT nspname AS name FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
  );
  const drops = rows.map((r) => `DROP SCHEMA "${r.name.replace(/"/g, '""')}" CASCADE;`);
  await db.exec(`${drops.join('\n')}\nCREATE SCHEMA IF NOT EXISTS public;`);
}

async function load(db: Database, sql: string): Promise<SchemaModel> {
  await reset(db);
  await db.exec(sql);
  return inspect(db);
}

/** Runs the plan one statement at a time (ADD VALUE must commit before it is used); names the statement that fails. */
async function apply(db: Database, plan: DiffPlan): Promise<void> {
  for (const s of plan.statements) {
    if (!runnable(s.sql)) continue;
    try {
      await db.exec(s.sql);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nin: ${s.sql}\nplan:\n${renderDiff(plan)}`);
    }
  }
}

for (const backend of backends) {
  describe(`diffModels on ${backend.name}`, { skip: backend.skip }, () => {
    // Two databases for the whole file, emptied between pairs: the `from` side and the `to` side.
    let a: TestDatabase;
    let b: TestDatabase;
    let dbA: Database;
    let dbB: Database;
    /** The zoo without its partitioned tables (the model does not say a table is partitioned), rendered. */
    let base: SchemaModel;
    let baseSql: string;

    before(async () => {
      [a, b] = await Promise.all([backend.create(), backend.create()]);
      dbA = await a.open();
      dbB = await b.open();
      const zoo = await load(dbB, ZOO);
      zoo.tables = zoo.tables.filter((t) => !t.name.startsWith('events'));
      baseSql = renderSnapshot(zoo);
      base = await load(dbB, baseSql);
    });

    after(async () => {
      await dbA?.close();
      await dbB?.close();
      await a?.drop();
      await b?.drop();
    });

    /** The property: the plan, applied to `from`, gives a database that compares equal to `to`, and a second diff is empty. */
    async function roundTrip(fromSql: string, toSql: string): Promise<DiffPlan> {
      const from = await load(dbA, fromSql);
      const to = toSql === baseSql ? base : await load(dbB, toSql);
      const plan = diffModels(from, to, { allowDrop: true });
      assert.ok(plan.statements.length > 0, 'the two sides differ, so the plan is not empty');
      await apply(dbA, plan);
      const result = await inspect(dbA);
      // compareModels also reports duplicates within one side (the zoo has some): the same ones as `to` against itself.
      assert.deepEqual(compareModels(to, result).map(formatFinding), compareModels(to, to).map(formatFinding), renderDiff(plan));
      assert.deepEqual(diffModels(result, to, { allowDrop: true }).statements, [], 'a second diff finds nothing');
      return plan;
    }

    test('a function whose body reads a view the plan creates after it: the script runs as printed', async () => {
      const from = await load(dbA, '');
      const to = await load(
        dbB,
        `CREATE TABLE public.parts (id int);
         CREATE VIEW public.part_ids AS SELECT id FROM public.parts;
         CREATE FUNCTION public.part_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM public.part_ids $$;`,
      );
      const script = renderDiff(diffModels(from, to));
      assert.match(script, /^SET check_function_bodies = false;$/m);
      await dbA.exec(script);
      assert.deepEqual(compareModels(to, await inspect(dbA)).map(formatFinding), []);
      const count = await dbA.query<{ n: string }>('SELECT public.part_count()::text AS n');
      assert.equal(count.rows[0]?.n, '0');
    });

    for (const pair of PAIRS) {
      test(`turns ${pair}/from.sql into ${pair}/to.sql`, async () => {
        await roundTrip(fixture(pair, 'from'), fixture(pair, 'to'));
      });
    }

    const pick = random(20261125);
    MUTATIONS.forEach((mutation) => {
      test(`zoo: ${mutation.name}, there and back`, async () => {
        const mutated = structuredClone(base);
        const chooser = <T>(list: T[]): T => {
          assert.ok(list.length > 0, `${mutation.name}: something to mutate`);
          return list[Math.floor(pick() * list.length)]!;
        };
        const what = mutation.apply(mutated, chooser);
        const mutatedSql = renderSnapshot(mutated);
        await roundTrip(baseSql, mutatedSql).catch((err: Error) => {
          throw new Error(`zoo → ${what}: ${err.message}`);
        });
        await roundTrip(mutatedSql, baseSql).catch((err: Error) => {
          throw new Error(`${what} → zoo: ${err.message}`);
        });
      });
    });

    test('without allowDrop, destructive steps are comments with a warning each, and nothing is dropped', async () => {
      const from = await load(dbA, fixture('drop-everything', 'from'));
      const to = await load(dbB, fixture('drop-everything', 'to'));
      const plan = diffModels(from, to);
      const destructive = plan.statements.filter((s) => s.destructive);
      assert.ok(destructive.length >= 5);
      assert.ok(destructive.every((s) => s.sql.split('\n').every((line) => line.startsWith('-- '))));
      assert.equal(plan.warnings.length, destructive.length);
      assert.match(renderDiff(plan), /^-- DROP TABLE legacy\.notes$/m);
      await apply(dbA, plan);
      const result = await inspect(dbA);
      assert.deepEqual(compareModels(from, result), []);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The plan itself, without a database.

function column(name: string, position: number, type: string, more: Partial<ColumnModel> = {}): ColumnModel {
  return { name, position, type, notNull: false, default: null, identity: null, generated: null, ...more };
}

function model(tables: TableModel[], more: Partial<SchemaModel> = {}): SchemaModel {
  return { schemas: ['public'], extensions: [], enums: [], sequences: [], tables, views: [], functions: [], ...more };
}

const table = (columns: ColumnModel[]): TableModel => ({ schema: 'public', name: 'items', columns, constraints: [], indexes: [], triggers: [] });

describe('diffModels', () => {
  test('gives an empty plan for equal models', () => {
    const m = model([table([column('id', 1, 'integer')])]);
    assert.deepEqual(diffModels(m, structuredClone(m)), { statements: [], warnings: [] });
  });

  test('widens a type in place and calls a narrowing destructive', () => {
    const from = model([table([column('qty', 1, 'integer'), column('sku', 2, 'text')])]);
    const to = model([table([column('qty', 1, 'bigint'), column('sku', 2, 'character varying(10)')])]);
    const plan = diffModels(from, to);
    assert.deepEqual(
      plan.statements.map((s) => [s.sql, s.destructive]),
      [
        ['ALTER TABLE public.items ALTER COLUMN qty TYPE bigint USING qty::bigint', false],
        ['-- ALTER TABLE public.items ALTER COLUMN sku TYPE character varying(10) USING sku::character varying(10)', true],
      ],
    );
    assert.deepEqual(plan.warnings, ['not run without --allow-drop: column public.items.sku: text → character varying(10) (may lose or reject values)']);
  });

  test("with a time zone, times without a zone become instants AT TIME ZONE it (and back), not in the session's; without one, a cast", () => {
    const from = model([table([column('made', 1, 'timestamp without time zone'), column('seen', 2, 'timestamp(3) with time zone')])]);
    const to = model([table([column('made', 1, 'timestamp with time zone'), column('seen', 2, 'timestamp(3) without time zone')])]);
    assert.deepEqual(
      diffModels(from, to, { allowDrop: true, timeZone: 'Asia/Kolkata' }).statements.map((s) => [s.sql, s.comment]),
      [
        [
          "ALTER TABLE public.items ALTER COLUMN made TYPE timestamp with time zone USING (made AT TIME ZONE 'Asia/Kolkata')::timestamp with time zone",
          'column public.items.made: timestamp without time zone → timestamp with time zone (read as Asia/Kolkata time)',
        ],
        [
          "ALTER TABLE public.items ALTER COLUMN seen TYPE timestamp(3) without time zone USING (seen AT TIME ZONE 'Asia/Kolkata')::timestamp(3) without time zone",
          'column public.items.seen: timestamp(3) with time zone → timestamp(3) without time zone (read as Asia/Kolkata time)',
        ],
      ],
    );
    assert.match(diffModels(from, to, { allowDrop: true }).statements[0]!.sql, /USING made::timestamp with time zone$/);
  });

  test('adds enum values where they belong, without rebuilding the type', () => {
    const e = (values: string[]) => model([], { enums: [{ schema: 'public', name: 'mood', values }] });
    assert.deepEqual(
      diffModels(e(['ok', 'bad']), e(['good', 'ok', 'meh', 'bad', 'awful'])).statements.map((s) => s.sql),
      [
        "ALTER TYPE public.mood ADD VALUE 'good' BEFORE 'ok'",
        "ALTER TYPE public.mood ADD VALUE 'meh' BEFORE 'bad'",
        "ALTER TYPE public.mood ADD VALUE 'awful'",
      ],
    );
  });

  test('renders a plan as a script with comments and warnings', () => {
    const from = model([table([column('id', 1, 'integer'), column('fax', 2, 'text')])]);
    const to = model([table([column('id', 1, 'integer')])]);
    assert.equal(
      renderDiff(diffModels(from, to)),
      [
        '-- Generated by `mtc diff`. Review before running; run statement by statement.',
        '',
        '-- column public.items.fax is gone',
        '-- ALTER TABLE public.items DROP COLUMN fax',
        '',
        '-- WARNING: not run without --allow-drop: column public.items.fax is gone',
        '',
      ].join('\n'),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// mtc diff, called as the CLI calls it.

describe('mtc diff', () => {
  async function diffCommand(values: Record<string, string | boolean>): Promise<{ code: number | null; out: string; err: string }> {
    const args = Object.entries(values).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, String(v)]));
    const r = await mtc(['diff', ...args]);
    return { code: r.code, out: r.stdout, err: r.stderr };
  }
  const file = (pair: string, side: 'from' | 'to') => new URL(`${pair}/${side}.sql`, FIXTURES).pathname;

  test('prints the script between two snapshot files, destructive steps commented out', async () => {
    const { code, out } = await diffCommand({ from: file('drop-column', 'from'), to: file('drop-column', 'to') });
    assert.equal(code, 0);
    assert.match(out, /^DROP INDEX public\.customers_fax;$/m);
    assert.match(out, /^-- ALTER TABLE public\.customers DROP COLUMN fax$/m);
    assert.match(out, /^-- WARNING: not run without --allow-drop: column public\.customers\.fax is gone$/m);
  });

  test('with --allow-drop and --json, prints the plan as data', async () => {
    const { code, out } = await diffCommand({ from: file('drop-column', 'from'), to: file('drop-column', 'to'), 'allow-drop': true, json: true });
    assert.equal(code, 0);
    const plan = JSON.parse(out) as DiffPlan;
    assert.deepEqual(plan.warnings, []);
    assert.ok(plan.statements.some((s) => s.sql === 'ALTER TABLE public.customers DROP COLUMN fax' && s.destructive));
  });

  test('is a usage error when --from or --to is missing, unreadable, or memory://', async () => {
    const to = file('add-column', 'to');
    const cases: [Record<string, string>, RegExp][] = [
      [{ to }, /--from is required/],
      [{ from: to }, /--to is required/],
      [{ from: '/nonexistent/schema.sql', to }, /--from \/nonexistent\/schema\.sql: no such file or directory/],
      [{ from: 'memory://', to }, /in-memory database is empty/],
      [{ from: new URL('.', FIXTURES).pathname, to }, /not a PGlite data directory/],
    ];
    for (const [values, message] of cases) {
      const r = await diffCommand(values);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
    }
  });
});

describe('combineTableAlterations', () => {
  test('joins consecutive column changes of one table into one ALTER TABLE, and nothing else', () => {
    const step = (sql: string, comment?: string) => ({ sql, destructive: false, ...(comment ? { comment } : {}) });
    const combined = combineTableAlterations([
      step('ALTER TABLE public.t DROP CONSTRAINT t_check'),
      step('ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT', 'a retyped'),
      step('ALTER TABLE public.t ALTER COLUMN a TYPE bigint USING a::bigint'),
      step('ALTER TABLE public.t ADD COLUMN b text', 'b added'),
      step('ALTER TABLE public."odd name" ALTER COLUMN a SET NOT NULL'),
      step('ALTER TABLE public."odd name" ALTER COLUMN c SET DEFAULT 0'),
      step('CREATE INDEX i ON public.t USING btree (a)'),
      step('ALTER TABLE public.t ALTER COLUMN a SET NOT NULL'),
    ]);
    assert.deepEqual(
      combined.map((s) => s.sql),
      [
        'ALTER TABLE public.t DROP CONSTRAINT t_check',
        'ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT,\n  ALTER COLUMN a TYPE bigint USING a::bigint,\n  ADD COLUMN b text',
        'ALTER TABLE public."odd name" ALTER COLUMN a SET NOT NULL,\n  ALTER COLUMN c SET DEFAULT 0',
        'CREATE INDEX i ON public.t USING btree (a)',
        'ALTER TABLE public.t ALTER COLUMN a SET NOT NULL',
      ],
    );
    assert.equal(combined[1]!.comment, 'a retyped; b added');
  });
});
