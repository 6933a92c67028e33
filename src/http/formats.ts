// The string formats the API's schemas use, held to what PostgreSQL stores.

/** What of an Ajv instance this module uses (Fastify's own, handed over as it is made). */
interface FormatRegistry {
  formats: Record<string, unknown>;
  addFormat(name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown;
}

/** A format as Ajv keeps it: a regular expression, a function, or an object with `validate` of either kind. */
function validatorOf(format: unknown): (s: string) => boolean {
  const v = format !== null && typeof format === 'object' && 'validate' in format ? (format as { validate: unknown }).validate : format;
  if (v instanceof RegExp) return (s) => v.test(s);
  if (typeof v === 'function') return (s) => Boolean((v as (s: string) => unknown)(s));
  throw new Error('an Ajv format without a validator');
}

/**
 * Days and moments start at year 0001: ajv-formats takes "0000-01-01", which PostgreSQL refuses
 * (there is no year zero), and which would reach the database as a 500. Years 0001 to 9999 are
 * what "YYYY" can write, and each is a day PostgreSQL stores. The rest of each format (a real
 * day of a real month, leap years) stays ajv-formats' own.
 */
export function holdDatesToStorableYears(ajv: FormatRegistry): void {
  for (const name of ['date', 'date-time']) {
    const original = validatorOf(ajv.formats[name]);
    ajv.addFormat(name, { type: 'string', validate: (s) => !s.startsWith('0000') && original(s) });
  }
}

/** What a format asks of a value, as the end of "write …": what a person should write instead. */
export const FORMAT_WORDS: Record<string, string> = {
  date: 'a day as YYYY-MM-DD, such as 2026-03-01 (a day that exists, in the years 0001 to 9999)',
  'date-time': 'a moment as YYYY-MM-DDTHH:MM:SSZ, such as 2026-03-01T09:30:00Z (in the years 0001 to 9999)',
  uuid: 'a UUID, such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  email: 'an email address, such as ana@example.com',
};
