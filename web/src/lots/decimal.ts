// Exact decimal arithmetic for what the lot pages work out themselves (a lot's needs, an
// alternative's cost): the API's decimal strings as scaled BigInts, never binary floats.

/** A decimal: `units` × 10^−`scale`. */
export interface Decimal {
  units: bigint;
  scale: number;
}

const TEN = 10n;

/** A decimal string ("12.5", "-3", "0.350") or an integer as a Decimal. */
export function decimal(value: string | number): Decimal {
  const text = String(value).trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new Error(`not a decimal: ${text}`);
  const [, sign = '', whole = '', fraction = ''] = match;
  const units = BigInt(`${whole || '0'}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function rescale(a: Decimal, scale: number): bigint {
  return a.units * TEN ** BigInt(scale - a.scale);
}

export function times(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function plus(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function minus(a: Decimal, b: Decimal): Decimal {
  return plus(a, { units: -b.units, scale: b.scale });
}

/** −1, 0 or 1 as a is below, equal to or above b. */
export function compare(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const d = rescale(a, scale) - rescale(b, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Rounded to `places` decimals, halves away from zero (as PostgreSQL's round(numeric) does). */
export function round(a: Decimal, places: number): Decimal {
  if (a.scale <= places) return { units: rescale(a, places), scale: places };
  const divisor = TEN ** BigInt(a.scale - places);
  const magnitude = a.units < 0n ? -a.units : a.units;
  let q = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) q += 1n;
  return { units: a.units < 0n ? -q : q, scale: places };
}

/** The decimal as a string with exactly its scale's decimals ("12.500"). */
export function text(a: Decimal): string {
  const negative = a.units < 0n;
  const digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  const fraction = digits.slice(digits.length - a.scale);
  return `${negative ? '-' : ''}${whole}${a.scale > 0 ? `.${fraction}` : ''}`;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };
