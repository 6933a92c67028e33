import type { Database, Queryable } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { createRateIn, updateRateIn } from '../suppliers/rates.ts';
import type { NewRate, RateTerms } from '../suppliers/rates.ts';
import { CostingError, costProcesses, isDay } from './costing.ts';
import type { ProcessCost } from './costing.ts';

/**
 * What a change of rates does to the margins, before it is saved. The proposed changes are
 * written by the very functions that save them (createRateIn, updateRateIn, or an import's
 * write) inside a transaction that is rolled back: the processes that use the variants whose
 * rates were written are costed after the change, the writes are rolled back to a savepoint,
 * and the same processes are costed again as they stand. So no rule of rates or costing is
 * written twice, a change saving would refuse is answered with saving's own refusal, and what
 * the what-if shows is exactly what saving would do (price breaks and all).
 *
 * Both costings are of each process's usual lot size, on one day: `at` when given, else the
 * later of today and the earliest day a written rate starts (so a rate that starts next month
 * is judged on the day it starts). Only the worst case is compared: a margin is judged by it.
 */

/** One proposed change: an existing rate's new terms (`rateId`; `isActive: false` deactivates it), or a new rate. */
export type RateProposal = ({ rateId: number } & Partial<RateTerms>) | NewRate;

/** The most changes one what-if takes: each is a write and a check, all in one transaction. */
export const MAX_PROPOSALS = 100;

/** A process's worst case at one moment of a what-if. */
export interface MarginState {
  /** The whole run's worst-case cost (usual lot size). */
  total: string;
  /** One unit's share of it. */
  unit: string;
  /** The worst-case margin in percent (2 decimals); null without a sales price. */
  margin: string | null;
  /** False when a variant it uses has no rate in effect: the figures are then lower bounds. */
  complete: boolean;
  belowTarget: boolean | null;
}

/** A process whose worst case the change moves. */
export interface MarginMove {
  processId: number;
  name: string;
  status: string;
  /** The run costed: the process's usual lot size. */
  quantity: number;
  targetMargin: string;
  before: MarginState;
  after: MarginState;
  /** 'below': the change takes it below its target; 'above': back to it or above; null: no crossing. */
  crossed: 'below' | 'above' | null;
}

/** What a change of rates does: the day it is judged on and every process whose worst case it moves. */
export interface WhatIf {
  /** The day whose rates count (YYYY-MM-DD). */
  asOf: string;
  /** The variants whose rates the change writes. */
  variantIds: number[];
  /** How many live processes use them (each costed before and after). */
  processesCosted: number;
  /** Those whose worst-case total changes, the ones that fall below their target first, then by name. */
  processes: MarginMove[];
  fellBelow: number;
  roseAbove: number;
  /**
   * Saving would be refused: saving's own code and message (the change's place in the list
   * first) and which change; nothing is costed then. Null when saving would go through.
   */
  refused: { code: string; message: string; index: number } | null;
}

/** A proposed change saving would refuse: ends the what-if's transaction. */
class Refused extends Error {
  readonly refusal: { code: string; message: string; index: number };
  constructor(refusal: { code: string; message: string; index: number }) {
    super(refusal.message);
    this.refusal = refusal;
  }
}

/** Raised to end a what-if's transaction: everything it wrote is rolled back. */
class RollBack extends Error {
  readonly result: WhatIf;
  constructor(result: WhatIf) {
    super('what-if rolled back');
    this.result = result;
  }
}

/**
 * What saving `proposals` would do to every margin, saving nothing: the changes are applied in
 * order, as the rates API would apply them one by one, in a transaction that is rolled back.
 * `WHAT_IF_EMPTY` / `WHAT_IF_TOO_LARGE` (400) for no change or more than MAX_PROPOSALS. A
 * change saving would refuse is no error of the what-if: its answer says so in `refused`, with
 * saving's code (`NOT_FOUND`, `RATE_OVERLAP`, `INVALID_PERIOD`) and message, the message
 * starting with the change's place in the list, and costs nothing.
 */
export async function rateWhatIf(db: Database, proposals: readonly RateProposal[], actor: Actor, options: { at?: string } = {}): Promise<WhatIf> {
  if (proposals.length === 0) throw new CostingError('WHAT_IF_EMPTY', 'changes: give at least one rate change to try', 'usage', { field: 'changes' });
  if (proposals.length > MAX_PROPOSALS)
    throw new CostingError(
      'WHAT_IF_TOO_LARGE',
      `changes: try at most ${MAX_PROPOSALS} rate changes at a time, not ${proposals.length}: split them, or import them as a file and read its preview`,
      'usage',
      { field: 'changes', limit: MAX_PROPOSALS },
    );
  const result = rolledBack(db, (tx) =>
    marginsMovedBy(
      tx,
      async () => {
        for (const [i, p] of proposals.entries()) {
          try {
            if ('rateId' in p) {
              const { rateId, ...change } = p;
              await updateRateIn(tx, rateId, change, actor);
            } else await createRateIn(tx, p, actor);
          } catch (err) {
            if (!(err instanceof MtcError) || (err.category !== 'state' && err.category !== 'usage')) throw err;
            const which = 'rateId' in p ? `rate ${p.rateId}` : `a new rate of supplier ${p.supplierId} for variant ${p.variantId}`;
            throw new Refused({ code: err.code, message: `changes[${i}] (${which}): ${err.message}`, index: i });
          }
        }
      },
      options,
    ),
  );
  try {
    return await result;
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    const today = (await db.query<{ d: string }>(`SELECT to_char(coalesce($1::date, CURRENT_DATE), 'YYYY-MM-DD') AS d`, [options.at ?? null])).rows[0]!.d;
    return { asOf: today, variantIds: [], processesCosted: 0, processes: [], fellBelow: 0, roseAbove: 0, refused: err.refusal };
  }
}

/** Runs `fn` in a transaction that is always rolled back, and answers what it found. */
export async function rolledBack(db: Database, fn: (tx: Queryable) => Promise<WhatIf>): Promise<WhatIf> {
  try {
    await db.transaction(async (tx) => {
      throw new RollBack(await fn(tx));
    });
  } catch (err) {
    if (err instanceof RollBack) return err.result;
    throw err;
  }
  throw new Error('unreachable: a what-if transaction never commits');
}

/**
 * In the caller's transaction (which the caller rolls back): applies the change with `apply`,
 * finds the variants whose rates it wrote (their rows' updated_at is the transaction's start,
 * now(), as only this transaction's writes can be), costs the live processes using them, undoes
 * the change (ROLLBACK TO SAVEPOINT) and costs them again. Two costing queries, whatever the
 * number of processes; `INVALID_DATE` for a bad `at`.
 */
export async function marginsMovedBy(tx: Queryable, apply: () => Promise<void>, options: { at?: string } = {}): Promise<WhatIf> {
  if (options.at !== undefined && !isDay(options.at))
    throw new CostingError('INVALID_DATE', `at: write a day as YYYY-MM-DD, such as 2026-11-05, not ${JSON.stringify(options.at)}`, 'usage', { field: 'at' });
  await tx.query('SAVEPOINT what_if');
  await apply();
  const written = (
    await tx.query<{ variantIds: number[] | null; day: string; processIds: number[] | null }>(
      `WITH touched AS (SELECT variant_id, effective_from FROM public.variant_supplier_pricing WHERE updated_at = now()),
            vs AS (SELECT array_agg(DISTINCT variant_id ORDER BY variant_id) AS ids, min(effective_from) AS starts FROM touched)
       SELECT vs.ids AS "variantIds",
              to_char(coalesce($1::date, greatest(CURRENT_DATE, coalesce(vs.starts, CURRENT_DATE))), 'YYYY-MM-DD') AS day,
              (SELECT array_agg(DISTINCT ps.process_id ORDER BY ps.process_id)
                 FROM public.variant_usage vu
                 JOIN public.process_subprocesses ps ON ps.id = vu.process_subprocess_id
                 JOIN public.processes p ON p.id = ps.process_id AND p.deleted_at IS NULL
                WHERE vu.variant_id = ANY(vs.ids)) AS "processIds"
         FROM vs`,
      [options.at ?? null],
    )
  ).rows[0]!;
  const processIds = written.processIds ?? [];
  const after = await costProcesses(tx, processIds, { at: written.day });
  await tx.query('ROLLBACK TO SAVEPOINT what_if');
  const before = await costProcesses(tx, processIds, { at: written.day });
  const processes = processIds.flatMap((id) => {
    const b = before.get(id);
    const a = after.get(id);
    if (!b || !a || (b.total.worst === a.total.worst && b.complete === a.complete)) return [];
    const crossed = b.belowTarget !== true && a.belowTarget === true ? 'below' : b.belowTarget === true && a.belowTarget === false ? 'above' : null;
    return [
      {
        processId: id,
        name: a.name,
        status: a.status,
        quantity: a.quantity,
        targetMargin: a.targetMargin,
        before: stateOf(b),
        after: stateOf(a),
        crossed,
      } as MarginMove,
    ];
  });
  processes.sort((x, y) => Number(y.crossed === 'below') - Number(x.crossed === 'below') || x.name.localeCompare(y.name) || x.processId - y.processId);
  return {
    asOf: written.day,
    variantIds: written.variantIds ?? [],
    processesCosted: processIds.length,
    processes,
    fellBelow: processes.filter((p) => p.crossed === 'below').length,
    roseAbove: processes.filter((p) => p.crossed === 'above').length,
    refused: null,
  };
}

const stateOf = (c: ProcessCost): MarginState => ({
  total: c.total.worst,
  unit: c.unit.worst,
  margin: c.margin?.worst ?? null,
  complete: c.complete,
  belowTarget: c.belowTarget,
});
