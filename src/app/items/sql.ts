import { DatabaseError } from '../../db/types.ts';
import { MtcError } from '../../schema/errors.ts';

/** A refused change to items, variants or stock: `usage` is bad input (400), `state` a conflict (409). */
export class ItemError extends MtcError {}

/** A timestamp column as ISO-8601 UTC text, the form the API answers with. */
export const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// Accented letters and their plain forms, position by position. Folded before lower(),
// because lower() leaves non-ASCII letters alone under the C locale (PGlite's), and
// because neither unaccent nor pg_trgm can be relied on in every PostgreSQL MTC runs on.
const ACCENTED = 'ÀÁÂÃÄÅàáâãäåÇçČčĆćÈÉÊËèéêëĘęÌÍÎÏìíîïÑñŃńÒÓÔÕÖØòóôõöøŐőÙÚÛÜùúûüŰűÝýÿŠšŚśŽžŹźŻżŘřĞğŞşŁłĄą';
const PLAIN = 'AAAAAAaaaaaaCcCcCcEEEEeeeeEeIIIIiiiiNnNnOOOOOOooooooOoUUUUuuuuUuYyySsSsZzZzZzRrGgSsLlAa';
if ([...ACCENTED].length !== [...PLAIN].length) throw new Error('sql.ts: ACCENTED and PLAIN differ in length');

/** SQL folding a text expression for search: lower case, without accents ("Éclair" → "eclair"). */
export const folded = (expression: string) => `lower(translate(${expression}, '${ACCENTED}', '${PLAIN}'))`;

/** True when `err` is PostgreSQL refusing a row for the unique index `index`. */
export function violates(err: unknown, index: string): boolean {
  return err instanceof DatabaseError && err.code === '23505' && err.message.includes(`"${index}"`);
}
