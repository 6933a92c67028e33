import { MtcError } from '../../errors.ts';
import type { AdoptContext } from '../../schema/adopt/types.ts';
import { conversion } from '../../schema/catalog/diff.ts';
import { quoteIdent } from '../../schema/catalog/render.ts';
import { sqlLiteral } from '../../schema/migrations/ledger.ts';
import { PO_STATUSES } from '../purchasing/status.ts';
import { numbersAfterLegacyOnes, respelled, spellings } from './common.ts';
import type { ValueMap } from './common.ts';

/**
 * The old application's purchasing, taken into MTC's (migration 0016):
 *   purchase_orders (po_id…)       → purchase_orders       (id = po_id)
 *   purchase_order_items           → purchase_order_lines  (id = po_item_id)
 *   stock_receipts                 → goods_receipts        (id = receipt_id)
 *   stock_entries                  → goods_receipt_lines   (id = entry_id; an entry without a
 *                                                           receipt gets a receipt of its own)
 * The old purchase_orders has the name of MTC's table, so before the structure converges
 * (prepare) the four old tables are moved, whole, into a schema of their own for the length of
 * the adoption; once MTC's tables exist (complete) their rows are copied in, kept whole in
 * mtc_schema_archive (each naming the row it became), and the old tables dropped. The schema
 * exists only inside the adopting transaction: a database adopted already has none, and a
 * second run finds nothing to do.
 *
 * The receipts are records only: what they brought in is in the stock the old database held
 * (item_variant.opening_stock counted it), which adoption enters as each variant's opening
 * balance; posting them to the ledger again would count it twice. Their prices give the stock
 * as found its first value (valueStockFromReceipts).
 */
const LEGACY_PURCHASING_SCHEMA = 'mtc_adopt_legacy_purchasing';
const L = LEGACY_PURCHASING_SCHEMA;

/** The old tables and the columns that tell their shape (without them a table is not the old application's and stays where it is). */
const SHAPES: readonly { table: string; columns: readonly string[] }[] = [
  { table: 'purchase_orders', columns: ['po_id', 'supplier_id'] },
  { table: 'purchase_order_items', columns: ['po_item_id', 'po_id', 'variant_id', 'quantity', 'rate'] },
  { table: 'stock_receipts', columns: ['receipt_id'] },
  { table: 'stock_entries', columns: ['entry_id', 'variant_id', 'quantity_added'] },
];

const PO_STATUS: ValueMap = {
  table: 'purchase_orders',
  column: 'status',
  canonical: PO_STATUSES,
  aliases: {
    new: 'draft',
    open: 'sent',
    ordered: 'sent',
    placed: 'sent',
    issued: 'sent',
    submitted: 'sent',
    approved: 'sent',
    confirmed: 'sent',
    partial: 'partially_received',
    partially_delivered: 'partially_received',
    part_received: 'partially_received',
    partly_received: 'partially_received',
    partial_received: 'partially_received',
    complete: 'received',
    completed: 'received',
    delivered: 'received',
    fulfilled: 'received',
    fully_received: 'received',
    archived: 'closed',
    canceled: 'cancelled',
    void: 'cancelled',
    voided: 'cancelled',
    rejected: 'cancelled',
  },
};

/** Before the structure converges: the old purchasing tables, where they have the old shape, moved aside whole. */
export async function movePurchasingAside(ctx: AdoptContext): Promise<void> {
  // Only where the declared schema has MTC's purchasing (an older MTC leaves the old tables unmanaged).
  if (
    !['purchase_orders', 'purchase_order_lines', 'goods_receipts', 'goods_receipt_lines'].every((n) =>
      ctx.target.tables.some((t) => t.schema === 'public' && t.name === n),
    )
  )
    return;
  const move: string[] = [];
  for (const s of SHAPES) {
    let shaped = true;
    for (const c of s.columns) if (!(await ctx.hasColumn(s.table, c))) shaped = false;
    // Lines without their old orders cannot be taken in: they stay, unmanaged.
    if (shaped && (s.table !== 'purchase_order_items' || move.includes('purchase_orders'))) move.push(s.table);
  }
  if (move.length === 0) return;
  await ctx.run(`CREATE SCHEMA ${L}`, 'the old purchasing tables step aside while MTC’s are made (the old purchase_orders has their name)');
  for (const t of move)
    await ctx.run(`ALTER TABLE public.${t} SET SCHEMA ${L}`, `the old ${t}, with its keys and indexes, aside until its rows are taken into MTC's tables`);
  // The old order number sequence has the name of MTC's: aside too, so that MTC's is made in
  // this transaction and takes its value (a sequence is not rolled back: a dry run that drew a
  // number from the old one would change it).
  if (move.includes('purchase_orders') && ctx.live.sequences.some((q) => q.schema === 'public' && q.name === 'purchase_order_number_seq'))
    await ctx.run(
      `ALTER SEQUENCE public.purchase_order_number_seq SET SCHEMA ${L}`,
      'the old order number sequence aside: MTC’s of that name continues from it',
    );
}

/** Whether the old order number sequence was moved aside. */
const oldNumberSequence = (ctx: AdoptContext) => ctx.live.sequences.some((q) => q.schema === L && q.name === 'purchase_order_number_seq');

/** The live type of a column of an old table moved aside, or undefined when it has none. */
function oldType(ctx: AdoptContext, table: string, column: string): string | undefined {
  return ctx.live.tables.find((t) => t.schema === L && t.name === table)?.columns.find((c) => c.name === column)?.type;
}

/** `alias.column` where the old table has the column, `otherwise` where it does not. */
function oldColumn(ctx: AdoptContext, table: string, alias: string, column: string, otherwise = 'NULL'): string {
  return oldType(ctx, table, column) === undefined ? otherwise : `${alias}.${quoteIdent(column)}`;
}

/** An old column holding a moment (timestamptz, timestamp or date) as an instant, read in the adoption's zone. */
function oldInstant(ctx: AdoptContext, table: string, alias: string, column: string): string {
  const type = oldType(ctx, table, column);
  if (type === undefined) return 'NULL::timestamp with time zone';
  if (type === 'date') return `(${alias}.${quoteIdent(column)}::timestamp AT TIME ZONE ${sqlLiteral(ctx.timeZone)})`;
  return conversion(`${alias}.${quoteIdent(column)}`, type, 'timestamp with time zone', ctx.timeZone);
}

/** The day of an instant in the adoption's zone. */
const dayOf = (ctx: AdoptContext, instant: string) => `(${instant} AT TIME ZONE ${sqlLiteral(ctx.timeZone)})::date`;

/**
 * A made receipt number: MTC's next one (next_goods_receipt_number(), a volatile call: one per
 * row), dated the day the goods were received rather than today. No later receipt repeats it.
 */
const madeReceiptNumber = (day: string) => `'GR-' || to_char(${day}, 'YYYYMMDD') || substr(public.next_goods_receipt_number(), 12)`;

/** Stops adoption when old rows break a rule MTC's tables hold, naming them (up to 20) and what to correct. */
async function refuseRows(ctx: AdoptContext, table: string, alias: string, key: string, where: string, problem: string, join = ''): Promise<void> {
  const k = `${alias}.${quoteIdent(key)}`;
  const rows = await ctx.select<{ k: string }>(`SELECT ${k}::text AS k FROM ${L}.${table} ${alias} ${join} WHERE ${where} ORDER BY ${k} LIMIT 21`);
  if (rows.length === 0) return;
  const keys = rows.slice(0, 20).map((r) => r.k);
  throw new MtcError(
    'ADOPT_UNMAPPABLE_ROWS',
    `public.${table} ${key} ${keys.join(', ')}${rows.length > 20 ? ' and more' : ''}: ${problem}; correct them, then run mtc adopt again`,
    'state',
    { table: `public.${table}`, key, keys },
  );
}

const has = (ctx: AdoptContext, table: string) => ctx.live.tables.some((t) => t.schema === L && t.name === table);

/**
 * Once MTC's purchasing tables exist: the old rows copied into them (keys kept), with what
 * differs reported. The old tables stay aside until dropLegacyPurchasing, for
 * valueStockFromReceipts to read.
 */
export async function takeInPurchasing(ctx: AdoptContext, currency: string): Promise<void> {
  if (!ctx.live.schemas.includes(L)) return;
  const orders = has(ctx, 'purchase_orders');
  const lines = has(ctx, 'purchase_order_items');
  const receipts = has(ctx, 'stock_receipts');
  const entries = has(ctx, 'stock_entries');
  if (orders) await takeInOrders(ctx, currency, lines);
  if (receipts || entries) await takeInReceipts(ctx, { orders, receipts, entries });
}

async function takeInOrders(ctx: AdoptContext, currency: string, lines: boolean): Promise<void> {
  const col = (c: string, otherwise?: string) => oldColumn(ctx, 'purchase_orders', 'o', c, otherwise);
  if (lines) {
    await refuseRows(ctx, 'purchase_order_items', 'i', 'po_item_id', 'i.quantity <= 0', 'a quantity of 0 or less, which an order line cannot have');
    await refuseRows(ctx, 'purchase_order_items', 'i', 'po_item_id', 'i.rate < 0', 'a negative rate, which an order line cannot have');
    if (oldType(ctx, 'purchase_order_items', 'received_quantity'))
      await refuseRows(ctx, 'purchase_order_items', 'i', 'po_item_id', 'i.received_quantity < 0', 'a negative received_quantity');
  }
  if (oldNumberSequence(ctx))
    await ctx.run(
      `SELECT pg_catalog.setval('public.purchase_order_number_seq', last_value, is_called) FROM ${L}.purchase_order_number_seq`,
      'purchase order numbers continue from the old sequence',
    );
  await numbersAfterLegacyOnes(ctx, {
    from: `${L}.purchase_orders`,
    column: 'po_number',
    prefix: 'PO',
    sequence: 'public.purchase_order_number_seq',
    what: 'purchase order numbers',
  });

  // Statuses: each old value respelled; one nothing maps (or none) follows what the lines say was received.
  const values = oldType(ctx, 'purchase_orders', 'status') ? await spellings(ctx, PO_STATUS, `${L}.purchase_orders`) : [];
  const received = lines ? `(SELECT coalesce(sum(i.received_quantity), 0) FROM ${L}.purchase_order_items i WHERE i.po_id = o.po_id)` : '0';
  const short = lines ? `EXISTS (SELECT 1 FROM ${L}.purchase_order_items i WHERE i.po_id = o.po_id AND coalesce(i.received_quantity, 0) < i.quantity)` : 'true';
  const fallback =
    lines && oldType(ctx, 'purchase_order_items', 'received_quantity')
      ? `CASE WHEN ${received} <= 0 THEN 'draft' WHEN ${short} THEN 'partially_received' ELSE 'received' END`
      : `'draft'`;
  const known = values.filter((v) => v.to !== undefined);
  const status =
    known.length === 0
      ? fallback
      : `CASE ${col('status')}::text ${known.map((v) => `WHEN ${sqlLiteral(v.value)} THEN ${sqlLiteral(v.to!)}`).join(' ')} ELSE ${fallback} END`;
  const ordered = `coalesce(${col('order_date')}::date, ${dayOf(ctx, 'now()')})`;
  const made = `${ordered}::timestamp AT TIME ZONE ${sqlLiteral(ctx.timeZone)}`;
  const number = col('po_number');
  const n = await ctx.run(
    `INSERT INTO public.purchase_orders (id, po_number, supplier_id, status, order_date, currency, notes, created_at, updated_at)
     SELECT o.po_id, coalesce(nullif(btrim(${number}), ''), public.next_purchase_order_number()), o.supplier_id, ${status}, ${ordered}, $1, ${col('notes')}, ${made}, ${made}
       FROM ${L}.purchase_orders o ORDER BY o.po_id`,
    `the old purchase orders as MTC's, their keys and numbers kept, their statuses in MTC's spelling, in ${currency}`,
    [currency],
  );
  const [numbered] = await ctx.select<{ n: string }>(`SELECT count(*)::text AS n FROM ${L}.purchase_orders o WHERE nullif(btrim(${number}), '') IS NULL`);
  const changed = known.filter((v) => v.to !== v.value);
  const unknown = values.filter((v) => v.to === undefined);
  const [nothing] = await ctx.select<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${L}.purchase_orders o WHERE ${oldType(ctx, 'purchase_orders', 'status') ? 'o.status IS NULL' : 'true'}`,
  );
  let lineCount = 0;
  if (lines) {
    lineCount = await ctx.run(
      `INSERT INTO public.purchase_order_lines (id, po_id, line_no, variant_id, quantity, unit_price, received_quantity)
       SELECT i.po_item_id, i.po_id, row_number() OVER (PARTITION BY i.po_id ORDER BY i.po_item_id), i.variant_id, i.quantity, i.rate,
              coalesce(${oldColumn(ctx, 'purchase_order_items', 'i', 'received_quantity')}, 0)
         FROM ${L}.purchase_order_items i ORDER BY i.po_item_id`,
      "the old order items as MTC's order lines, numbered in the order they were made (po_item_id), the rate as unit price",
    );
  }
  await catchUp(ctx, ['purchase_orders', 'purchase_order_lines']);
  ctx.note({
    kind: 'mapped',
    object: 'public.purchase_orders',
    message: `${n} purchase order(s) and ${lineCount} line(s) taken from the old purchase_orders and purchase_order_items, keys and numbers kept${changed.length ? `; statuses respelled: ${respelled(changed)}` : ''}`,
  });
  if (numbered && numbered.n !== '0')
    ctx.note({ kind: 'mapped', object: 'public.purchase_orders.po_number', message: `${numbered.n} order(s) without a number numbered as MTC numbers orders` });
  const strange = [...unknown.map((v) => `'${v.value}' (${v.n})`), ...(nothing && nothing.n !== '0' ? [`no status (${nothing.n})`] : [])];
  if (strange.length > 0)
    ctx.note({
      kind: 'conflict',
      object: 'public.purchase_orders.status',
      message: `${strange.join(', ')} match none of ${PO_STATUS.canonical.join(', ')}: made draft, partially_received or received by what their lines say was received; look at them`,
    });
  if (lines && oldType(ctx, 'purchase_orders', 'total_amount')) {
    const [off] = await ctx.select<{ n: string; keys: string | null }>(
      `SELECT count(*)::text AS n, string_agg(o.po_id::text, ', ' ORDER BY o.po_id) AS keys FROM ${L}.purchase_orders o
        WHERE o.total_amount IS DISTINCT FROM (SELECT coalesce(sum(i.quantity * i.rate), 0) FROM ${L}.purchase_order_items i WHERE i.po_id = o.po_id)
          AND o.total_amount IS NOT NULL`,
    );
    if (off && off.n !== '0')
      ctx.note({
        kind: 'conflict',
        object: 'public.purchase_orders',
        message: `${off.n} old order(s) (po_id ${off.keys}) have a total_amount other than their lines' quantity × rate; MTC computes totals from the lines (the old figure is in mtc_schema_archive)`,
      });
  }
}

async function takeInReceipts(ctx: AdoptContext, have: { orders: boolean; receipts: boolean; entries: boolean }): Promise<void> {
  const e = (c: string, otherwise?: string) => oldColumn(ctx, 'stock_entries', 'e', c, otherwise);
  const r = (c: string, otherwise?: string) => oldColumn(ctx, 'stock_receipts', 'r', c, otherwise);
  const linked = have.entries && have.receipts && oldType(ctx, 'stock_entries', 'receipt_id') !== undefined;
  // An order named by an old row is kept only where the old orders were taken in (the same keys).
  const entryPo = have.orders ? e('po_id') : 'NULL::integer';
  const receiptPo = have.orders ? r('po_id') : 'NULL::integer';
  const orderSupplier = (po: string) => (have.orders ? `(SELECT o.supplier_id FROM public.purchase_orders o WHERE o.id = ${po})` : 'NULL::integer');

  if (have.entries) {
    await refuseRows(ctx, 'stock_entries', 'e', 'entry_id', 'e.quantity_added = 0', 'a quantity_added of 0, which a receipt line cannot have');
    if (oldType(ctx, 'stock_entries', 'cost_per_unit'))
      await refuseRows(ctx, 'stock_entries', 'e', 'entry_id', 'e.cost_per_unit < 0', 'a negative cost_per_unit, which a receipt line cannot have');
  }
  // What the entries of each receipt r say (x: a supplier, the first entry's time, their notes), grouped once.
  const entryAt = oldType(ctx, 'stock_entries', 'entry_date') ? oldInstant(ctx, 'stock_entries', 'x', 'entry_date') : 'NULL::timestamp with time zone';
  const entryNotes = oldType(ctx, 'stock_entries', 'notes') ? `string_agg(nullif(btrim(x.notes), ''), '; ' ORDER BY x.entry_id)` : 'NULL::text';
  const perReceipt = linked
    ? `LEFT JOIN (SELECT x.receipt_id, min(${oldColumn(ctx, 'stock_entries', 'x', 'supplier_id')}) AS supplier, min(${entryAt}) AS at, ${entryNotes} AS notes
                    FROM ${L}.stock_entries x WHERE x.receipt_id IS NOT NULL GROUP BY x.receipt_id) x ON x.receipt_id = r.receipt_id`
    : 'LEFT JOIN (SELECT NULL::integer AS supplier, NULL::timestamp with time zone AS at, NULL::text AS notes) x ON true';
  const receiptSupplier = `coalesce(${r('supplier_id')}, x.supplier, ${orderSupplier(receiptPo)})`;
  const entrySupplier = `coalesce(${e('supplier_id')}, ${orderSupplier(entryPo)})`;
  if (have.receipts)
    await refuseRows(
      ctx,
      'stock_receipts',
      'r',
      'receipt_id',
      `${receiptSupplier} IS NULL`,
      'no supplier (neither the receipt, its entries nor its order name one), and a goods receipt is from a supplier',
      perReceipt,
    );
  if (have.entries)
    await refuseRows(
      ctx,
      'stock_entries',
      'e',
      'entry_id',
      `${linked ? 'e.receipt_id IS NULL AND ' : ''}${entrySupplier} IS NULL`,
      'no receipt and no supplier (neither the entry nor its order names one), and a goods receipt is from a supplier',
    );

  await numbersAfterLegacyOnes(ctx, {
    from: have.receipts && oldType(ctx, 'stock_receipts', 'receipt_number') ? `${L}.stock_receipts` : '(SELECT NULL::text AS receipt_number) x',
    column: 'receipt_number',
    prefix: 'GR',
    sequence: 'public.goods_receipt_number_seq',
    what: 'goods receipt numbers',
  });

  // A line's order line: the one line of the order for the variant, where there is exactly one.
  const poLine = (po: string) =>
    have.orders
      ? `(SELECT min(l.id) FROM public.purchase_order_lines l WHERE l.po_id = ${po} AND l.variant_id = e.variant_id HAVING count(*) = 1)`
      : 'NULL::integer';
  const poLinePrice = (po: string) =>
    have.orders
      ? `(SELECT min(l.unit_price) FROM public.purchase_order_lines l WHERE l.po_id = ${po} AND l.variant_id = e.variant_id HAVING count(DISTINCT l.unit_price) = 1)`
      : 'NULL::numeric';
  const cost = (po: string) => `coalesce(${e('cost_per_unit')}, ${poLinePrice(po)}, 0)`;

  let receipts = 0;
  let renumbered = '0';
  let madeNumbers = '0';
  if (have.receipts) {
    const at = `coalesce(${oldInstant(ctx, 'stock_receipts', 'r', 'receipt_date')}, x.at, now())`;
    const number = r('receipt_number');
    const numbers = await ctx.select<{ made: string; renumbered: string }>(
      `SELECT count(*) FILTER (WHERE nullif(btrim(n), '') IS NULL)::text AS made, count(*) FILTER (WHERE nullif(btrim(n), '') IS NOT NULL AND rank > 1)::text AS renumbered
         FROM (SELECT ${number} AS n, row_number() OVER (PARTITION BY ${number} ORDER BY r.receipt_id) AS rank FROM ${L}.stock_receipts r) x`,
    );
    madeNumbers = numbers[0]?.made ?? '0';
    renumbered = numbers[0]?.renumbered ?? '0';
    receipts = await ctx.run(
      `INSERT INTO public.goods_receipts (id, receipt_number, supplier_id, po_id, bill_number, received_on, tax_percentage, discount_percentage, discount_amount,
                                         total_amount, grand_total, notes, created_at)
       SELECT r.receipt_id,
              CASE WHEN nullif(btrim(r.number), '') IS NULL THEN ${madeReceiptNumber('r.day')}
                   WHEN r.rank > 1 THEN r.number || ' (' || r.receipt_id || ')' ELSE r.number END,
              r.supplier, r.po, r.bill, r.day, r.tax, r.discount, r.discount_amount, r.total, r.grand, r.notes, r.at
         FROM (SELECT r.receipt_id, ${number} AS number, row_number() OVER (PARTITION BY ${number} ORDER BY r.receipt_id) AS rank,
                      ${receiptSupplier} AS supplier, ${receiptPo} AS po, ${r('bill_number')} AS bill, ${dayOf(ctx, at)} AS day, ${at} AS at,
                      coalesce(${r('tax_percentage')}, 0) AS tax, coalesce(${r('discount_percentage')}, 0) AS discount, coalesce(${r('discount_amount')}, 0) AS discount_amount,
                      coalesce(${r('total_amount')}, 0) AS total, coalesce(${r('grand_total')}, 0) AS grand, x.notes
                 FROM ${L}.stock_receipts r ${perReceipt}) r
        ORDER BY r.receipt_id`,
      "the old stock receipts as MTC's goods receipts, keys and numbers kept (one without a number numbered as MTC numbers receipts), the day read in the adoption's zone",
    );
  }
  await catchUp(ctx, ['goods_receipts']);

  let inReceipts = 0;
  let loose = 0;
  if (have.entries) {
    const enteredAt = oldInstant(ctx, 'stock_entries', 'e', 'entry_date');
    if (linked) {
      inReceipts = await ctx.run(
        `INSERT INTO public.goods_receipt_lines (id, receipt_id, po_line_id, variant_id, quantity, unit_cost)
         SELECT e.entry_id, e.receipt_id, ${poLine(`coalesce(${entryPo}, (SELECT g.po_id FROM public.goods_receipts g WHERE g.id = e.receipt_id))`)}, e.variant_id, e.quantity_added,
                ${cost(`coalesce(${entryPo}, (SELECT g.po_id FROM public.goods_receipts g WHERE g.id = e.receipt_id))`)}
           FROM ${L}.stock_entries e WHERE e.receipt_id IS NOT NULL ORDER BY e.entry_id`,
        'the old stock entries of a receipt as its lines, keys kept, the cost per unit as unit cost',
      );
    }
    // An entry without a receipt was one delivery, on its own: it becomes a receipt of its own.
    loose = await ctx.run(
      `WITH loose AS MATERIALIZED (
         SELECT e.*, nextval(pg_catalog.pg_get_serial_sequence('public.goods_receipts', 'id')) AS rid
           FROM (SELECT e.entry_id, e.variant_id, e.quantity_added, ${entrySupplier} AS supplier, ${entryPo} AS po, ${poLine(entryPo)} AS po_line,
                        ${cost(entryPo)} AS cost, ${e('notes')} AS notes, coalesce(${enteredAt}, now()) AS at
                   FROM ${L}.stock_entries e WHERE ${linked ? 'e.receipt_id IS NULL' : 'true'} ORDER BY e.entry_id) e),
       made AS (
         INSERT INTO public.goods_receipts (id, receipt_number, supplier_id, po_id, received_on, total_amount, grand_total, notes, created_at)
         SELECT rid, ${madeReceiptNumber(dayOf(ctx, 'at'))}, supplier, po, ${dayOf(ctx, 'at')}, quantity_added * cost, quantity_added * cost, notes, at
           FROM loose ORDER BY entry_id
         RETURNING id)
       INSERT INTO public.goods_receipt_lines (id, receipt_id, po_line_id, variant_id, quantity, unit_cost)
       SELECT entry_id, rid, po_line, variant_id, quantity_added, cost FROM loose ORDER BY entry_id`,
      'each old stock entry without a receipt as a receipt of its own, with the entry as its one line',
    );
  }
  await catchUp(ctx, ['goods_receipts', 'goods_receipt_lines']);

  const parts = [`${receipts} goods receipt(s) taken from the old stock_receipts`];
  if (have.entries) parts.push(`${inReceipts + loose} line(s) from the old stock_entries`);
  if (loose > 0) parts.push(`${loose} entr${loose === 1 ? 'y' : 'ies'} without a receipt made a receipt of ${loose === 1 ? 'its' : 'their'} own`);
  if (madeNumbers !== '0') parts.push(`${madeNumbers} receipt(s) without a number numbered as MTC numbers receipts`);
  ctx.note({
    kind: 'mapped',
    object: 'public.goods_receipts',
    message: `${parts.join('; ')}. Kept as records only: what they brought in is in the stock the old database held (its opening balance), so they are not posted to the stock ledger again`,
  });
  if (renumbered !== '0')
    ctx.note({
      kind: 'conflict',
      object: 'public.goods_receipts.receipt_number',
      message: `${renumbered} old receipt(s) repeat another's receipt_number: the first (lowest receipt_id) keeps it, the others have " (<receipt_id>)" appended`,
    });
  if (have.entries && oldType(ctx, 'stock_entries', 'cost_per_unit')) {
    const [free] = await ctx.select<{ n: string; keys: string | null }>(
      `SELECT count(*)::text AS n, string_agg(l.id::text, ', ' ORDER BY l.id) AS keys FROM public.goods_receipt_lines l JOIN ${L}.stock_entries e ON e.entry_id = l.id
        WHERE e.cost_per_unit IS NULL AND l.unit_cost = 0`,
    );
    if (free && free.n !== '0')
      ctx.note({
        kind: 'conflict',
        object: 'public.goods_receipt_lines.unit_cost',
        message: `${free.n} old stock entr(ies) (entry_id ${free.keys}) have no cost and no order price: recorded at a unit cost of 0, and not used to value the stock`,
      });
  }
}

/** The serial keys of MTC's tables continue after the old keys they were given. */
async function catchUp(ctx: AdoptContext, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    await ctx.run(
      `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.${t}', 'id'), max(id)) FROM public.${t} HAVING max(id) IS NOT NULL`,
      `new ${t} keys continue after the old ones`,
    );
  }
}

/**
 * The stock as found given its first value, where the old receipts paid for the variant: the
 * average cost of what they brought in (Σ quantity × cost ÷ Σ quantity, to a millionth, as
 * MTC keeps an average), entries without a cost left out. A `revaluation` row after the
 * opening balance says so, as postStock writes one when stock without a cost is first
 * received at a price; stock_value is stock × that cost, so the ledger's values add up to it.
 */
export async function valueStockFromReceipts(ctx: AdoptContext): Promise<void> {
  if (!has(ctx, 'stock_entries') || !oldType(ctx, 'stock_entries', 'cost_per_unit')) return;
  const costs = `SELECT e.variant_id, round(sum(e.quantity_added * e.cost_per_unit) / sum(e.quantity_added), 6) AS cost
                   FROM ${L}.stock_entries e WHERE e.quantity_added > 0 AND e.cost_per_unit IS NOT NULL GROUP BY e.variant_id`;
  const valued = `public.item_variant v JOIN (${costs}) c USING (variant_id) WHERE v.stock > 0 AND v.stock_value IS NULL`;
  const n = await ctx.run(
    `INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit, unit_cost, value, notes)
     SELECT v.variant_id, 'revaluation', 0, left(v.unit, 20), c.cost, v.stock * c.cost,
            'the stock mtc adopt found, valued at the average cost the old application''s receipts paid for it'
       FROM ${valued} ORDER BY v.variant_id`,
    'the stock as found valued at the average cost of its old receipts (a revaluation row after its opening balance)',
  );
  if (n === 0) return;
  await ctx.quietly('public.item_variant', () =>
    ctx.run(
      `UPDATE public.item_variant v SET stock_value = v.stock * c.cost FROM (${costs}) c WHERE c.variant_id = v.variant_id AND v.stock > 0 AND v.stock_value IS NULL`,
      'each such variant’s stock value: its stock × that cost',
    ),
  );
  ctx.note({
    kind: 'mapped',
    object: 'public.item_variant.stock_value',
    message: `${n} variant(s) with stock valued at the average cost their old receipts paid (quantity-weighted); stock without such receipts has no cost until its first receipt at a price`,
  });
}

/** The old purchasing rows kept whole in the archive, each naming the row it became, and the old tables dropped. */
export async function dropLegacyPurchasing(ctx: AdoptContext): Promise<void> {
  if (!ctx.live.schemas.includes(L)) return;
  // Children first: the old foreign keys still hold while rows are archived and removed.
  const into: [string, string, string][] = [
    ['stock_entries', 'entry_id', 'goods_receipt_lines'],
    ['purchase_order_items', 'po_item_id', 'purchase_order_lines'],
    ['stock_receipts', 'receipt_id', 'goods_receipts'],
    ['purchase_orders', 'po_id', 'purchase_orders'],
  ];
  const present = into.filter(([t]) => has(ctx, t));
  for (const [table, key, to] of present)
    await ctx.archive(`${L}.${table}`, 'true', `'public.${to} ' || t.${key}`, `the old ${table}: taken into ${to} (the same key)`, { as: `public.${table}` });
  await ctx.run(`DROP TABLE ${present.map(([t]) => `${L}.${t}`).join(', ')}`, 'the old purchasing tables: every row is in MTC’s and in the archive');
  if (oldNumberSequence(ctx)) await ctx.run(`DROP SEQUENCE ${L}.purchase_order_number_seq`, 'the old order number sequence: MTC’s continues from it');
  await ctx.run(`DROP SCHEMA ${L}`, 'the old purchasing tables’ schema, now empty');
}
