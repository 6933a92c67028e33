import type { ColumnModel, ConstraintModel, IndexModel, SchemaModel, TableModel } from '../catalog/model.ts';
import { quoteIdent } from '../catalog/render.ts';

const key = (x: { schema: string; name: string }) => `${x.schema}.${x.name}`;

/** Columns of a live table that the declared table does not have. */
export function extraColumns(declared: TableModel, live: TableModel): ColumnModel[] {
  const names = new Set(declared.columns.map((c) => c.name));
  return live.columns.filter((c) => !names.has(c.name));
}

/** Whether a constraint or index involves one of `columns` (by its key columns or anywhere in its text). */
export function involvesColumns(object: ConstraintModel | IndexModel, columns: readonly string[]): boolean {
  if (columns.length === 0) return false;
  const listed = 'kind' in object ? object.columns : object.keys;
  if (listed.some((c) => columns.includes(c))) return true;
  const words = columns.flatMap((c) => [c, quoteIdent(c)]).map((w) => w.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&'));
  return new RegExp(`(?<![\\w$"])(?:${words.join('|')})(?![\\w$"])`).test(object.definition);
}

/**
 * The schema adoption converges to: the declared one, plus everything of the live database
 * that adoption must not remove (tables, views, functions, sequences, types and extensions
 * outside the declared schema; columns of declared tables that are not declared, with the
 * constraints and indexes on them, until adoption has decided whether they hold data).
 * Diffing the live model against it yields only changes that lose nothing.
 */
export function adoptionTarget(declared: SchemaModel, live: SchemaModel): SchemaModel {
  const out = structuredClone(declared);
  const declaredTables = new Map(declared.tables.map((t) => [key(t), t]));
  out.tables = out.tables.map((t) => {
    const current = live.tables.find((l) => key(l) === key(t));
    if (!current) return t;
    const extra = extraColumns(t, current);
    if (extra.length === 0) return t;
    const names = extra.map((c) => c.name);
    const has = new Set([...t.constraints.map((c) => c.name), ...t.indexes.map((i) => i.name)]);
    const last = Math.max(0, ...t.columns.map((c) => c.position));
    return {
      ...t,
      columns: [...t.columns, ...extra.map((c, i) => ({ ...c, position: last + i + 1 }))],
      constraints: [...t.constraints, ...current.constraints.filter((c) => !has.has(c.name) && involvesColumns(c, names))],
      indexes: [...t.indexes, ...current.indexes.filter((i) => !has.has(i.name) && i.constraint === null && involvesColumns(i, names))],
    };
  });
  const keep = <T extends { schema: string; name: string }>(declaredList: T[], liveList: T[], id: (x: T) => string = key) => {
    const ids = new Set(declaredList.map(id));
    return [...declaredList, ...liveList.filter((x) => !ids.has(id(x)))];
  };
  out.tables = keep(
    out.tables,
    live.tables.filter((t) => !declaredTables.has(key(t))),
  );
  out.views = keep(out.views, live.views);
  out.functions = keep(out.functions, live.functions, (f) => `${f.schema}.${f.name}(${f.arguments})`);
  out.sequences = keep(out.sequences, live.sequences);
  out.enums = keep(out.enums, live.enums);
  out.extensions = keep(out.extensions, live.extensions, (e) => e.name);
  out.schemas = [...new Set([...out.schemas, ...live.schemas])];
  return out;
}

/**
 * The unmanaged patterns for what the live database has beyond the declared schema: one per
 * table, view, function, sequence, type and extension (`schema.name`). Columns kept in a
 * declared table are added by adoption itself, once it knows they hold data.
 */
export function unmanagedObjects(declared: SchemaModel, live: SchemaModel): string[] {
  const names = new Set<string>();
  const outside = <T extends { schema: string; name: string }>(d: T[], l: T[]) => {
    const ids = new Set(d.map(key));
    for (const x of l) if (!ids.has(key(x))) names.add(key(x));
  };
  outside(declared.tables, live.tables);
  outside(declared.views, live.views);
  outside(declared.functions, live.functions);
  outside(declared.sequences, live.sequences);
  outside(declared.enums, live.enums);
  const ext = new Set(declared.extensions.map((e) => e.name));
  for (const e of live.extensions) if (!ext.has(e.name)) names.add(`${e.schema}.${e.name}`);
  const schemas = new Set(declared.schemas);
  for (const s of live.schemas) if (!schemas.has(s)) names.add(s);
  return [...names].sort();
}
