// The legacy MTC database (test/fixtures/legacy/) loaded through the Database interface, so
// that it runs on PGlite (whose exec cannot take COPY FROM stdin) as on a server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Queryable } from '../../src/db/types.ts';
import { inTransaction } from '../../src/db/types.ts';
import type { Backend, TestDatabase } from './backends.ts';
import { ROOT } from './cli.ts';

/** Where the fixture's two files are (copies of ../shared/fixtures/legacy, see its README). */
export const LEGACY_DIR = join(ROOT, 'test', 'fixtures', 'legacy');

const ROWS_PER_INSERT = 1000;

/**
 * Runs mtc_legacy_schema.sql: every table, view, sequence, function, trigger and constraint
 * of the legacy database, as psql would. psql meta-commands (`\restrict`…) are left out, and
 * so is `CREATE EXTENSION` of an extension the server does not offer (PGlite has no
 * uuid-ossp; nothing in the schema calls it). The script's session settings
 * (`search_path` '') do not outlive the call.
 */
export async function loadLegacySchema(db: Database): Promise<void> {
  let script = withoutMetaCommands(readFileSync(join(LEGACY_DIR, 'mtc_legacy_schema.sql'), 'utf8'));
  await db.session(async (s) => {
    const available = new Set((await s.query<{ name: string }>('SELECT name FROM pg_catalog.pg_available_extensions')).rows.map((r) => r.name));
    script = script.replace(/^(CREATE EXTENSION IF NOT EXISTS|COMMENT ON EXTENSION) "([^"]+)"[^\n]*;$/gm, (line, _verb: string, name: string) =>
      available.has(name) ? line : `-- not available here: ${line}`,
    );
    await s.exec(script);
  });
}

/**
 * Loads mtc_legacy_data.sql into a database holding the legacy schema, in one transaction:
 * its COPY blocks become multi-row INSERTs (exactly the values COPY would store), its other
 * statements (settings, the stand-in rows, setval) run as written, so for a superuser the
 * load runs, as the file arranges, without triggers and foreign key checks. Its session
 * settings do not outlive the call.
 *
 * With `scale` N > 1 every table then holds N times its rows: copy k of a row has every
 * integer key and foreign-key column (primary, unique, referencing or referenced) moved up
 * by k × the first power of ten above twice the largest such value (10⁶ here), text ones
 * suffixed ` #k`, uuid ones hashed with k; so keys stay unique, foreign keys point into the
 * same copy, and each owned sequence is moved past its column's maximum. A RangeError says
 * when keys would outgrow their column's type (int4 allows about 2,100 copies of this
 * fixture). For speed the copies are inserted, as the data file's own rows are, without
 * per-row foreign key checks and triggers when the user is a superuser, and indexes that
 * back no constraint are dropped meanwhile and built again from their own definition (same
 * name and definition, new oid).
 */
export async function loadLegacyData(db: Database, options: { scale?: number } = {}): Promise<void> {
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`scale must be a whole number ≥ 1, not ${scale}`);
  await db.session((s) =>
    inTransaction(s, async (tx) => {
      for (const step of dataSteps()) {
        if (typeof step === 'string') await tx.exec(step);
        else for (const insert of copyInserts(step)) await tx.exec(insert);
      }
      if (scale > 1) await replicate(tx, scale);
    }),
  );
}

/**
 * A fresh database on `backend` holding the legacy schema and, with `data`, its rows (times
 * `scale`). The caller drops it.
 */
export async function legacyDatabase(backend: Backend, options: { data: boolean; scale?: number }): Promise<TestDatabase> {
  const t = await backend.create();
  try {
    const db = await t.open();
    try {
      await loadLegacySchema(db);
      if (options.data) await loadLegacyData(db, { scale: options.scale });
    } finally {
      await db.close();
    }
    return t;
  } catch (err) {
    await t.drop().catch(() => {});
    throw err;
  }
}

/** Legacy databases copied from templates: see legacyTemplates. */
export interface LegacyTemplates {
  /** A fresh database holding the legacy schema and, with `data`, its rows. The caller drops it. */
  database(options: { data: boolean }): Promise<TestDatabase>;
  /** Drops the templates (not the databases copied from them). */
  drop(): Promise<void>;
}

/**
 * Legacy databases for the many tests of one file: the fixture is loaded once into a
 * template of each kind asked for (with its rows or without), and each database is a copy of
 * it (`backend.copy`: a file copy, where loading takes seconds).
 */
export function legacyTemplates(backend: Backend): LegacyTemplates {
  const templates = new Map<boolean, Promise<TestDatabase>>();
  return {
    async database({ data }) {
      let template = templates.get(data);
      if (!template) templates.set(data, (template = legacyDatabase(backend, { data })));
      return backend.copy(await template);
    },
    async drop() {
      const made = await Promise.allSettled(templates.values());
      templates.clear();
      for (const r of made) if (r.status === 'fulfilled') await r.value.drop();
    },
  };
}

/**
 * One line of a COPY block in text format, as the server reads it: fields split at tabs, `\N`
 * is NULL, and `\b \f \n \r \t \v`, `\` + 1–3 octal digits, `\x` + 1–2 hex digits are
 * decoded (to bytes of UTF-8); a backslash before any other character stands for that character.
 */
export function parseCopyRow(line: string): (string | null)[] {
  return line.split('\t').map((field) => (field === '\\N' ? null : field.includes('\\') ? unescapeCopy(field) : field));
}

const SIMPLE_ESCAPES: Record<string, number> = { b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
const utf8 = new TextDecoder('utf-8', { fatal: true });

function unescapeCopy(field: string): string {
  // A backslash (0x5C) never occurs inside a multi-byte UTF-8 sequence, so bytes are safe to scan.
  const src = Buffer.from(field, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const b = src[i] as number;
    if (b !== 0x5c || i + 1 === src.length) {
      out.push(b);
      continue;
    }
    const c = String.fromCharCode(src[++i] as number);
    const simple = SIMPLE_ESCAPES[c];
    const digits = (re: RegExp, max: number, from: number) => {
      let j = from;
      while (j < src.length && j - from < max && re.test(String.fromCharCode(src[j] as number))) j++;
      return j;
    };
    if (simple !== undefined) out.push(simple);
    else if (c >= '0' && c <= '7') {
      const end = digits(/[0-7]/, 3, i);
      out.push(Number.parseInt(src.subarray(i, end).toString('latin1'), 8) & 0xff);
      i = end - 1;
    } else if (c === 'x' && i + 1 < src.length && /[0-9a-fA-F]/.test(String.fromCharCode(src[i + 1] as number))) {
      const end = digits(/[0-9a-fA-F]/, 2, i + 1);
      out.push(Number.parseInt(src.subarray(i + 1, end).toString('latin1'), 16));
      i = end - 1;
    } else out.push(src[i] as number);
  }
  return utf8.decode(Uint8Array.from(out));
}

interface CopyBlock {
  /** As written in the COPY line: `public.item_master`. */
  table: string;
  /** As written in the COPY line, quoting kept: `item_id, name, …`; empty for all columns. */
  columns: string;
  lines: string[];
}

let cachedSteps: (string | CopyBlock)[] | undefined;

/** The data file as SQL scripts and COPY blocks, in file order (parsed once per process). */
function dataSteps(): (string | CopyBlock)[] {
  if (cachedSteps) return cachedSteps;
  const steps: (string | CopyBlock)[] = [];
  let sql: string[] = [];
  let copy: CopyBlock | undefined;
  const flush = () => {
    if (sql.some((l) => l.trim() !== '' && !l.startsWith('--'))) steps.push(sql.join('\n'));
    sql = [];
  };
  for (const raw of readFileSync(join(LEGACY_DIR, 'mtc_legacy_data.sql'), 'utf8').split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (copy) {
      if (line === '\\.') copy = undefined;
      else copy.lines.push(line);
      continue;
    }
    const m = /^COPY (\S+)(?: \((.*)\))? FROM stdin;$/.exec(line);
    if (m) {
      flush();
      copy = { table: m[1] as string, columns: m[2] ?? '', lines: [] };
      steps.push(copy);
    } else if (!/^\\[a-z]/i.test(line)) sql.push(line);
  }
  flush();
  cachedSteps = steps;
  return steps;
}

function copyInserts(block: CopyBlock): string[] {
  const head = `INSERT INTO ${block.table} ${block.columns ? `(${block.columns}) ` : ''}VALUES\n`;
  const out: string[] = [];
  for (let i = 0; i < block.lines.length; i += ROWS_PER_INSERT) {
    const rows = block.lines.slice(i, i + ROWS_PER_INSERT).map((l) => `(${parseCopyRow(l).map(literal).join(', ')})`);
    out.push(`${head}${rows.join(',\n')};`);
  }
  return out;
}

function literal(v: string | null): string {
  return v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`;
}

function withoutMetaCommands(script: string): string {
  return script.replace(/^\\[a-z][^\n]*$/gim, '');
}

// Scaling: the copies are made inside the database, from the rows already loaded.

interface CatalogColumn {
  num: number;
  name: string;
  type: string;
  /** 'a' or 'd' for identity columns, '' otherwise. */
  identity: string;
  generated: boolean;
}
interface CatalogTable {
  oid: number;
  name: string;
  columns: CatalogColumn[];
}
interface ScalingCatalog {
  tables: CatalogTable[];
  /** Unique indexes (primary keys and unique constraints included): their plain column numbers. */
  uniques: { table: number; name: string; columns: number[] }[];
  foreignKeys: { table: number; columns: number[]; references: number; referenced: number[] }[];
  /** Sequences owned by a column (serial or identity). */
  sequences: { name: string; table: number; column: number }[];
  /** Indexes that back no constraint and carry nothing but their definition: cheaper rebuilt than maintained. */
  plainIndexes: { name: string; definition: string }[];
}

const CATALOG_SQL = `
SELECT json_build_object(
  'tables', (SELECT coalesce(json_agg(json_build_object(
      'oid', c.oid::int8, 'name', format('%I.%I', n.nspname, c.relname),
      'columns', (SELECT json_agg(json_build_object('num', a.attnum, 'name', a.attname, 'type', t.typname,
                    'identity', a.attidentity::text, 'generated', a.attgenerated <> '') ORDER BY a.attnum)
                  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)) ORDER BY c.relname), '[]')
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')),
  'uniques', (SELECT coalesce(json_agg(json_build_object('table', i.indrelid::int8, 'name', ic.relname,
      'columns', (SELECT coalesce(json_agg(k), '[]') FROM unnest(i.indkey::int2[]) AS k WHERE k > 0))), '[]')
    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE i.indisunique AND n.nspname = 'public'),
  'foreignKeys', (SELECT coalesce(json_agg(json_build_object('table', f.conrelid::int8, 'columns', f.conkey,
      'references', f.confrelid::int8, 'referenced', f.confkey)), '[]')
    FROM pg_catalog.pg_constraint f JOIN pg_catalog.pg_namespace n ON n.oid = f.connamespace
    WHERE f.contype = 'f' AND n.nspname = 'public'),
  'sequences', (SELECT coalesce(json_agg(json_build_object('name', format('%I.%I', sn.nspname, s.relname),
      'table', d.refobjid::int8, 'column', d.refobjsubid)), '[]')
    FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
    JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')),
  'plainIndexes', (SELECT coalesce(json_agg(json_build_object('name', format('%I.%I', n.nspname, ic.relname),
      'definition', pg_catalog.pg_get_indexdef(i.indexrelid))), '[]')
    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
    WHERE n.nspname = 'public' AND NOT i.indisclustered AND NOT i.indisreplident
      AND pg_catalog.obj_description(i.indexrelid, 'pg_class') IS NULL
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid)
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.refobjid = i.indexrelid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass))
)::text AS catalog`;

const SET_REPLICATION_ROLE = `DO $$BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
  PERFORM pg_catalog.set_config('session_replication_role', '$role', true);
END IF; END$$`;

const INTEGER_MAX: Record<string, bigint> = { int2: 32767n, int4: 2147483647n, int8: 9223372036854775807n };
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** Adds copies 1..scale-1 of every row of every public table (see loadLegacyData). */
async function replicate(tx: Queryable, scale: number): Promise<void> {
  const catalog = JSON.parse((await tx.query<{ catalog: string }>(CATALOG_SQL)).rows[0]?.catalog ?? '{}') as ScalingCatalog;
  const byOid = new Map(catalog.tables.map((t) => [t.oid, t]));
  const column = (table: number, num: number) => byOid.get(table)?.columns.find((c) => c.num === num);

  const keyed = new Set<string>(); // `${table oid}.${attnum}` of every column that must differ between copies
  for (const u of catalog.uniques) for (const c of u.columns) keyed.add(`${u.table}.${c}`);
  for (const f of catalog.foreignKeys) {
    f.columns.forEach((c) => keyed.add(`${f.table}.${c}`));
    f.referenced.forEach((c) => keyed.add(`${f.references}.${c}`));
  }
  const shifts = (table: number, c: CatalogColumn) => keyed.has(`${table}.${c.num}`) && (c.type in INTEGER_MAX || TEXT_TYPES.has(c.type) || c.type === 'uuid');
  for (const u of catalog.uniques) {
    if (
      !u.columns.some((n) => {
        const c = column(u.table, n);
        return c !== undefined && shifts(u.table, c);
      })
    ) {
      throw new Error(`cannot scale ${byOid.get(u.table)?.name}: unique index ${u.name} has no integer, text or uuid column to make distinct`);
    }
  }

  // A power of ten above twice the largest key keeps the copies' key ranges apart, even for negative keys.
  const integerKeys = catalog.tables.flatMap((t) => t.columns.filter((c) => c.type in INTEGER_MAX && shifts(t.oid, c)).map((c) => ({ t, c })));
  const maxSql = integerKeys.map(({ t, c }) => `SELECT max(abs(${ident(c.name)}::int8)) AS m FROM ${t.name}`).join('\nUNION ALL\n');
  const maxKey = BigInt(
    (await tx.query<{ m: string | null }>(`SELECT coalesce(max(m), 0)::text AS m FROM (${maxSql || 'SELECT 0::int8 AS m'}) x`)).rows[0]?.m ?? '0',
  );
  let offset = 10n;
  while (offset <= 2n * maxKey) offset *= 10n;
  for (const { t, c } of integerKeys) {
    if (offset * BigInt(scale - 1) + maxKey > (INTEGER_MAX[c.type] as bigint)) {
      throw new RangeError(`cannot scale ${scale}×: ${t.name}.${c.name} (${c.type}) would pass its maximum with keys moved by ${offset} per copy`);
    }
  }

  // Each row costs an insertion in every index; building an index afterwards is several times cheaper.
  if (catalog.plainIndexes.length > 0) await tx.exec(`DROP INDEX ${catalog.plainIndexes.map((i) => i.name).join(', ')}`);
  // The copies hold by construction what their originals hold, so, as the data file does for
  // its own load, a superuser skips the per-row foreign key checks (with the index rebuild,
  // item_variant at 100× takes 3.5 s instead of 16 s).
  await tx.exec(SET_REPLICATION_ROLE.replace('$role', 'replica'));
  for (const t of parentsFirst(catalog)) {
    const columns = t.columns.filter((c) => !c.generated);
    const values = columns.map((c) => {
      const v = `s.${ident(c.name)}`;
      if (!shifts(t.oid, c)) return v;
      if (c.type in INTEGER_MAX) return `${v} + k.k::int8 * ${offset}`;
      if (c.type === 'uuid') return `pg_catalog.md5(${v}::text || '#' || k.k)::uuid`;
      return `${v} || ' #' || k.k`;
    });
    const overriding = columns.some((c) => c.identity === 'a') ? ' OVERRIDING SYSTEM VALUE' : '';
    await tx.exec(
      `INSERT INTO ${t.name} (${columns.map((c) => ident(c.name)).join(', ')})${overriding}
       SELECT ${values.join(', ')} FROM ${t.name} AS s CROSS JOIN pg_catalog.generate_series(1, ${scale - 1}) AS k(k)`,
    );
  }
  await tx.exec(SET_REPLICATION_ROLE.replace('$role', 'origin'));
  const setvals = catalog.sequences.map((s) => {
    const t = byOid.get(s.table);
    const c = column(s.table, s.column);
    if (!t || !c) return '';
    return `SELECT pg_catalog.setval('${s.name.replaceAll("'", "''")}', greatest(m, q.last_value), true)
      FROM (SELECT max(${ident(c.name)}) AS m FROM ${t.name}) x, ${s.name} AS q WHERE m IS NOT NULL;`;
  });
  await tx.exec([...catalog.plainIndexes.map((i) => `${i.definition};`), ...setvals].join('\n'));
}

/** Tables ordered so that each comes after those its foreign keys reference (a cycle keeps catalog order). */
function parentsFirst(catalog: ScalingCatalog): CatalogTable[] {
  const parents = new Map(catalog.tables.map((t) => [t.oid, new Set<number>()]));
  for (const f of catalog.foreignKeys) if (f.table !== f.references) parents.get(f.table)?.add(f.references);
  const done = new Set<number>();
  const order: CatalogTable[] = [];
  while (order.length < catalog.tables.length) {
    const ready = catalog.tables.filter((t) => !done.has(t.oid) && [...(parents.get(t.oid) ?? [])].every((p) => done.has(p)));
    for (const t of ready.length > 0 ? ready : catalog.tables.filter((t) => !done.has(t.oid)).slice(0, 1)) {
      done.add(t.oid);
      order.push(t);
    }
  }
  return order;
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
