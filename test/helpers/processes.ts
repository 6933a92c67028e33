// Builders for costing and lot tests: variants, supplier rates, stock and whole processes,
// written straight into a migrated database with SQL (what the API would store), so that a
// test states its case in a few lines and computes the expected figures by hand.
import { postStock } from '../../src/app/items/stock.ts';
import type { Queryable } from '../../src/db/types.ts';

/**
 * A new item with one variant; returns the variant's id. `stock` is recorded as an opening
 * balance without a cost (addStock), or, with `cost`, received at that cost per unit
 * (receiveStock); colour and size (made when new) default to "Natural" and "One size".
 */
export async function insertVariant(
  q: Queryable,
  name: string,
  options: { stock?: string; cost?: string; unit?: string; color?: string; size?: string } = {},
): Promise<number> {
  const item = await q.query<{ id: number }>('INSERT INTO public.item_master (name) VALUES ($1) RETURNING item_id AS id', [name]);
  const color = await q.query<{ id: number }>(
    'INSERT INTO public.color_master (color_name) VALUES ($1) ON CONFLICT ((lower(color_name))) DO UPDATE SET color_name = public.color_master.color_name RETURNING color_id AS id',
    [options.color ?? 'Natural'],
  );
  const size = await q.query<{ id: number }>(
    'INSERT INTO public.size_master (size_name) VALUES ($1) ON CONFLICT ((lower(size_name))) DO UPDATE SET size_name = public.size_master.size_name RETURNING size_id AS id',
    [options.size ?? 'One size'],
  );
  const variant = await q.query<{ id: number }>(
    'INSERT INTO public.item_variant (item_id, color_id, size_id, unit) VALUES ($1, $2, $3, $4) RETURNING variant_id AS id',
    [item.rows[0]!.id, color.rows[0]!.id, size.rows[0]!.id, options.unit ?? 'pcs'],
  );
  const id = variant.rows[0]!.id;
  if (options.stock !== undefined) {
    if (options.cost !== undefined) await receiveStock(q, id, options.stock, options.cost);
    else await addStock(q, id, options.stock);
  }
  return id;
}

/**
 * Receives stock at a cost, as a goods receipt would: a `receipt` of `quantity` at `unitCost`
 * per unit through postStock (the app's one write of stock), so the variant's stock and its
 * value (moving average cost) move together with the ledger. Stock that had no cost is valued
 * at this one (postStock's revaluation).
 */
export async function receiveStock(q: Queryable, variantId: number, quantity: string, unitCost: string): Promise<void> {
  await postStock(q, [{ variantId, type: 'receipt', quantity, unitCost, notes: 'test receipt', createdBy: null }]);
}

/**
 * Records stock coming in as an opening balance without a cost (as stock found before
 * valuation was), keeping item_variant.stock equal to the ledger; its value is not touched, so
 * a variant with only such stock has none (its consumption is uncosted).
 */
export async function addStock(q: Queryable, variantId: number, quantity: string): Promise<void> {
  await q.query(`INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, notes) VALUES ($1, 'opening', $2, 'test stock')`, [
    variantId,
    quantity,
  ]);
  await q.query('UPDATE public.item_variant SET stock = stock + $2::numeric WHERE variant_id = $1', [variantId, quantity]);
}

/** The id of the supplier called `firm`, made when new. */
export async function supplierId(q: Queryable, firm: string): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO public.suppliers (firm_name) VALUES ($1) ON CONFLICT (firm_name) DO UPDATE SET firm_name = EXCLUDED.firm_name RETURNING supplier_id AS id`,
    [firm],
  );
  return r.rows[0]!.id;
}

export interface RateSpec {
  supplier: string;
  cost: string;
  active?: boolean;
  /** ISO dates; from defaults to a year ago, to to open-ended. */
  from?: string;
  to?: string | null;
}

/** Adds a supplier rate for a variant; returns its id. */
export async function insertRate(q: Queryable, variantId: number, rate: RateSpec): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, effective_from, effective_to, is_active)
     VALUES ($1, $2, $3, 'INR', coalesce($4::date, CURRENT_DATE - 365), $5::date, $6) RETURNING id`,
    [await supplierId(q, rate.supplier), variantId, rate.cost, rate.from ?? null, rate.to ?? null, rate.active ?? true],
  );
  return r.rows[0]!.id;
}

export interface LineSpec {
  variantId: number;
  quantity: string;
}

export interface StepSpec {
  /** The library subprocess's name, made when new (default: "Step N"). */
  subprocess?: string;
  customName?: string;
  lines?: LineSpec[];
  groups?: { name: string; alternatives: LineSpec[] }[];
  costItems?: { type: string; quantity: string; rate: string }[];
}

export interface ProcessSpec {
  name: string;
  status?: 'draft' | 'active' | 'archived';
  salesPrice?: string | null;
  steps: StepSpec[];
  /** Fixed costs come once per run; `perUnit` ones with every unit made. */
  additionalCosts?: { type: string; amount: string; perUnit?: boolean }[];
}

export interface InsertedProcess {
  processId: number;
  /** process_subprocesses ids, in order. */
  stepIds: number[];
  /** Substitute group ids by group name (names are unique within a test's process). */
  groupIds: Map<string, number>;
}

/** Writes a whole process: steps in order, their lines, groups, cost items and the additional costs. */
export async function insertProcess(q: Queryable, spec: ProcessSpec): Promise<InsertedProcess> {
  const p = await q.query<{ id: number }>('INSERT INTO public.processes (name, status, sales_price) VALUES ($1, $2, $3) RETURNING id', [
    spec.name,
    spec.status ?? 'active',
    spec.salesPrice ?? null,
  ]);
  const processId = p.rows[0]!.id;
  const stepIds: number[] = [];
  const groupIds = new Map<string, number>();
  for (const [i, step] of spec.steps.entries()) {
    const name = step.subprocess ?? `Step ${i + 1}`;
    const sub = await q.query<{ id: number }>(
      'INSERT INTO public.subprocesses (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id',
      [name],
    );
    const ps = await q.query<{ id: number }>(
      'INSERT INTO public.process_subprocesses (process_id, subprocess_id, sequence_order, custom_name) VALUES ($1, $2, $3, $4) RETURNING id',
      [processId, sub.rows[0]!.id, i + 1, step.customName ?? null],
    );
    const stepId = ps.rows[0]!.id;
    stepIds.push(stepId);
    for (const line of step.lines ?? [])
      await q.query('INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity) VALUES ($1, $2, $3)', [
        stepId,
        line.variantId,
        line.quantity,
      ]);
    for (const group of step.groups ?? []) {
      const g = await q.query<{ id: number }>('INSERT INTO public.substitute_groups (process_subprocess_id, group_name) VALUES ($1, $2) RETURNING id', [
        stepId,
        group.name,
      ]);
      const groupId = g.rows[0]!.id;
      groupIds.set(group.name, groupId);
      for (const alt of group.alternatives)
        await q.query('INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity, substitute_group_id) VALUES ($1, $2, $3, $4)', [
          stepId,
          alt.variantId,
          alt.quantity,
          groupId,
        ]);
    }
    for (const c of step.costItems ?? [])
      await q.query('INSERT INTO public.cost_items (process_subprocess_id, cost_type, quantity, rate) VALUES ($1, $2, $3, $4)', [
        stepId,
        c.type,
        c.quantity,
        c.rate,
      ]);
  }
  for (const a of spec.additionalCosts ?? [])
    await q.query('INSERT INTO public.additional_costs (process_id, cost_type, amount, is_fixed) VALUES ($1, $2, $3, $4)', [
      processId,
      a.type,
      a.amount,
      !a.perUnit,
    ]);
  return { processId, stepIds, groupIds };
}
