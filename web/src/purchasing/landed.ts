// What a receipt's form shows before it is posted: each line's share of each charge and its
// landed unit cost, worked out as the API spreads them (src/app/purchasing/charges.ts): a
// share is the charge × the line's weight ÷ all the lines' weight, to 4 decimals (halves away
// from zero), the last line with a weight taking what is left. Exact, in scaled BigInts.
import type { ChargeKind, ChargeSpread } from '../../../src/app/purchasing/charges.ts';
import { ZERO, decimal, minus, plus, text, times } from '../lots/decimal.ts';
import type { Decimal } from '../lots/decimal.ts';

export { CHARGE_KINDS, CHARGE_SPREADS } from '../../../src/app/purchasing/charges.ts';
export type { ChargeKind, ChargeSpread };

export const KIND_LABELS: Readonly<Record<ChargeKind, string>> = { freight: 'Freight', duty: 'Duty', other: 'Other' };
export const SPREAD_LABELS: Readonly<Record<ChargeSpread, string>> = { quantity: 'By quantity', value: 'By value', manual: 'By hand' };

/** A charge as the form holds it; `shares` by hand, one per line in the lines' order. */
export interface ChargeDraft {
  key: number;
  kind: ChargeKind;
  description: string;
  amount: string;
  spread: ChargeSpread;
  shares: string[];
}

let nextKey = 1;
export const emptyCharge = (): ChargeDraft => ({ key: nextKey++, kind: 'freight', description: '', amount: '', spread: 'quantity', shares: [] });

/** A line as spreading reads it: what the form holds, as typed. */
export interface SpreadLine {
  quantity: string;
  unitCost: string;
  /** What the charges add to, when not the unit cost: the landed unit cost of a posted line, which earlier charges raised. */
  carried?: string;
}

const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
const QUANTITY = /^\d{1,9}(\.\d{1,3})?$/;

const read = (s: string, pattern: RegExp): Decimal | null => (pattern.test(s.trim()) ? decimal(s.trim()) : null);

/** a ÷ b to `places` decimals, halves away from zero; b not 0. */
function divide(a: Decimal, b: Decimal, places: number): Decimal {
  const shift = places + b.scale - a.scale;
  const n = shift >= 0 ? a.units * 10n ** BigInt(shift) : a.units / 10n ** BigInt(-shift);
  const negative = n < 0n !== b.units < 0n;
  const [x, y] = [n < 0n ? -n : n, b.units < 0n ? -b.units : b.units];
  const q = (2n * x + y) / (2n * y);
  return { units: negative ? -q : q, scale: places };
}

/**
 * Each line's share of a charge as the API would spread it, or null when the charge or a line
 * is not yet written well enough to say (an amount, a quantity, a unit cost to spread by value;
 * shares by hand that are not amounts).
 */
export function sharesOf(c: ChargeDraft, lines: readonly SpreadLine[]): Decimal[] | null {
  const amount = read(c.amount, AMOUNT);
  if (!amount) return null;
  if (c.spread === 'manual') {
    const given = lines.map((_, i) => (c.shares[i]?.trim() ? read(c.shares[i]!, AMOUNT) : ZERO));
    return given.every((g) => g !== null) ? (given as Decimal[]) : null;
  }
  const weights: Decimal[] = [];
  for (const l of lines) {
    const q = read(l.quantity, QUANTITY);
    if (!q) return null;
    if (c.spread === 'quantity') weights.push(q);
    else {
      const cost = read(l.unitCost, AMOUNT);
      if (!cost) return null;
      weights.push(times(q, cost));
    }
  }
  const total = weights.reduce(plus, ZERO);
  if (total.units === 0n) return null;
  const last = weights.reduce((found, w, i) => (w.units !== 0n ? i : found), -1);
  const shares = weights.map((w) => (w.units === 0n ? ZERO : divide(times(amount, w), total, 4)));
  shares[last] = minus(
    amount,
    shares.reduce((s, x, i) => (i === last ? s : plus(s, x)), ZERO),
  );
  return shares;
}

/** What shares by hand add up to, against the charge: the difference to spread (0 when they add up), or null when not yet amounts. */
export function unspread(c: ChargeDraft, lineCount: number): string | null {
  const amount = read(c.amount, AMOUNT);
  const shares = sharesOf(
    c,
    Array.from({ length: lineCount }, () => ({ quantity: '1', unitCost: '0' })),
  );
  if (!amount || !shares) return null;
  return text(minus(amount, shares.reduce(plus, ZERO)));
}

/** Each line's landed unit cost (unit cost + its shares ÷ its quantity, to 6 decimals: for the eye), or null while it cannot be said. */
export function landedUnitCosts(charges: readonly ChargeDraft[], lines: readonly SpreadLine[]): (string | null)[] {
  const spread = charges.map((c) => sharesOf(c, lines));
  return lines.map((l, i) => {
    const q = read(l.quantity, QUANTITY);
    const cost = read(l.carried ?? l.unitCost, l.carried === undefined ? AMOUNT : /^-?\d+(\.\d+)?$/);
    if (!q || q.units === 0n || !cost || spread.some((s) => s === null)) return null;
    const carried = spread.reduce((sum, s) => plus(sum, s![i]!), ZERO);
    return text(plus(cost, divide(carried, q, 6)));
  });
}

/** The charges as the API takes them: by hand, each line's share by its position, left out where empty. */
export function chargesBody(charges: readonly ChargeDraft[]) {
  return charges.map((c) => ({
    kind: c.kind,
    ...(c.description.trim() ? { description: c.description.trim() } : {}),
    amount: c.amount.trim(),
    spread: c.spread,
    ...(c.spread === 'manual' ? { lines: c.shares.flatMap((s, line) => (s.trim() ? [{ line, amount: s.trim() }] : [])) } : {}),
  }));
}
