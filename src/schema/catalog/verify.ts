import type { Queryable } from '../../db/types.ts';
import { readUnmanaged } from '../adopt/adopt.ts';
import { compareModels } from './compare.ts';
import type { Finding } from './compare.ts';
import { inspect } from './inspect.ts';
import type { SchemaModel } from './model.ts';

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
 * What `mtc verify` reports: the live database (`db`) compared with the declared schema
 * (`expected`, loaded once the database has been read), leaving out what the scope and `mtc adopt` (recorded in the database) say
 * is not MTC's.
 */
export async function verifyDatabase(db: Queryable, expected: () => Promise<SchemaModel>, scope: VerifyScope): Promise<Verification> {
  const actual = await inspect(db);
  const adopted = await readUnmanaged(db);
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
