import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { SupplierError, requireSupplier } from './suppliers.ts';
import { isoUtc } from '../timestamps.ts';

/**
 * A price break: from `fromQuantity` units bought (more than 1), `costPerUnit` each. The
 * rate's own cost is its price from 1 unit; a purchase of N pays the price of the largest
 * break N reaches (public.rate_price_at, migration 0035).
 */
export interface PriceBreak {
  fromQuantity: string;
  costPerUnit: string;
}

/** The most breaks one rate may have: enough for any supplier's price list, few enough to read on a page. */
export const MAX_BREAKS = 20;

/**
 * What a supplier charges for a variant over a period. Money and quantities are decimal
 * strings exactly as PostgreSQL keeps them ("12.50", "1.000"), never binary floats; dates
 * are `YYYY-MM-DD`, `effectiveTo` null for open-ended. `breaks` are its price breaks by
 * quantity, smallest first; `leadTimeDays` null means the supplier's default lead time;
 * an order is bought in whole packs of `packSize`.
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
  breaks: PriceBreak[];
  leadTimeDays: number | null;
  packSize: string;
  createdAt: string;
  updatedAt: string;
}

/** The terms of a rate a caller sets. `breaks` replaces the rate's set of breaks. */
export interface RateTerms {
  costPerUnit: string;
  currency: string;
  minimumOrderQuantity: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  isActive: boolean;
  breaks: PriceBreak[];
  leadTimeDays: number | null;
  packSize: string;
}

/** The columns of a Rate, from variant_supplier_pricing `p` joined to suppliers `s`. */
export const RATE_COLUMNS = `p.id AS "rateId", p.supplier_id AS "supplierId", s.firm_name AS "firmName", p.variant_id AS "variantId",
  p.cost_per_unit::text AS "costPerUnit", p.currency::text AS currency, p.minimum_order_quantity::text AS "minimumOrderQuantity",
  to_char(p.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(p.effective_to, 'YYYY-MM-DD') AS "effectiveTo", p.is_active AS "isActive",
  coalesce((SELECT json_agg(json_build_object('fromQuantity', b.min_quantity::text, 'costPerUnit', b.cost_per_unit::text) ORDER BY b.min_quantity)
              FROM public.variant_supplier_price_breaks b WHERE b.rate_id = p.id), '[]'::json) AS breaks,
  p.lead_time_days AS "leadTimeDays", p.pack_size::text AS "packSize",
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
async function assertRateFits(
  q: Queryable,
  rate: { rateId: number | null; supplierId: number; variantId: number } & Pick<RateTerms, 'effectiveFrom' | 'effectiveTo' | 'isActive'>,
): Promise<void> {
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

/** A decimal string as PostgreSQL writes it at `scale` decimals ("0100.5" → "100.500"), so equal amounts compare equal. */
export function decimalText(text: string, scale: number): string {
  const [whole = '0', fraction = ''] = text.split('.');
  return `${BigInt(whole)}${scale > 0 ? `.${fraction.padEnd(scale, '0')}` : ''}`;
}

const QUANTITY_TEXT = /^\d{1,9}(\.\d{1,3})?$/;
const COST_TEXT = /^-?\d{1,10}(\.\d{1,2})?$/;

/**
 * What is wrong with a set of breaks, in words a person can act on ("write …"), or null when
 * nothing is: at most MAX_BREAKS; each from more than 1 unit (the rate's own cost is its price
 * from 1); no two from one quantity; no cost below 0; numbers as numeric(12,3) and numeric(12,2)
 * hold them. Shared by the API, the CLI and the rates import.
 */
export function breaksProblem(breaks: readonly PriceBreak[]): string | null {
  if (breaks.length > MAX_BREAKS) return `write at most ${MAX_BREAKS} breaks a rate, not ${breaks.length}`;
  const seen = new Set<string>();
  for (const b of breaks) {
    if (!QUANTITY_TEXT.test(b.fromQuantity))
      return `write a break's quantity as a number such as 100 or 2.5 (at most 9 digits before the point and 3 after), not "${b.fromQuantity}"`;
    if (!COST_TEXT.test(b.costPerUnit))
      return `write the cost of the break from ${b.fromQuantity} as an amount such as 9.50 (at most 10 digits before the point and 2 after), not "${b.costPerUnit}"`;
    if (Number(b.fromQuantity) <= 1) return `write each break from more than 1 unit (the rate's own cost is its price from 1 unit), not from ${b.fromQuantity}`;
    if (b.costPerUnit.startsWith('-')) return `write a cost of 0 or more for the break from ${b.fromQuantity}, not ${b.costPerUnit}`;
    const key = decimalText(b.fromQuantity, 3);
    if (seen.has(key)) return `write each quantity once: two breaks are from ${b.fromQuantity}`;
    seen.add(key);
  }
  return null;
}

/** `INVALID_BREAKS`, `INVALID_LEAD_TIME`, `INVALID_PACK_SIZE` (400) unless the terms a caller gives are well formed. */
function assertTermsWellFormed(terms: Partial<RateTerms>): void {
  const problem = terms.breaks === undefined ? null : breaksProblem(terms.breaks);
  if (problem !== null) throw new SupplierError('INVALID_BREAKS', `breaks: ${problem}`, 'usage', { field: 'breaks' });
  const days = terms.leadTimeDays;
  if (days !== undefined && days !== null && !(Number.isInteger(days) && days >= 0 && days <= 730)) {
    throw new SupplierError(
      'INVALID_LEAD_TIME',
      `leadTimeDays: write a whole number of days from 0 to 730, or null for the supplier's default, not ${days}`,
      'usage',
      {
        field: 'leadTimeDays',
      },
    );
  }
  if (terms.packSize !== undefined && !(QUANTITY_TEXT.test(terms.packSize) && Number(terms.packSize) > 0)) {
    throw new SupplierError('INVALID_PACK_SIZE', `packSize: write a quantity above 0 such as 1, 12 or 2.5, not "${terms.packSize}"`, 'usage', {
      field: 'packSize',
    });
  }
}

/** Replaces a rate's breaks with `breaks` (none: the rate has no breaks). */
async function setBreaks(q: Queryable, rateId: number, breaks: readonly PriceBreak[]): Promise<void> {
  await q.query('DELETE FROM public.variant_supplier_price_breaks WHERE rate_id = $1', [rateId]);
  if (breaks.length === 0) return;
  await q.query(
    `INSERT INTO public.variant_supplier_price_breaks (rate_id, min_quantity, cost_per_unit)
     SELECT $1, b.q, b.c FROM unnest($2::numeric[], $3::numeric[]) AS b(q, c)`,
    [rateId, breaks.map((b) => b.fromQuantity), breaks.map((b) => b.costPerUnit)],
  );
}

/** What a new rate is: its supplier and variant, and its terms. */
export type NewRate = { supplierId: number; variantId: number } & Omit<RateTerms, 'breaks' | 'leadTimeDays' | 'packSize'> &
  Partial<Pick<RateTerms, 'breaks' | 'leadTimeDays' | 'packSize'>>;

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
  assertTermsWellFormed(input);
  await requireSupplier(q, input.supplierId, true);
  await requireVariant(q, input.variantId);
  await assertRateFits(q, { ...input, rateId: null });
  const r = await q.query<{ id: number }>(
    `INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, minimum_order_quantity, effective_from, effective_to, is_active,
                                                  lead_time_days, pack_size)
     VALUES ($1, $2, $3::numeric, $4, $5::numeric, $6::date, $7::date, $8, $9, $10::numeric) RETURNING id`,
    [
      input.supplierId,
      input.variantId,
      input.costPerUnit,
      input.currency,
      input.minimumOrderQuantity,
      input.effectiveFrom,
      input.effectiveTo,
      input.isActive,
      input.leadTimeDays ?? null,
      input.packSize ?? '1',
    ],
  );
  await setBreaks(q, r.rows[0]!.id, input.breaks ?? []);
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
  breaks: r.breaks,
  leadTimeDays: r.leadTimeDays,
  packSize: r.packSize,
});

async function changeRate(q: Queryable, rateId: number, change: Partial<RateTerms>): Promise<{ before: Rate; after: Rate }> {
  assertTermsWellFormed(change);
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
    breaks: change.breaks ?? before.breaks,
    leadTimeDays: change.leadTimeDays === undefined ? before.leadTimeDays : change.leadTimeDays,
    packSize: change.packSize ?? before.packSize,
  };
  await assertRateFits(q, { ...terms, rateId, supplierId: before.supplierId, variantId: before.variantId });
  await q.query(
    `UPDATE public.variant_supplier_pricing SET cost_per_unit = $2::numeric, currency = $3, minimum_order_quantity = $4::numeric,
            effective_from = $5::date, effective_to = $6::date, is_active = $7, lead_time_days = $8, pack_size = $9::numeric
      WHERE id = $1 -- a change to the same terms writes nothing (updated_at stays, as the trail does)
        AND (cost_per_unit, currency, minimum_order_quantity, effective_from, effective_to, is_active, lead_time_days, pack_size)
            IS DISTINCT FROM ($2::numeric, $3, $4::numeric, $5::date, $6::date, $7, $8::int, $9::numeric)`,
    [
      rateId,
      terms.costPerUnit,
      terms.currency,
      terms.minimumOrderQuantity,
      terms.effectiveFrom,
      terms.effectiveTo,
      terms.isActive,
      terms.leadTimeDays,
      terms.packSize,
    ],
  );
  if (change.breaks !== undefined && !sameBreaks(change.breaks, before.breaks)) {
    await setBreaks(q, rateId, change.breaks);
    await q.query('UPDATE public.variant_supplier_pricing SET updated_at = now() WHERE id = $1', [rateId]);
  }
  return { before, after: (await getRate(q, rateId))! };
}

/** True when two sets of breaks are the same breaks, whatever their order or how their numbers are written. */
function sameBreaks(a: readonly PriceBreak[], b: readonly PriceBreak[]): boolean {
  const key = (list: readonly PriceBreak[]) =>
    list
      .map((x) => `${decimalText(x.fromQuantity, 3)}:${decimalText(x.costPerUnit, 2)}`)
      .sort()
      .join(' ');
  return key(a) === key(b);
}
