import { decimal, round, text, ZERO } from './lots/decimal.ts';
import type { Decimal } from './lots/decimal.ts';

// How figures and moments read on the page. Quantities and money arrive as decimal strings
// and are only rounded (money, for the eye) and re-punctuated here, never turned into binary floats.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A moment from the API (ISO-8601) in the reader's locale and time zone. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** A decimal string with thousands separators, trailing zeros after the point dropped ("1200.500" → "1,200.5"). */
export function formatQuantity(decimal: string): string {
  const [whole = '0', fraction = ''] = plainQuantity(decimal).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A quantity as an input holds it: as formatQuantity writes it but without separators, so the
 * API takes it back as typed ("1.0000" → "1", "1200.500" → "1200.5").
 */
export function plainQuantity(decimal: string): string {
  const [whole = '0', fraction = ''] = decimal.split('.');
  const kept = fraction.replace(/0+$/, '');
  return `${whole}${kept ? `.${kept}` : ''}`;
}

/**
 * A sum of money as a decimal string, rounded to two places (halves away from zero, as
 * PostgreSQL rounds) with separators ("1234.5" → "1,234.50", "0.125" → "0.13"). The rounding is
 * only for the eye: the API keeps and sums the exact figures.
 */
export function formatMoney(decimal: string): string {
  return grouped(text(round(parse(decimal), 2)), '−');
}

/** A unit cost or price: at least two places, up to four when it has them ("12.5" → "12.50", "0.123456" → "0.1235"). */
export function formatUnitCost(decimal: string): string {
  const exact = parse(decimal);
  const places = Math.min(4, Math.max(2, exact.scale - (text(exact).match(/0*$/)?.[0].length ?? 0)));
  return grouped(text(round(exact, places)), '−');
}

function grouped(fixed: string, minus: string): string {
  const [whole = '0', fraction = ''] = fixed.split('.');
  const negative = whole.startsWith('-') && /[1-9]/.test(fixed);
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? minus : ''}${digits}${fraction ? `.${fraction}` : ''}`;
}

function parse(value: string): Decimal {
  try {
    return decimal(value);
  } catch {
    return ZERO;
  }
}

/** A lot or job status as words ("in_progress" → "In progress"). */
export function formatStatus(status: string): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
