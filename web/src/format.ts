import { decimal, round, text, ZERO } from './lots/decimal.ts';
import type { Decimal } from './lots/decimal.ts';
import { writeDay } from '../../src/app/settings/days.ts';
import type { DateFormat } from '../../src/app/settings/days.ts';

// How figures and moments read on the page. Quantities and money arrive as decimal strings
// and are only rounded (money, for the eye) and re-punctuated here, never turned into binary floats.
// Days and money follow the installation's settings (GET /api/settings), which settings.tsx
// hands to `showWith` before any page draws; the day rule is the API's own (src/app/settings/days.ts).

/** How days and money are shown: the installation's date format and currency. */
export interface DisplaySettings {
  dateFormat: DateFormat;
  currency: string;
}

let shown: DisplaySettings = { dateFormat: 'DD/MM/YYYY', currency: 'INR' };
const symbols = new Map<string, CurrencyShape>();

/** Where a currency's symbol goes, and how many decimals its amounts show (2 for INR, 0 for JPY, 3 for KWD). */
interface CurrencyShape {
  before: string;
  after: string;
  places: number;
}

/** Every page from now on shows days and money this way (settings.tsx calls it with the API's settings). */
export function showWith(settings: DisplaySettings): void {
  shown = { dateFormat: settings.dateFormat, currency: settings.currency };
}

/** The date format days are shown and typed in now. */
export function shownDateFormat(): DateFormat {
  return shown.dateFormat;
}

/** A day from the API (YYYY-MM-DD) in the installation's date format ("2026-11-05" → "05/11/2026" in DD/MM/YYYY). */
export function formatDay(day: string): string {
  return writeDay(day, shown.dateFormat);
}

const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A moment from the API (ISO-8601): its day in the reader's time zone, in the installation's date format, and the time ("05/11/2026 14:05"). */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDay(localDay(d))} ${formatTime(d)}`;
}

/** A moment's time of day in the reader's time zone, 24-hour ("14:05"): how every time is shown. */
export function formatTime(d: Date = new Date()): string {
  return time.format(d);
}

/** A moment's day in the reader's time zone, as YYYY-MM-DD. */
export function localDay(d: Date = new Date()): string {
  return `${String(d.getFullYear()).padStart(4, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
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
 * A sum of money as a decimal string, rounded to its currency's places (two for most, none for the yen; halves away from zero, as
 * PostgreSQL rounds) with separators and the currency's symbol (the installation's unless
 * told: "1234.5" → "₹1,234.50", "0.125" → "₹0.13"). The rounding is
 * only for the eye: the API keeps and sums the exact figures.
 */
export function formatMoney(decimal: string, currency: string = shown.currency): string {
  return grouped(text(round(parse(decimal), symbolOf(currency).places)), '−', currency);
}

/** A unit cost or price: at least two places, up to four when it has them ("12.5" → "₹12.50", "0.123456" → "₹0.1235"). */
export function formatUnitCost(decimal: string, currency: string = shown.currency): string {
  const exact = parse(decimal);
  const least = symbolOf(currency).places;
  const places = Math.min(Math.max(4, least), Math.max(least, exact.scale - (text(exact).match(/0*$/)?.[0].length ?? 0)));
  return grouped(text(round(exact, places)), '−', currency);
}

/** A figure with separators, and the currency's symbol where the currency puts it (Intl's, in English: ₹, $, €, CHF …). */
function grouped(fixed: string, minus: string, currency: string): string {
  const [whole = '0', fraction = ''] = fixed.split('.');
  const negative = whole.startsWith('-') && /[1-9]/.test(fixed);
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const { before, after } = symbolOf(currency);
  return `${negative ? minus : ''}${before}${digits}${fraction ? `.${fraction}` : ''}${after}`;
}

/** Where a currency's symbol goes, and with what space, taken from Intl's own formatting of 1 (only the symbol and its place: the figure is ours). */
function symbolOf(currency: string): CurrencyShape {
  let found = symbols.get(currency);
  if (!found) {
    try {
      const format = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'symbol' });
      const parts = format.formatToParts(1);
      const places = format.resolvedOptions().maximumFractionDigits ?? 2;
      const at = parts.findIndex((p) => p.type === 'currency');
      const number = parts.findIndex((p) => p.type === 'integer');
      const symbol = parts[at]?.value ?? currency;
      const space = parts.some((p) => p.type === 'literal' && p.value.trim() === '') ? '\u00a0' : '';
      found = at < number ? { before: `${symbol}${space}`, after: '', places } : { before: '', after: `${space}${symbol}`, places };
    } catch {
      found = { before: '', after: `\u00a0${currency}`, places: 2 };
    }
    symbols.set(currency, found);
  }
  return found;
}

function parse(value: string): Decimal {
  try {
    return decimal(value);
  } catch {
    return ZERO;
  }
}

/** A percentage as a decimal string, with the same minus sign as money ("-9.24" → "−9.24%"). */
export function formatPercent(decimal: string): string {
  return `${decimal.replace(/^-/, '−')}%`;
}

/** A lot or job status as words ("in_progress" → "In progress"). */
export function formatStatus(status: string): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
