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
  const made = await q.query<{ id: number }>(
    `INSERT INTO ${m.table} (${m.name}) VALUES ($1) ON CONFLICT (lower(${m.name})) DO NOTHING RETURNING ${m.id} AS id`,
    [clean],
  );
  return made.rows[0]?.id ?? (await find()).rows[0]!.id;
}

/** Like masterId, for an optional attribute: null stays null. */
export async function optionalMasterId(q: Queryable, kind: MasterKind, name: string | null | undefined): Promise<number | null> {
  return name === null || name === undefined ? null : masterId(q, kind, name);
}

/** Master ids by kind and by name as given: what masterIds found, kept by a caller for its next batches. */
export type MasterCache = Record<MasterKind, Map<string, number>>;

export function masterCache(): MasterCache {
  return { color: new Map(), size: new Map(), model: new Map(), variation: new Map() };
}

/**
 * The ids of many master names at once, of every kind in one statement (the set-based form of
 * masterId for bulk imports), made when new; keyed by kind, then by each name as given
 * (trimmed). Names already stored are found, not inserted, so a batch burns no sequence
 * values on them. A name another transaction stored after this statement began is neither
 * inserted (ON CONFLICT) nor seen: those few are looked up again afterwards. With a cache,
 * the names in it are not looked up again, and the cache (with this call's names added) is
 * the answer.
 */
export async function masterIds(q: Queryable, names: Partial<Record<MasterKind, readonly string[]>>, cache?: MasterCache): Promise<MasterCache> {
  const out = cache ?? masterCache();
  const kinds = Object.keys(MASTERS) as MasterKind[];
  const lists = kinds.map((k) => [...new Set((names[k] ?? []).map((n) => n.trim()))].filter((n) => !out[k].has(n)));
  if (lists.every((l) => l.length === 0)) return out;
  const parts = kinds.map((k, i) => {
    const m = MASTERS[k];
    const p = `$${i + 1}::text[]`;
    // The first spelling met names a new master.
    return {
      cte: `${k} AS (INSERT INTO ${m.table} (${m.name})
                SELECT DISTINCT ON (lower(n)) n FROM unnest(${p}) WITH ORDINALITY AS t(n, o)
                 WHERE NOT EXISTS (SELECT 1 FROM ${m.table} m WHERE lower(m.${m.name}) = lower(t.n))
                 ORDER BY lower(n), o
                ON CONFLICT (lower(${m.name})) DO NOTHING RETURNING ${m.id} AS id, ${m.name} AS name)`,
      select: `SELECT ${i} AS kind, t.n AS name, coalesce(m.${m.id}, made.id) AS id FROM unnest(${p}) AS t(n)
                 LEFT JOIN ${m.table} m ON lower(m.${m.name}) = lower(t.n) LEFT JOIN ${k} made ON lower(made.name::text) = lower(t.n)`,
    };
  });
  const r = await q.query<{ kind: number; name: string; id: number | null }>(
    `WITH ${parts.map((p) => p.cte).join(',\n')}\n${parts.map((p) => p.select).join('\nUNION ALL\n')}`,
    lists,
  );
  for (const row of r.rows) {
    const kind = kinds[row.kind]!;
    if (row.id !== null) out[kind].set(row.name, row.id);
    else out[kind].set(row.name, await masterId(q, kind, row.name));
  }
  return out;
}
