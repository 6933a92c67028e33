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
}

export interface Verification {
  /** Every finding, the unmanaged ones included, in compareModels' order. */
  findings: Finding[];
  /** How many findings are differences (neither unmanaged nor ignored): 0 when the database matches. */
  differences: number;
}

/**
 * What `mtc verify` reports: the live database (`db`) compared with the declared schema
 * (`expected`, loaded once the database has been read), leaving out what the scope and `mtc adopt` (recorded in the database) say
 * is not MTC's.
 */
export async function verifyDatabase(db: Queryable, expected: () => Promise<SchemaModel>, scope: VerifyScope): Promise<Verification> {
  const actual = await inspect(db);
  const adopted = await readUnmanaged(db);
  const findings = compareModels(await expected(), actual, { ignore: [...scope.ignore], unmanaged: [...scope.unmanaged, ...adopted] });
  return { findings, differences: findings.filter((f) => f.kind !== 'unmanaged' && f.kind !== 'ignored').length };
}
