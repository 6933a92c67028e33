import type { Queryable } from '../../db/types.ts';
import { RATE_COLUMNS, requireVariant } from './rates.ts';
import type { Rate } from './rates.ts';

/** A variant's suppliers side by side on one day. */
export interface SupplierComparison {
  variantId: number;
  asOf: string;
  /** Each supplier's rate in effect on `asOf`, cheapest first. */
  rates: Rate[];
  /** The dearest rate (what worst-case costing uses); null without rates or when currencies differ. */
  highest: Rate | null;
  /** The cheapest rate; null without rates or when currencies differ. */
  lowest: Rate | null;
  /** The currencies of `rates`: with more than one, no highest or lowest is named (no exchange rates here). */
  currencies: string[];
}

/**
 * For each supplier of a variant, its active rate in effect on `asOf` (default: today in the
 * database's time zone): effective_from <= asOf and effective_to null or >= asOf. Should a
 * supplier have several (data from before overlaps were refused), the latest-starting one
 * counts. Ties on cost go to the lower supplier id. `NOT_FOUND` for an unknown variant.
 */
export async function compareSuppliers(q: Queryable, variantId: number, asOf?: string): Promise<SupplierComparison> {
  await requireVariant(q, variantId);
  const r = await q.query<Rate & { day: string; hi: string; lo: string }>(
    `WITH current AS (
       SELECT DISTINCT ON (p.supplier_id) ${RATE_COLUMNS}, p.cost_per_unit AS cost
         FROM public.variant_supplier_pricing p JOIN public.suppliers s ON s.supplier_id = p.supplier_id
        WHERE p.variant_id = $1 AND p.is_active AND p.effective_from <= coalesce($2::date, CURRENT_DATE)
          AND (p.effective_to IS NULL OR p.effective_to >= coalesce($2::date, CURRENT_DATE))
        ORDER BY p.supplier_id, p.effective_from DESC, p.id DESC)
     SELECT c.*, to_char(coalesce($2::date, CURRENT_DATE), 'YYYY-MM-DD') AS day,
            row_number() OVER (ORDER BY cost DESC, "supplierId")::text AS hi,
            row_number() OVER (ORDER BY cost, "supplierId")::text AS lo
       FROM current c ORDER BY cost, "supplierId"`,
    [variantId, asOf ?? null],
  );
  const day =
    r.rows[0]?.day ?? (await q.query<{ d: string }>(`SELECT to_char(coalesce($1::date, CURRENT_DATE), 'YYYY-MM-DD') AS d`, [asOf ?? null])).rows[0]!.d;
  const rates = r.rows.map(({ day: _d, hi: _h, lo: _l, cost: _c, ...rate }: Rate & { day: string; hi: string; lo: string; cost?: unknown }) => rate);
  const currencies = [...new Set(rates.map((x) => x.currency))].sort();
  const single = currencies.length === 1;
  const pick = (rank: 'hi' | 'lo') => {
    const i = r.rows.findIndex((row) => row[rank] === '1');
    return single && i >= 0 ? rates[i]! : null;
  };
  return { variantId, asOf: day, rates, highest: pick('hi'), lowest: pick('lo'), currencies };
}
