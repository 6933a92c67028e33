/** Reading libpg-query's JSON parse trees, for the lint's walkers and checks. */
import type { Node } from 'libpg-query';

export type JsonObject = Record<string, unknown>;

/** True for a plain object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The last identifier of a name list (`pg_catalog.int4` → `int4`), or '' if there is none. */
export function lastName(names: readonly Node[] | undefined): string {
  const last = names?.[names.length - 1];
  return last !== undefined && 'String' in last ? (last.String.sval ?? '') : '';
}

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** True for `serial` and its kin: a column type that brings its own sequence. */
export function isSerialType(typeNames: readonly Node[] | undefined): boolean {
  return SERIAL_TYPES.has(lastName(typeNames));
}
