// How a day is written and read, in one of the formats an installation may choose. Pure (it
// imports nothing): the import, the exports and the web app (web/src/format.ts) all read it,
// so a day is read the same way everywhere.

/** The date formats an installation may choose; ISO (YYYY-MM-DD) is read whatever the choice. */
export const DATE_FORMATS = ['DD/MM/YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export function isDateFormat(value: string): value is DateFormat {
  return (DATE_FORMATS as readonly string[]).includes(value);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A day (YYYY-MM-DD) as `format` writes it: "2026-11-05" is 05/11/2026 in DD/MM/YYYY. Anything else is answered as it is. */
export function writeDay(iso: string, format: DateFormat): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (format === 'DD/MM/YYYY') return `${d}/${mo}/${y}`;
  if (format === 'MM/DD/YYYY') return `${mo}/${d}/${y}`;
  return `${y}-${mo}-${d}`;
}

/** The ways a day may be written under `format`, with an example each, for a message or a placeholder's hint. */
export function dayForms(format: DateFormat): string {
  const example = '2026-11-05';
  return format === 'YYYY-MM-DD' ? `YYYY-MM-DD (as ${example})` : `${format} (as ${writeDay(example, format)}) or YYYY-MM-DD (as ${example})`;
}

/**
 * Reads a day written in `format` or as ISO YYYY-MM-DD (one or two digits for the day and the
 * month), answering it as YYYY-MM-DD; or, when it cannot, why, in a sentence: a day that is
 * written well but does not exist says so ("30 February does not exist"), anything else names
 * the forms that are read.
 */
export function readDay(text: string, format: DateFormat): { day: string } | { problem: string } {
  const v = text.trim();
  const iso = ISO.exec(v);
  const slashed = format === 'YYYY-MM-DD' ? null : SLASHED.exec(v);
  let parts: [number, number, number] | null = null;
  if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (slashed) {
    const [a, b, y] = [Number(slashed[1]), Number(slashed[2]), Number(slashed[3])];
    parts = format === 'DD/MM/YYYY' ? [y, b, a] : [y, a, b];
  }
  if (!parts) return { problem: `"${v}" is not a day: write it ${dayForms(format)}` };
  const [year, month, day] = parts;
  if (month < 1 || month > 12) return { problem: `"${v}" names month ${month}: a month is 1 to 12 (written ${dayForms(format)})` };
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > last) {
    const name = `${day} ${MONTHS[month - 1]}`;
    if (month === 2 && day === 29) return { problem: `29 February ${year} does not exist: ${year} is not a leap year` };
    return { problem: `${name} does not exist${day > 0 && day <= 31 ? `: ${MONTHS[month - 1]} has ${last} days` : ''}` };
  }
  return { day: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}
