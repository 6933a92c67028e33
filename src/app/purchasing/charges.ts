import type { Queryable } from '../../db/types.ts';
import { isoUtc } from '../timestamps.ts';
import { fieldRefusal as usage } from './status.ts';

/**
 * Landed costs (migration 0037): what a receipt's goods cost to bring in besides their price
 * (freight, duty, other charges), spread onto the receipt's lines by quantity, by value
 * (quantity × unit cost) or by hand. Each share is exact: a spread share is the charge × the
 * line's weight ÷ all the lines' weight, to 4 decimals (the charge's own), and the last line
 * with a weight takes what is left, so the shares add up to the charge exactly. A line's landed
 * unit cost is its unit cost + its shares ÷ its quantity (NUMERIC, carried to 20 decimals when
 * the division does not end): what the ledger's receipt row is posted at.
 */
export const CHARGE_KINDS = ['freight', 'duty', 'other'] as const;
export type ChargeKind = (typeof CHARGE_KINDS)[number];
export const CHARGE_SPREADS = ['quantity', 'value', 'manual'] as const;
export type ChargeSpread = (typeof CHARGE_SPREADS)[number];

/** The most charges one receipt carries when it is posted. */
export const MAX_RECEIPT_CHARGES = 20;

/** A charge's terms, as a person states them. */
export interface ChargeTerms {
  kind: ChargeKind;
  description?: string | null;
  /** The charge as billed: an amount above 0, with at most 4 decimals. */
  amount: string;
  spread: ChargeSpread;
}

/** A charge on a receipt as it is posted; by hand, each line's share names the line by its position in the receipt's lines (from 0). */
export interface ChargeInput extends ChargeTerms {
  lines?: { line: number; amount: string }[];
}

/** A charge as the receipt answers it. */
export interface ReceiptCharge {
  chargeId: number;
  kind: ChargeKind;
  description: string | null;
  amount: string;
  spread: ChargeSpread;
  /** Added to the receipt after it was posted (a freight bill), as its own entry. */
  addedLater: boolean;
  billNumber: string | null;
  chargedOn: string;
  createdBy: number | null;
  createdAt: string;
}

/** A line's share of one charge. */
export interface LineShare {
  chargeId: number;
  amount: string;
}

/** A charge to write: its terms and, when they are given (by hand, or a reversal's), each line's share in the receipt's line order. */
export interface PlannedCharge {
  kind: ChargeKind;
  description: string | null;
  amount: string;
  spread: ChargeSpread;
  billNumber: string | null;
  chargedOn: string | null;
  shares: string[] | null;
}

/** A receipt line as spreading reads it. */
export interface SpreadLine {
  quantity: string;
  unitCost: string;
}

const CHARGE_AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
const ZERO = /^0*(\.0*)?$/;

/** A decimal of at most 4 decimals in ten-thousandths, exactly. */
const units = (d: string): bigint => {
  const negative = d.startsWith('-');
  const [w, f = ''] = (negative ? d.slice(1) : d).split('.');
  const n = BigInt(w! + f.padEnd(4, '0'));
  return negative ? -n : n;
};
const fromUnits = (n: bigint): string => {
  const a = n < 0n ? -n : n;
  const s = `${a / 10000n}.${String(a % 10000n).padStart(4, '0')}`.replace(/\.?0+$/, '');
  return `${n < 0n ? '-' : ''}${s || '0'}`;
};

/**
 * A charge checked against the receipt's lines and made ready to write; `given` are the shares
 * by hand with each one's line resolved to its position (undefined: it names no line, which
 * `lineProblem` words). Refused in words, naming the field under `path` ("charges/0/" or ""):
 * a kind or spread not known, an amount not above 0, shares by hand missing, given for another
 * spread, naming a line twice or not at all, or not adding up to the charge exactly
 * (CHARGE_SHARES_DIFFER); a spread by value over lines that have no value.
 */
export function planCharge(
  c: ChargeTerms,
  given: { index: number | undefined; amount: string }[] | undefined,
  lines: readonly SpreadLine[],
  path: string,
  extra: { billNumber: string | null; chargedOn: string | null; lineProblem: string },
): PlannedCharge {
  if (!CHARGE_KINDS.includes(c.kind)) throw usage('INVALID_CHARGE', `${path}kind`, 'write freight, duty or other');
  if (!CHARGE_SPREADS.includes(c.spread))
    throw usage('INVALID_CHARGE', `${path}spread`, 'write quantity, value or manual (by hand): how the charge is spread onto the lines');
  if (!CHARGE_AMOUNT.test(c.amount) || ZERO.test(c.amount))
    throw usage('INVALID_CHARGE', `${path}amount`, 'write an amount above 0, with at most 12 digits before the point and 4 after, such as 1250.50');
  const planned = {
    kind: c.kind,
    description: c.description?.trim() || null,
    amount: c.amount,
    spread: c.spread,
    billNumber: extra.billNumber?.trim() || null,
    chargedOn: extra.chargedOn,
  };
  if (c.spread !== 'manual') {
    if (given !== undefined) throw usage('INVALID_CHARGE', `${path}lines`, 'are for a charge spread by hand: leave them out, or set spread to manual');
    if (c.spread === 'value' && lines.every((l) => ZERO.test(l.unitCost)))
      throw usage('INVALID_CHARGE', `${path}spread`, 'the lines have no value to spread by (every unit cost is 0): spread it by quantity or by hand');
    return { ...planned, shares: null };
  }
  if (given === undefined || given.length === 0)
    throw usage('INVALID_CHARGE', `${path}lines`, 'list each line’s share (its line and amount) for a charge spread by hand');
  const shares: (bigint | undefined)[] = lines.map(() => undefined);
  given.forEach((g, j) => {
    if (g.index === undefined) throw usage('INVALID_CHARGE', `${path}lines/${j}`, extra.lineProblem);
    if (!CHARGE_AMOUNT.test(g.amount))
      throw usage('INVALID_CHARGE', `${path}lines/${j}/amount`, 'write an amount of 0 or more, with at most 4 decimals, such as 40.50');
    if (shares[g.index] !== undefined)
      throw usage('INVALID_CHARGE', `${path}lines/${j}`, `names line ${g.index + 1} of the receipt again: give each line’s share once`);
    shares[g.index] = units(g.amount);
  });
  const sum = shares.reduce<bigint>((s, x) => s + (x ?? 0n), 0n);
  const total = units(c.amount);
  if (sum !== total)
    throw usage(
      'CHARGE_SHARES_DIFFER',
      `${path}lines`,
      `the shares add up to ${fromUnits(sum)}, not the charge’s ${fromUnits(total)}: ${fromUnits(sum < total ? total - sum : sum - total)} ${sum < total ? 'is not spread' : 'too much is spread'}; make them add up to the charge exactly`,
      { shares: fromUnits(sum), amount: fromUnits(total) },
    );
  return { ...planned, shares: shares.map((x) => fromUnits(x ?? 0n)) };
}

/** The charge with its sign turned and each share with it: what a reversal carries of a charge. */
export function negatedCharge(c: ReceiptCharge, shares: string[]): PlannedCharge {
  const turn = (d: string) => fromUnits(-units(d));
  return {
    kind: c.kind,
    description: c.description,
    amount: turn(c.amount),
    spread: c.spread,
    billNumber: c.billNumber,
    chargedOn: c.chargedOn,
    shares: shares.map(turn),
  };
}

/**
 * Writes charges onto a receipt whose lines are written, each with every line's share (given,
 * or spread as its `spread` says, the last line with a weight taking what is left); answers
 * the charges' ids in the order given. Every line has a row for every charge, 0 where it takes
 * no share. The charges and their shares are never changed after (migration 0037's triggers).
 */
export async function writeCharges(q: Queryable, receiptId: number, charges: readonly PlannedCharge[], addedLater: boolean, userId: number | null) {
  const given = charges.flatMap((c, n) => (c.shares ?? []).map((amount, line) => ({ n: n + 1, line: line + 1, amount })));
  const r = await q.query<{ id: number }>(
    `WITH x AS (SELECT * FROM unnest($2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[], $7::date[], $8::bool[])
                WITH ORDINALITY AS x(kind, description, amount, spread, bill, day, given, n)),
          c AS (INSERT INTO public.goods_receipt_charges (receipt_id, kind, description, amount, spread, added_later, bill_number, charged_on, created_by)
                SELECT $1, x.kind, x.description, x.amount, x.spread, $9, x.bill, coalesce(x.day, CURRENT_DATE), $10 FROM x ORDER BY x.n
                RETURNING id, amount, spread),
          cn AS (SELECT k.id, k.amount, k.spread, x.given, k.n FROM (SELECT c.*, row_number() OVER (ORDER BY c.id) AS n FROM c) k JOIN x ON x.n = k.n),
          l AS (SELECT l.id, l.quantity, l.unit_cost, row_number() OVER (ORDER BY l.id) AS n FROM public.goods_receipt_lines l WHERE l.receipt_id = $1),
          g AS (SELECT * FROM unnest($11::int[], $12::int[], $13::numeric[]) AS g(n, line, amount)),
          w AS (SELECT cn.id AS charge_id, cn.amount AS total, cn.given, l.id AS line_id, l.n AS line_n, g.amount AS share_given,
                       CASE cn.spread WHEN 'quantity' THEN l.quantity WHEN 'value' THEN l.quantity * l.unit_cost ELSE 0 END AS weight
                  FROM cn CROSS JOIN l LEFT JOIN g ON g.n = cn.n AND g.line = l.n),
          s AS (SELECT w.*,
                       CASE WHEN w.given THEN coalesce(w.share_given, 0)
                            WHEN w.weight = 0 THEN 0
                            ELSE round(w.total * w.weight / sum(w.weight) OVER (PARTITION BY w.charge_id), 4) END AS share,
                       NOT w.given AND w.line_n = max(CASE WHEN w.weight <> 0 THEN w.line_n END) OVER (PARTITION BY w.charge_id) AS last
                  FROM w),
          f AS (SELECT s.charge_id, s.line_id,
                       CASE WHEN s.last THEN s.total - sum(CASE WHEN s.last THEN 0 ELSE s.share END) OVER (PARTITION BY s.charge_id) ELSE s.share END AS amount
                  FROM s),
          ins AS (INSERT INTO public.goods_receipt_charge_lines (charge_id, receipt_line_id, amount) SELECT f.charge_id, f.line_id, f.amount FROM f)
     SELECT c.id FROM c ORDER BY c.id`,
    [
      receiptId,
      charges.map((c) => c.kind),
      charges.map((c) => c.description),
      charges.map((c) => c.amount),
      charges.map((c) => c.spread),
      charges.map((c) => c.billNumber),
      charges.map((c) => c.chargedOn),
      charges.map((c) => c.shares !== null),
      addedLater,
      userId,
      given.map((g) => g.n),
      given.map((g) => g.line),
      given.map((g) => g.amount),
    ],
  );
  return r.rows.map((x) => x.id);
}

/** SQL: the landed unit cost of a line of `unitCost` and `quantity` whose shares of the charges add up to `shares` (NULL: none). */
export const landedUnitCostSql = (unitCost: string, quantity: string, shares: string) =>
  `(${unitCost} + coalesce(round((${shares})::numeric(40,24) / ${quantity}, 20), 0))`;

/** A receipt's charges, each line's shares of them and its landed unit cost (its unit cost when it carries none), the lines by id. */
export async function chargesOf(
  q: Queryable,
  receiptId: number,
): Promise<{ charges: ReceiptCharge[]; shares: Map<number, LineShare[]>; landed: Map<number, string> }> {
  const charges = (
    await q.query<ReceiptCharge>(
      `SELECT c.id AS "chargeId", c.kind, c.description, trim_scale(c.amount)::text AS amount, c.spread, c.added_later AS "addedLater",
              c.bill_number AS "billNumber", to_char(c.charged_on, 'YYYY-MM-DD') AS "chargedOn", c.created_by AS "createdBy", ${isoUtc('c.created_at')} AS "createdAt"
         FROM public.goods_receipt_charges c WHERE c.receipt_id = $1 ORDER BY c.id`,
      [receiptId],
    )
  ).rows;
  const lines = (
    await q.query<{ lineId: number; landed: string; shares: LineShare[] | null }>(
      `SELECT l.id AS "lineId",
              trim_scale(${landedUnitCostSql('l.unit_cost', 'l.quantity', 'sum(cl.amount)')})::text AS landed,
              json_agg(json_build_object('chargeId', cl.charge_id, 'amount', trim_scale(cl.amount)::text) ORDER BY cl.charge_id)
                FILTER (WHERE cl.charge_id IS NOT NULL) AS shares
         FROM public.goods_receipt_lines l LEFT JOIN public.goods_receipt_charge_lines cl ON cl.receipt_line_id = l.id
        WHERE l.receipt_id = $1 GROUP BY l.id ORDER BY l.id`,
      [receiptId],
    )
  ).rows;
  return {
    charges,
    shares: new Map(lines.map((l) => [l.lineId, l.shares ?? []])),
    landed: new Map(lines.map((l) => [l.lineId, l.landed])),
  };
}
