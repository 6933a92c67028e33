/**
 * The engine's own tables: the ledger, the objects an adoption left unmanaged, and the rows an
 * adoption merged away. All live in `public` under the reserved prefix `mtc_schema_`, so that
 * one rule keeps them (and their indexes and sequences) out of every model and fingerprint.
 */
export const ENGINE_SCHEMA = 'public';
export const ENGINE_PREFIX = 'mtc_schema_';

/** SQL: whether the relation named `relname` in namespace `nspname` (two column expressions) is the engine's. */
export function isEngineRelation(nspname: string, relname: string): string {
  return `(${nspname} IS NOT DISTINCT FROM '${ENGINE_SCHEMA}' AND ${relname} ~ '^${ENGINE_PREFIX}')`;
}
