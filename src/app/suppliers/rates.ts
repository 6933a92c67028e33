import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { SupplierError, requireSupplier } from './suppliers.ts';
import { isoUtc } from '../timestamps.ts';

/**
 * What a supplier charges for a variant over a period. Money and quantities are decimal
 * strings exactly as PostgreSQL keeps them ("12.50", "1.000"), never binary floats; dates
 * are `YYYY-MM-DD`, `effectiveTo` null for open-ended.
 */
export interface Rate {
  rateId: number;
  supplierId: number;
  firmName: string;
  variantId: number;
  costPerUnit: string;
  currency: string;
  minimumOrderQuantity: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The terms of a rate a caller sets. */
export interface RateTerms {
  costPerUnit: string;
  currency: string;
  minimumOrderQuantity: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  isActive: boolean;
}

/** The columns of a Rate, from variant_supplier_pricing `p` joined to suppliers `s`. */
export const RATE_COLUMNS = `p.id AS "rateId", p.supplier_id AS "supplierId", s.firm_name AS "firmName", p.variant_id AS "variantId",
  p.cost_per_unit::text AS "costPerUnit", p.currency::text AS currency, p.minimum_order_quantity::text AS "minimumOrderQuantity",
  to_char(p.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(p.effective_to, 'YYYY-MM-DD') AS "effectiveTo", p.is_active AS "isActive",
  ${isoUtc('p.created_at')} AS "createdAt", ${isoUtc('p.updated_at')} AS "updatedAt"`;
const RATE_FROM = 'public.variant_supplier_pricing p JOIN public.suppliers s ON s.supplier_id = p.supplier_id';

/** One rate, or null. */
export async function getRate(q: Queryable, rateId: number): Promise<Rate | null> {
  return (await q.query<Rate>(`SELECT ${RATE_COLUMNS} FROM ${RATE_FROM} WHERE p.id = $1`, [rateId])).rows[0] ?? null;
}

async function requireRate(q: Queryable, rateId: number): Promise<Rate> {
  const r = await getRate(q, rateId);
  if (!r) throw new SupplierError('NOT_FOUND', `no rate ${rateId}`, 'state', { rateId });
  return r;
}

/** `NOT_FOUND` unless the variant exists and is not deleted. */
export async function requireVariant(q: Queryable, variantId: number): Promise<void> {
  const r = await q.query('SELECT 1 FROM public.item_variant WHERE variant_id = $1 AND deleted_at IS NULL', [variantId]);
  if (r.rowCount === 0) throw new SupplierError('NOT_FOUND', `no variant ${variantId}`, 'state', { variantId });
}

/** Every rate of a variant (or of a supplier), active or not, newest `effectiveFrom` first; `NOT_FOUND` for an unknown one. */
export async function rateHistory(q: Queryable, of: { variantId: number } | { supplierId: number }): Promise<Rate[]> {
  if ('variantId' in of) await requireVariant(q, of.variantId);
  else await requireSupplier(q, of.supplierId);
  const [column, id] = 'variantId' in of ? ['p.variant_id', of.variantId] : ['p.supplier_id', of.supplierId];
  return (await q.query<Rate>(`SELECT ${RATE_COLUMNS} FROM ${RATE_FROM} WHERE ${column} = $1 ORDER BY p.effective_from DESC, p.id DESC`, [id])).rows;
}

/**
 * The rules every rate keeps, checked before writing: the period ends on or after it starts
 * (`INVALID_PERIOD`, 400), and an active rate's period overlaps no other active rate of the
 * same supplier and variant (`RATE_OVERLAP`, 409), so at most one rate applies on any day.
 * The caller holds the supplier's row lock, so two writers cannot both pass the check.
 */
async function assertRateFits(q: Queryable, rate: { rateId: number | null; supplierId: number; variantId: number } & RateTerms): Promise<void> {
  if (rate.effectiveTo !== null && rate.effectiveTo < rate.effectiveFrom) {
    throw new SupplierError('INVALID_PERIOD', `effectiveTo ${rate.effectiveTo} is before effectiveFrom ${rate.effectiveFrom}`, 'usage', {
      field: 'effectiveTo',
    });
  }
  if (!rate.isActive) return;
  const clash = await q.query<{ id: number; from: string; to: string | null }>(
    `SELECT id, to_char(effective_from, 'YYYY-MM-DD') AS "from", to_char(effective_to, 'YYYY-MM-DD') AS "to" FROM public.variant_supplier_pricing
      WHERE supplier_id = $1 AND variant_id = $2 AND is_active AND id IS DISTINCT FROM $3
        AND daterange(effective_from, effective_to, '[]') && daterange($4::date, $5::date, '[]')
      ORDER BY effective_from LIMIT 1`,
    [rate.supplierId, rate.variantId, rate.rateId, rate.effectiveFrom, rate.effectiveTo],
  );
  const other = clash.rows[0];
  if (other) {
    throw new SupplierError(
      'RATE_OVERLAP',
      `supplier ${rate.supplierId} has an active rate ${other.id} for variant ${rate.variantId} from ${other.from} to ${other.to ?? 'open-ended'}, which overlaps this one: end or deactivate it first`,
      'state',
      { conflictingRateId: other.id },
    );
  }
}

/** What a new rate is: its supplier and variant, and its terms. */
export type NewRate = { supplierId: number; variantId: number } & RateTerms;

/**
 * Creates a rate as the actor, audited (`create` of `supplier_rate`) in the same transaction;
 * `NOT_FOUND` (404) for an unknown supplier or variant, and the rules of `assertRateFits`
 * (`INVALID_PERIOD`, `RATE_OVERLAP`): a refused rate writes nothing.
 */
export async function createRate(db: Database, input: NewRate, actor: Actor): Promise<Rate> {
  return db.transaction((tx) => createRateIn(tx, input, actor));
}

/** createRate inside the caller's transaction (the demo seed's, a test's). */
export async function createRateIn(q: Queryable, input: NewRate, actor: Actor): Promise<Rate> {
  await requireSupplier(q, input.supplierId, true);
  await requireVariant(q, input.variantId);
  await assertRateFits(q, { ...input, rateId: null });
  const r = await q.query<{ id: number }>(
    `INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, minimum_order_quantity, effective_from, effective_to, is_active)
     VALUES ($1, $2, $3::numeric, $4, $5::numeric, $6::date, $7::date, $8) RETURNING id`,
    [input.supplierId, input.variantId, input.costPerUnit, input.currency, input.minimumOrderQuantity, input.effectiveFrom, input.effectiveTo, input.isActive],
  );
  const rate = (await getRate(q, r.rows[0]!.id))!;
  await auditAs(q, actor, { action: 'create', entity: 'supplier_rate', entityId: rate.rateId, after: rate });
  return rate;
}

/**
 * Changes a rate's terms as the actor (supplier and variant stay: another pair is another rate),
 * audited with before and after; answers the rate after. `NOT_FOUND` (404) and the rules of
 * `assertRateFits`. A change that changes nothing (deactivating an inactive rate) records no event.
 */
export async function updateRate(db: Database, rateId: number, change: Partial<RateTerms>, actor: Actor): Promise<Rate> {
  return db.transaction((tx) => updateRateIn(tx, rateId, change, actor));
}

/** updateRate inside the caller's transaction (a what-if's, which rolls it back). */
export async function updateRateIn(q: Queryable, rateId: number, change: Partial<RateTerms>, actor: Actor): Promise<Rate> {
  const { before, after } = await changeRate(q, rateId, change);
  if (JSON.stringify(termsOf(before)) !== JSON.stringify(termsOf(after)))
    await auditAs(q, actor, { action: 'update', entity: 'supplier_rate', entityId: rateId, before, after });
  return after;
}

/** Takes a rate out of comparisons and costing as the actor; it stays in the history. Audited when it was active. */
export async function deactivateRate(db: Database, rateId: number, actor: Actor): Promise<Rate> {
  return updateRate(db, rateId, { isActive: false }, actor);
}

const termsOf = (r: Rate): RateTerms => ({
  costPerUnit: r.costPerUnit,
  currency: r.currency,
  minimumOrderQuantity: r.minimumOrderQuantity,
  effectiveFrom: r.effectiveFrom,
  effectiveTo: r.effectiveTo,
  isActive: r.isActive,
});

async function changeRate(q: Queryable, rateId: number, change: Partial<RateTerms>): Promise<{ before: Rate; after: Rate }> {
  const found = await requireRate(q, rateId);
  await requireSupplier(q, found.supplierId, true);
  const before = await requireRate(q, rateId); // read again under the lock
  const terms: RateTerms = {
    costPerUnit: change.costPerUnit ?? before.costPerUnit,
    currency: change.currency ?? before.currency,
    minimumOrderQuantity: change.minimumOrderQuantity ?? before.minimumOrderQuantity,
    effectiveFrom: change.effectiveFrom ?? before.effectiveFrom,
    effectiveTo: change.effectiveTo === undefined ? before.effectiveTo : change.effectiveTo,
    isActive: change.isActive ?? before.isActive,
  };
  await assertRateFits(q, { ...terms, rateId, supplierId: before.supplierId, variantId: before.variantId });
  await q.query(
    `UPDATE public.variant_supplier_pricing SET cost_per_unit = $2::numeric, currency = $3, minimum_order_quantity = $4::numeric,
            effective_from = $5::date, effective_to = $6::date, is_active = $7
      WHERE id = $1 -- a change to the same terms writes nothing (updated_at stays, as the trail does)
        AND (cost_per_unit, currency, minimum_order_quantity, effective_from, effective_to, is_active)
            IS DISTINCT FROM ($2::numeric, $3, $4::numeric, $5::date, $6::date, $7)`,
    [rateId, terms.costPerUnit, terms.currency, terms.minimumOrderQuantity, terms.effectiveFrom, terms.effectiveTo, terms.isActive],
  );
  return { before, after: (await getRate(q, rateId))! };
}
