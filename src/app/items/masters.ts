import type { Queryable } from '../../db/types.ts';

/** The master tables an item or variant names its attributes from. */
const MASTERS = {
  color: { table: 'public.color_master', id: 'color_id', name: 'color_name' },
  size: { table: 'public.size_master', id: 'size_id', name: 'size_name' },
  model: { table: 'public.model_master', id: 'model_id', name: 'model_name' },
  variation: { table: 'public.variation_master', id: 'variation_id', name: 'variation_name' },
} as const;

export type MasterKind = keyof typeof MASTERS;

/**
 * The id of the master row with this name, whatever its case ("BLACK" is "Black"), made when
 * there is none yet. The API names masters by name only: a client never needs their ids, and a
 * new colour or size is simply typed. Surrounding spaces are not part of a name.
 */
export async function masterId(q: Queryable, kind: MasterKind, name: string): Promise<number> {
  const m = MASTERS[kind];
  const clean = name.trim();
  const find = () => q.query<{ id: number }>(`SELECT ${m.id} AS id FROM ${m.table} WHERE lower(${m.name}) = lower($1)`, [clean]);
  const found = (await find()).rows[0];
  if (found) return found.id;
  const made = await q.query<{ id: number }>(`INSERT INTO ${m.table} (${m.name}) VALUES ($1) ON CONFLICT (lower(${m.name})) DO NOTHING RETURNING ${m.id} AS id`, [clean]);
  return made.rows[0]?.id ?? (await find()).rows[0]!.id;
}

/** Like masterId, for an optional attribute: null stays null. */
export async function optionalMasterId(q: Queryable, kind: MasterKind, name: string | null | undefined): Promise<number | null> {
  return name === null || name === undefined ? null : masterId(q, kind, name);
}

/**
 * The ids of many master names at once, made when new, keyed by each name as given (trimmed): the set-based
 * form of masterId for bulk imports (one INSERT and one SELECT however many names).
 */
export async function masterIds(q: Queryable, kind: MasterKind, names: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const clean = [...new Set(names.map((n) => n.trim()))];
  if (clean.length === 0) return out;
  const m = MASTERS[kind];
  // The first spelling met names a new master; ON CONFLICT leaves an existing one as it is.
  await q.query(
    `INSERT INTO ${m.table} (${m.name}) SELECT DISTINCT ON (lower(n)) n FROM unnest($1::text[]) WITH ORDINALITY AS t(n, o) ORDER BY lower(n), o ON CONFLICT (lower(${m.name})) DO NOTHING`,
    [clean],
  );
  const r = await q.query<{ id: number; name: string }>(`SELECT m.${m.id} AS id, t.n AS name FROM unnest($1::text[]) AS t(n) JOIN ${m.table} m ON lower(m.${m.name}) = lower(t.n)`, [clean]);
  for (const row of r.rows) out.set(row.name, row.id);
  return out;
}
