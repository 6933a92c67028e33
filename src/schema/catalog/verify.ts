import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/types.ts';
import { readUnmanaged } from '../adopt/adopt.ts';
import { compareModels } from './compare.ts';
import type { Finding } from './compare.ts';
import { inspect } from './inspect.ts';
import type { SchemaModel } from './model.ts';
import { CATALOG_STATE_QUERY } from './queries.ts';

/** Objects left out of a comparison: `ignore` never reported, `unmanaged` listed but not compared (mtc.config.json). */
export interface VerifyScope {
  ignore: readonly string[];
  unmanaged: readonly string[];
  /** Extensions the schema uses where the server has them, and does without elsewhere. */
  optional?: readonly OptionalExtension[] | undefined;
}

/**
 * An extension the declared schema uses where the server offers it (the migration creates it
 * only then), with the objects made only when it is there. A database without it is not
 * drift: verify warns, in `without`'s words, what is slower or missing for it.
 */
export interface OptionalExtension {
  extension: string;
  /** The objects that need it, as `schema.table.name` (an index) or `schema.name`. */
  objects: readonly string[];
  /** What a database without it does instead, e.g. "item search reads every item (slower)". */
  without: string;
}

export interface Verification {
  /** Every finding, the unmanaged ones included, in compareModels' order. */
  findings: Finding[];
  /** How many findings are differences (neither unmanaged nor ignored): 0 when the database matches. */
  differences: number;
  /** An optional extension the database does without, and what that costs: not differences. */
  warnings: string[];
}

/**
 * Where earlier verifications are kept (`mtc verify` keeps them in MTC's cache directory), so
 * that a database whose catalog has not been written since is not read again.
 */
export interface VerificationCache {
  /** Names the declared schema: a new one for any change to it (the snapshot's content key). */
  declared: string;
  /** The verification stored for `server` (a database: CATALOG_STATE_QUERY's `server`) under `key`, if that is the one stored. */
  read(server: string, key: string): Promise<Verification | undefined>;
  write(server: string, key: string, verification: Verification): Promise<void>;
}

/**
 * What `mtc verify` reports: the live database (`db`) compared with the declared schema
 * (`expected`, loaded once the database has been read), leaving out what the scope and `mtc adopt` (recorded in the database) say
 * is not MTC's.
 *
 * With a `cache`, the catalog's state is read first (CATALOG_STATE_QUERY, one statement with no
 * pg_get_*def): when it, the declared schema, the scope and the adopted objects are all what
 * they were at a verification kept in the cache, that verification is the answer, and neither
 * model is made. Otherwise the database is inspected and compared, and the answer kept if the
 * catalog's state was the same after the inspection as before it (no DDL ran meanwhile).
 */
export async function verifyDatabase(
  db: Queryable,
  expected: () => Promise<SchemaModel>,
  scope: VerifyScope,
  cache?: VerificationCache,
): Promise<Verification> {
  const state = cache ? await catalogState(db) : undefined;
  const adopted = await readUnmanaged(db);
  const key =
    cache && state
      ? createHash('sha256')
          .update(JSON.stringify([state.fingerprint, cache.declared, scope.ignore, scope.unmanaged, scope.optional ?? [], adopted]))
          .digest('hex')
      : undefined;
  if (cache && state && key) {
    const known = await cache.read(state.server, key);
    if (known) return known;
  }
  const verification = await compareWith(await inspect(db), adopted, expected, scope);
  if (cache && state && key && (await catalogState(db))?.fingerprint === state.fingerprint) await cache.write(state.server, key, verification);
  return verification;
}

/** The catalog's state (CATALOG_STATE_QUERY), or undefined where the server does not tell it (a function it lacks or refuses). */
async function catalogState(db: Queryable): Promise<{ server: string; fingerprint: string } | undefined> {
  try {
    const row = (await db.query<{ server: string | null; fingerprint: string }>(CATALOG_STATE_QUERY)).rows[0];
    return row?.server ? { server: row.server, fingerprint: row.fingerprint } : undefined;
  } catch {
    return undefined;
  }
}

/** The live model (`actual`) compared with the declared one, within the scope. */
async function compareWith(actual: SchemaModel, adopted: readonly string[], expected: () => Promise<SchemaModel>, scope: VerifyScope): Promise<Verification> {
  const declared = await expected();
  const compared = compareModels(declared, actual, { ignore: [...scope.ignore], unmanaged: [...scope.unmanaged, ...adopted] });
  const absent = (scope.optional ?? []).filter(
    (o) => declared.extensions.some((e) => e.name === o.extension) && !actual.extensions.some((e) => e.name === o.extension),
  );
  const findings = compared.filter((f) => !absent.some((o) => neededOnlyBy(f, o)));
  const warnings = absent.map((o) => `extension ${o.extension} is not installed: ${o.without}`);
  return { findings, differences: findings.filter((f) => f.kind !== 'unmanaged' && f.kind !== 'ignored').length, warnings };
}

/** Whether `f` says only that the optional extension `o`, or an object made with it, is missing. */
function neededOnlyBy(f: Finding, o: OptionalExtension): boolean {
  if (f.kind !== 'missing') return false;
  if (f.object === 'extension') return f.name === o.extension;
  return o.objects.includes(f.table === undefined ? `${f.schema}.${f.name}` : `${f.schema}.${f.table}.${f.name}`);
}
