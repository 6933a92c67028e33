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

/** What a format asks of a value, in words: what a person should write instead. */
export const FORMAT_WORDS: Record<string, string> = {
  date: 'must be a day written YYYY-MM-DD, from 0001-01-01 to 9999-12-31 (e.g. 2026-03-01)',
  'date-time': 'must be a moment written YYYY-MM-DDTHH:MM:SSZ (e.g. 2026-03-01T09:30:00Z), from year 0001 to 9999',
  uuid: 'must be a UUID (e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427)',
  email: 'must be an email address',
};
