import { MtcError } from '../../errors.ts';

/** A refused change to items, variants or stock: `usage` is bad input (400), `state` a conflict (409). */
export class ItemError extends MtcError {}

/**
 * SQL folding a text expression for search: lower case, without accents ("Éclair" →
 * "eclair"), by public.mtc_fold() (migrations/0009_item_search.sql), the one definition the
 * stored search columns use too.
 */
export const folded = (expression: string) => `public.mtc_fold(${expression})`;
