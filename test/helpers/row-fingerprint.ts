// Checksums of a database's rows, table by table: what "adopt lost no row" is checked against.
import type { Database } from '../../src/db/types.ts';
import { FINGERPRINT_SQL } from '../../src/schema/migrations/drift.ts';

export interface TableFingerprint {
  /** How many rows the table holds. */
  rows: number;
  /** md5 of the table's key values (or whole rows, see FingerprintOptions.of), in key order. */
  keys: string;
}

export interface FingerprintOptions {
  /** The schema whose tables are checksummed; `public` by default. */
  schema?: string;
  /**
   * `keys` (the default): the primary key values of each row, so a changed key or a row
   * added or removed shows while an updated non-key column does not. `rows`: the whole row.
   * A table without a primary key is always checksummed by whole rows.
   */
  of?: 'keys' | 'rows';
}

interface TableKey {
  name: string;
  key: { name: string; collatable: boolean }[];
}

const TABLES_SQL = `
SELECT c.relname AS name,
  (SELECT coalesce(json_agg(json_build_object('name', a.attname, 'collatable', a.attcollation <> 0) ORDER BY k.ord), '[]')
     FROM pg_catalog.pg_index i
     CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = c.oid AND i.indisprimary)::text AS key
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname NOT LIKE 'mtc\\_%'
ORDER BY c.relname COLLATE "C"`;

/**
 * For every ordinary table of the schema (those named `mtc_…` left out): its row count and
 * an md5 of its primary key values ordered by the key (whole rows, ordered by their text,
 * without a primary key). Two queries, however many tables; values are printed under fixed
 * settings (UTC, ISO dates) and text ordered by code point, so the same rows give the same
 * fingerprints on PGlite and on a server, whatever the session's settings.
 */
export async function tableFingerprints(db: Database, options: FingerprintOptions = {}): Promise<Map<string, TableFingerprint>> {
  const schema = options.schema ?? 'public';
  return db.transaction(async (tx) => {
    await tx.exec(
      "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'",
    );
    const tables = (await tx.query<{ name: string; key: string }>(TABLES_SQL, [schema])).rows.map(
      (r): TableKey => ({ name: r.name, key: JSON.parse(r.key) as TableKey['key'] }),
    );
    const out = new Map<string, TableFingerprint>();
    if (tables.length === 0) return out;
    const selects = tables.map((t) => {
      const byKey = options.of !== 'rows' && t.key.length > 0;
      const value = byKey ? `ROW(${t.key.map((c) => `s.${ident(c.name)}`).join(', ')})::text` : 's::text';
      const order = byKey ? t.key.map((c) => `s.${ident(c.name)}${c.collatable ? ' COLLATE "C"' : ''}`).join(', ') : 's::text COLLATE "C"';
      return `SELECT ${literal(t.name)} AS name, count(*)::int8 AS n, md5(coalesce(string_agg(${value}, E'\\n' ORDER BY ${order}), '')) AS sum FROM ${ident(schema)}.${ident(t.name)} AS s`;
    });
    const r = await tx.query<{ name: string; n: string; sum: string }>(selects.join('\nUNION ALL\n'));
    for (const row of r.rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      out.set(row.name, { rows: Number(row.n), keys: row.sum });
    }
    return out;
  });
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Everything a test compares to say "the database is exactly as it was": its catalog and every table's keys and rows. */
export interface DatabaseState {
  /** The drift guard's one-query hash of the catalog. */
  catalog: string;
  keys: Map<string, TableFingerprint>;
  rows: Map<string, TableFingerprint>;
}

/** The state of a database's schema and of every table in `public` (the `mtc_…` tables included through the catalog only). */
export async function databaseState(db: Database): Promise<DatabaseState> {
  const [row] = (await db.query<{ fingerprint: string }>(FINGERPRINT_SQL)).rows;
  return { catalog: row?.fingerprint ?? '', keys: await tableFingerprints(db), rows: await tableFingerprints(db, { of: 'rows' }) };
}
