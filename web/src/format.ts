// How figures and moments read on the page. Quantities and money arrive as decimal strings
// and are only re-punctuated here (money rounded to cents, exactly), never turned into binary floats.

import { decimal, round, text } from './lots/decimal.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A moment from the API (ISO-8601) in the reader's locale and time zone. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** A decimal string with thousands separators, trailing zeros after the point dropped ("1200.500" → "1,200.5"). */
export function formatQuantity(decimal: string): string {
  const [whole = '0', fraction = ''] = decimal.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const kept = fraction.replace(/0+$/, '');
  return `${sign}${digits}${kept ? `.${kept}` : ''}`;
}

/**
 * A sum of money as a decimal string, rounded to two places (halves away from zero, as
 * PostgreSQL rounds) with separators ("1234.5" → "1,234.50", "10.005" → "10.01").
 */
export function formatMoney(amount: string): string {
  const [whole = '0', fraction = ''] = text(round(decimal(amount), 2)).split('.');
  const sign = whole.startsWith('-') && /[1-9]/.test(whole + fraction) ? '−' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}.${fraction}`;
}

/** A lot or job status as words ("in_progress" → "In progress"). */
export function formatStatus(status: string): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
