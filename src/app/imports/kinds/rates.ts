import type { Queryable } from '../../../db/types.ts';
import { writeDay } from '../../settings/days.ts';
import { breaksProblem, decimalText } from '../../suppliers/rates.ts';
import type { PriceBreak } from '../../suppliers/rates.ts';
import { RowReader } from './fields.ts';
import { itemName, severalItems } from './items.ts';
import { emptyResult, reject } from './kind.ts';
import type { ImportKind, ParsedRow, WriteContext, WriteResult } from './kind.ts';

/** One row of a supplier-rates file, checked. */
export interface RateRow {
  supplier: string;
  item: string;
  model: string | null;
  variation: string | null;
  /** Null: the item is named by name, model and variation alone. */
  description: string | null;
  color: string;
  size: string;
  cost: string;
  currency: string;
  moq: string | null;
  /** Null: the rate in effect today (updated), or a new one from today. */
  from: string | null;
  to: string | null;
  active: boolean | null;
  /** Null: the rate's breaks stay as they are (none for a new rate); [] ("none"): it has none. */
  breaks: PriceBreak[] | null;
  /** Null: the rate's lead time stays (the supplier's default for a new rate). */
  leadTimeDays: number | null;
  /** Null: the rate's pack size stays (1 for a new rate). */
  packSize: string | null;
}

/**
 * A Price Breaks cell: `quantity:cost` pairs separated by semicolons ("100:9.50; 500:9.00"), or
 * "none" for no breaks; the breaks or what is wrong, in words.
 */
export function readBreaks(text: string): { breaks: PriceBreak[] } | { problem: string } {
  if (text.toLowerCase() === 'none') return { breaks: [] };
  const breaks: PriceBreak[] = [];
  for (const part of text.split(';').map((p) => p.trim())) {
    if (part === '') continue;
    const m = /^([^:]*):(.*)$/.exec(part);
    if (!m) return { problem: `"${part}" is not a break: write each as quantity:cost, separated by semicolons, e.g. 100:9.50; 500:9.00 (or none)` };
    breaks.push({ fromQuantity: m[1]!.trim(), costPerUnit: m[2]!.trim() });
  }
  const problem = breaksProblem(breaks);
  return problem === null ? { breaks } : { problem };
}

/** Breaks as a Price Breaks cell writes them, smallest quantity first, numbers as PostgreSQL keeps them: to tell a change from none. */
const breaksKey = (breaks: readonly PriceBreak[]) =>
  [...breaks]
    .sort((a, b) => Number(a.fromQuantity) - Number(b.fromQuantity))
    .map((b) => `${decimalText(b.fromQuantity, 3)}:${decimalText(b.costPerUnit, 2)}`)
    .join(';');

const lower = (s: string | null) => (s ?? '').toLowerCase();
/**
 * What suppliers charge for variants. A row names its supplier by firm name and its variant
 * by item (name, model, variation, and description when the row gives one, as the items import
 * names items) and colour and size, all of which must exist (import suppliers and items
 * first); a row whose item and colour and size are a variant of more than one item is
 * rejected, naming them. Its natural key is (supplier, variant, Effective From): an
 * existing rate is updated, otherwise one is made; with no Effective From, the rate in effect
 * today is updated, or a new one starts today. The rules of src/app/suppliers/rates.ts hold:
 * a period ends on or after it starts, and active periods of one supplier and variant do not
 * overlap.
 */
export const ratesKind: ImportKind<RateRow> = {
  name: 'rates',
  description: 'supplier rates for variants',
  label: 'Supplier rates',
  about:
    'One row per rate: what a supplier charges for a variant from a date; the supplier and the variant must exist (a Description tells apart items of one name, model and variation).',
  listPath: '/suppliers',
  costsProcesses: true,
  columns: [
    { key: 'supplier', label: 'Supplier', aliases: ['firm name', 'firm', 'supplier name', 'vendor'], required: true },
    { key: 'item', label: 'Item', aliases: ['item name', 'product'], required: true },
    { key: 'model', label: 'Model', aliases: [], required: false },
    { key: 'variation', label: 'Variation', aliases: [], required: false },
    { key: 'description', label: 'Description', aliases: ['desc', 'details', 'item description'], required: false },
    { key: 'color', label: 'Color', aliases: ['colour'], required: true },
    { key: 'size', label: 'Size', aliases: [], required: true },
    { key: 'cost', label: 'Cost', aliases: ['rate', 'cost per unit', 'unit cost', 'price', 'unit price'], required: true },
    { key: 'currency', label: 'Currency', aliases: ['curr'], required: false },
    { key: 'moq', label: 'MOQ', aliases: ['minimum order quantity', 'min order qty', 'min qty', 'minimum order'], required: false },
    { key: 'from', label: 'Effective From', aliases: ['from', 'valid from', 'start date', 'effective date'], required: false },
    { key: 'to', label: 'Effective To', aliases: ['to', 'valid to', 'valid until', 'end date'], required: false },
    { key: 'active', label: 'Active', aliases: ['is active', 'status'], required: false },
    { key: 'breaks', label: 'Price Breaks', aliases: ['breaks', 'quantity breaks', 'price break'], required: false },
    { key: 'lead', label: 'Lead Time (days)', aliases: ['lead time', 'lead time days', 'lead days'], required: false },
    { key: 'pack', label: 'Pack Size', aliases: ['pack', 'pack qty', 'pack quantity'], required: false },
  ],
  parse(cells, context) {
    const r = new RowReader({ ...cells, currency: (cells.currency ?? '').toUpperCase() }, context);
    const v: RateRow = {
      supplier: r.required('supplier', 255, 'Supplier') ?? '',
      item: r.required('item', 255, 'Item') ?? '',
      model: r.text('model', 255),
      variation: r.text('variation', 255),
      description: r.text('description', 10_000, true),
      color: r.required('color', 100, 'Color') ?? '',
      size: r.required('size', 100, 'Size') ?? '',
      cost: r.decimal('cost', 10, 2, 'an amount') ?? '',
      currency: r.matching('currency', 3, /^[A-Z]{3}$/, 'a currency code of three letters (e.g. INR)') ?? r.currency,
      moq: r.decimal('moq', 9, 3),
      from: r.day('from'),
      to: r.day('to'),
      active: r.flag('active'),
      breaks: null,
      leadTimeDays: null,
      packSize: r.decimal('pack', 9, 3, 'a pack size'),
    };
    const breaks = r.text('breaks', 2000);
    if (breaks !== null) {
      const read = readBreaks(breaks);
      if ('breaks' in read) v.breaks = read.breaks;
      else r.error('breaks', read.problem);
    }
    const lead = r.text('lead', 10);
    if (lead !== null) {
      if (/^\d{1,3}$/.test(lead) && Number(lead) <= 730) v.leadTimeDays = Number(lead);
      else r.error('lead', `"${lead}" is not a lead time: write a whole number of days from 0 to 730, or leave it empty for the supplier's default`);
    }
    if (v.packSize !== null && /^0*(\.0*)?$/.test(v.packSize)) r.error('pack', 'write a pack size more than 0, or leave it empty');
    if (v.cost === '' && !r.errors.some((e) => e.field === 'cost')) r.error('cost', 'Cost is required');
    if (v.moq !== null && /^0*(\.0*)?$/.test(v.moq)) r.error('moq', 'write a minimum order quantity more than 0, or leave it empty');
    if (v.from !== null && v.to !== null && v.to < v.from) r.error('to', `Effective To ${r.shown(v.to)} is before Effective From ${r.shown(v.from)}`);
    return r.result(v);
  },
  // One supplier-and-variant pair per write: each write's overlap check sees the rows before it.
  key: (v) => [v.supplier, v.item, v.model, v.variation, v.color, v.size].map(lower).join('\u0000'),
  write: writeRates,
};

interface Resolved {
  ord: string;
  supplierId: number | null;
  variantId: number | null;
  /** The items whose variants the row could mean, when more than one. */
  several: { id: number; description: string | null }[] | null;
  rateId: number | null;
  from: string;
  to: string | null;
  active: boolean;
  changed: boolean;
  /** The rate's breaks now, as breaksKey writes them ('' for none); null for a new rate. */
  breaksNow: string | null;
  clash: number | null;
}

async function writeRates(tx: Queryable, rows: ParsedRow<RateRow>[], ctx: WriteContext): Promise<WriteResult> {
  const result = emptyResult();
  const col = <K extends keyof RateRow>(k: K) => rows.map((r) => r.value[k]);
  // The suppliers' rows are locked in id order, as createRate does one at a time: writers of one supplier's rates queue.
  await tx.query(`SELECT 1 FROM public.suppliers WHERE lower(firm_name) IN (SELECT lower(n) FROM unnest($1::text[]) AS n) ORDER BY supplier_id FOR UPDATE`, [
    col('supplier'),
  ]);
  // Resolve names to ids (nothing is made: a rate's supplier and variant must exist), find the
  // rate each row means, work out its terms, and look for an active rate its period would overlap.
  const resolved = await tx.query<Resolved>(
    `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::numeric[], $10::date[], $11::date[], $12::boolean[], $13::text[], $14::int[], $15::numeric[])
                 WITH ORDINALITY AS k(supplier, item, model, variation, color, size, cost, currency, moq, "from", "to", active, description, lead, pack, ord)),
          s AS (SELECT DISTINCT ON (k.ord) k.ord, s.supplier_id FROM k JOIN public.suppliers s ON lower(s.firm_name) = lower(k.supplier) ORDER BY k.ord, s.supplier_id),
          vm AS (SELECT k.ord, v.variant_id, i.item_id, i.description, count(*) OVER (PARTITION BY k.ord) AS matches FROM k
                  JOIN public.item_master i ON lower(i.name) = lower(k.item) AND i.deleted_at IS NULL
                   AND (k.description IS NULL OR coalesce(i.description, '') = k.description)
                  LEFT JOIN public.model_master m ON m.model_id = i.model_id
                  LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
                  JOIN public.item_variant v ON v.item_id = i.item_id AND v.deleted_at IS NULL
                  JOIN public.color_master c ON c.color_id = v.color_id AND lower(c.color_name) = lower(k.color)
                  JOIN public.size_master z ON z.size_id = v.size_id AND lower(z.size_name) = lower(k.size)
                 WHERE lower(coalesce(m.model_name, '')) = lower(coalesce(k.model, '')) AND lower(coalesce(va.variation_name, '')) = lower(coalesce(k.variation, ''))),
          v AS (SELECT ord, variant_id FROM vm WHERE matches = 1),
          several AS (SELECT ord, jsonb_agg(jsonb_build_object('id', item_id, 'description', description) ORDER BY item_id) AS items FROM vm WHERE matches > 1 GROUP BY ord),
          r AS (SELECT DISTINCT ON (k.ord) k.ord, p.id, p.effective_from, p.effective_to, p.is_active, p.cost_per_unit, p.currency, p.minimum_order_quantity,
                       p.lead_time_days, p.pack_size,
                       (SELECT coalesce(string_agg(b.min_quantity::text || ':' || b.cost_per_unit::text, ';' ORDER BY b.min_quantity), '')
                          FROM public.variant_supplier_price_breaks b WHERE b.rate_id = p.id) AS breaks
                  FROM k JOIN s USING (ord) JOIN v USING (ord)
                  JOIN public.variant_supplier_pricing p ON p.supplier_id = s.supplier_id AND p.variant_id = v.variant_id
                 WHERE CASE WHEN k."from" IS NOT NULL THEN p.effective_from = k."from"
                            ELSE p.is_active AND p.effective_from <= current_date AND (p.effective_to IS NULL OR p.effective_to >= current_date) END
                 ORDER BY k.ord, p.is_active DESC, p.id DESC),
          t AS (SELECT k.ord, s.supplier_id, v.variant_id, r.id AS rate_id,
                       coalesce(k."from", r.effective_from, current_date) AS "from",
                       coalesce(k."to", r.effective_to) AS "to",
                       coalesce(k.active, r.is_active, true) AS active,
                       r.id IS NOT NULL AND (k.cost <> r.cost_per_unit OR k.currency <> r.currency OR coalesce(k.moq, r.minimum_order_quantity) <> r.minimum_order_quantity
                         OR k."to" IS DISTINCT FROM NULL AND k."to" IS DISTINCT FROM r.effective_to OR k.active IS NOT NULL AND k.active <> r.is_active
                         OR k.lead IS NOT NULL AND k.lead IS DISTINCT FROM r.lead_time_days OR k.pack IS NOT NULL AND k.pack <> r.pack_size) AS changed,
                       r.breaks
                  FROM k LEFT JOIN s USING (ord) LEFT JOIN v USING (ord) LEFT JOIN r USING (ord))
     SELECT t.ord::text AS ord, t.supplier_id AS "supplierId", t.variant_id AS "variantId", (SELECT items FROM several WHERE several.ord = t.ord) AS several, t.rate_id AS "rateId",
            to_char(t."from", 'YYYY-MM-DD') AS "from", to_char(t."to", 'YYYY-MM-DD') AS "to", t.active, coalesce(t.changed, false) AS changed, t.breaks AS "breaksNow",
            (SELECT p.id FROM public.variant_supplier_pricing p
              WHERE t.active AND p.supplier_id = t.supplier_id AND p.variant_id = t.variant_id AND p.is_active AND p.id IS DISTINCT FROM t.rate_id
                AND daterange(p.effective_from, p.effective_to, '[]') && daterange(t."from", t."to", '[]') ORDER BY p.effective_from LIMIT 1) AS clash
       FROM t ORDER BY t.ord`,
    [
      col('supplier'),
      col('item'),
      col('model'),
      col('variation'),
      col('color'),
      col('size'),
      col('cost'),
      col('currency'),
      col('moq'),
      col('from'),
      col('to'),
      col('active'),
      col('description'),
      col('leadTimeDays'),
      col('packSize'),
    ],
  );
  // Days in a rejection are written as the file writes them: the installation's date format.
  const day = (iso: string) => writeDay(iso, ctx.reading.dateFormat);
  const updates: { rateId: number; row: RateRow; to: string | null; active: boolean }[] = [];
  const inserts: { supplierId: number; variantId: number; row: RateRow; from: string; to: string | null; active: boolean }[] = [];
  const breakSets: { rateId: number; breaks: PriceBreak[] }[] = [];
  for (const t of resolved.rows) {
    const row = rows[Number(t.ord) - 1]!;
    const n = row.rowNumber;
    if (t.supplierId === null) reject(result, n, 'supplier', `no supplier named "${row.value.supplier}": import the suppliers first`);
    const v = row.value;
    if (t.several !== null) {
      const what = `${itemName(v.item, v.model, v.variation)}${v.description === null ? '' : ` with description "${v.description}"`} in colour "${v.color}" and size "${v.size}"`;
      reject(result, n, v.description === null ? 'description' : 'item', `${what} is a variant of ${severalItems(t.several, v.description !== null)}`);
    } else if (t.variantId === null) {
      const item = [v.item, v.model, v.variation].filter((x) => x !== null).join(' / ');
      reject(
        result,
        n,
        'item',
        `no live variant of item "${item}"${v.description === null ? '' : ` with description "${v.description}"`} in colour "${v.color}" and size "${v.size}": import the items and variants first`,
      );
    }
    if (t.supplierId === null || t.variantId === null) continue;
    if (t.to !== null && t.to < t.from) {
      reject(result, n, 'to', `Effective To ${day(t.to)} is before Effective From ${day(t.from)}`);
      continue;
    }
    if (t.clash !== null) {
      reject(
        result,
        n,
        'from',
        `supplier "${row.value.supplier}" has an active rate ${t.clash} for this variant whose period overlaps ${day(t.from)} to ${t.to === null ? 'open-ended' : day(t.to)}: end or deactivate it first`,
      );
      continue;
    }
    if (t.rateId !== null) {
      const newBreaks = v.breaks !== null && breaksKey(v.breaks) !== t.breaksNow;
      if (newBreaks) breakSets.push({ rateId: t.rateId, breaks: v.breaks! });
      if (t.changed || newBreaks) updates.push({ rateId: t.rateId, row: row.value, to: t.to, active: t.active });
      result.outcomes.set(n, `rate ${t.changed || newBreaks ? 'updated' : 'unchanged'}`);
    } else {
      inserts.push({ supplierId: t.supplierId, variantId: t.variantId, row: row.value, from: t.from, to: t.to, active: t.active });
      result.outcomes.set(n, 'rate created');
    }
  }
  if (updates.length > 0) {
    await tx.query(
      `UPDATE public.variant_supplier_pricing p SET cost_per_unit = u.cost, currency = u.currency, minimum_order_quantity = coalesce(u.moq, p.minimum_order_quantity),
              effective_to = u."to", is_active = u.active, lead_time_days = coalesce(u.lead, p.lead_time_days), pack_size = coalesce(u.pack, p.pack_size)
         FROM unnest($1::int[], $2::numeric[], $3::text[], $4::numeric[], $5::date[], $6::boolean[], $7::int[], $8::numeric[])
              AS u(id, cost, currency, moq, "to", active, lead, pack) WHERE p.id = u.id`,
      [
        updates.map((u) => u.rateId),
        updates.map((u) => u.row.cost),
        updates.map((u) => u.row.currency),
        updates.map((u) => u.row.moq),
        updates.map((u) => u.to),
        updates.map((u) => u.active),
        updates.map((u) => u.row.leadTimeDays),
        updates.map((u) => u.row.packSize),
      ],
    );
  }
  if (inserts.length > 0) {
    // One row per supplier-and-variant pair in a write (the kind's key): the pair names the rate made.
    const made = await tx.query<{ id: number; supplier_id: number; variant_id: number }>(
      `INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, minimum_order_quantity, effective_from, effective_to, is_active,
                                                    lead_time_days, pack_size)
       SELECT supplier_id, variant_id, cost, currency, coalesce(moq, 1), "from", "to", active, lead, coalesce(pack, 1)
         FROM unnest($1::int[], $2::int[], $3::numeric[], $4::text[], $5::numeric[], $6::date[], $7::date[], $8::boolean[], $9::int[], $10::numeric[]) WITH ORDINALITY
              AS u(supplier_id, variant_id, cost, currency, moq, "from", "to", active, lead, pack, ord) ORDER BY ord
       RETURNING id, supplier_id, variant_id`,
      [
        inserts.map((i) => i.supplierId),
        inserts.map((i) => i.variantId),
        inserts.map((i) => i.row.cost),
        inserts.map((i) => i.row.currency),
        inserts.map((i) => i.row.moq),
        inserts.map((i) => i.from),
        inserts.map((i) => i.to),
        inserts.map((i) => i.active),
        inserts.map((i) => i.row.leadTimeDays),
        inserts.map((i) => i.row.packSize),
      ],
    );
    const rateOf = new Map(made.rows.map((m) => [`${m.supplier_id}:${m.variant_id}`, m.id]));
    for (const i of inserts)
      if (i.row.breaks !== null && i.row.breaks.length > 0) breakSets.push({ rateId: rateOf.get(`${i.supplierId}:${i.variantId}`)!, breaks: i.row.breaks });
  }
  if (breakSets.length > 0) {
    await tx.query('DELETE FROM public.variant_supplier_price_breaks WHERE rate_id = ANY($1::int[])', [breakSets.map((b) => b.rateId)]);
    const each = breakSets.flatMap((set) => set.breaks.map((b) => ({ rateId: set.rateId, ...b })));
    await tx.query(
      `INSERT INTO public.variant_supplier_price_breaks (rate_id, min_quantity, cost_per_unit) SELECT * FROM unnest($1::int[], $2::numeric[], $3::numeric[])`,
      [each.map((b) => b.rateId), each.map((b) => b.fromQuantity), each.map((b) => b.costPerUnit)],
    );
  }
  return result;
}
