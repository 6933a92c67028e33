import { ImportError } from '../errors.ts';
import { itemsKind } from './items.ts';
import type { ImportKind } from './kind.ts';
import { ratesKind } from './rates.ts';
import { suppliersKind } from './suppliers.ts';

/** Every kind of import, by its canonical name (what import_jobs.kind holds). */
export const IMPORT_KINDS = { items: itemsKind, suppliers: suppliersKind, rates: ratesKind } as const;
export type ImportKindName = keyof typeof IMPORT_KINDS;
export const IMPORT_KIND_NAMES = Object.keys(IMPORT_KINDS) as ImportKindName[];

/** Other names people use for a kind. */
const ALIASES: Record<string, ImportKindName> = {
  'items-and-variants': 'items',
  variants: 'items',
  item: 'items',
  supplier: 'suppliers',
  'supplier-rates': 'rates',
  rate: 'rates',
  pricing: 'rates',
};

/** The canonical name of a kind given by a person ("items-and-variants" → "items"); IMPORT_UNKNOWN_KIND (usage) otherwise. */
export function kindName(name: string): ImportKindName {
  const n = name.trim().toLowerCase();
  // own properties only: "constructor" or "__proto__" name no kind
  if (Object.hasOwn(IMPORT_KINDS, n)) return n as ImportKindName;
  if (Object.hasOwn(ALIASES, n)) return ALIASES[n]!;
  throw new ImportError('IMPORT_UNKNOWN_KIND', `unknown import kind "${name}": use ${IMPORT_KIND_NAMES.join(', ')}`, 'usage', {
    field: 'kind',
    kinds: IMPORT_KIND_NAMES,
  });
}

/** The kind of that name (or alias). */
export function kindNamed(name: string): ImportKind<unknown> {
  return IMPORT_KINDS[kindName(name)] as ImportKind<unknown>;
}

/** A kind as the web app and other clients are told it: its name, what a person calls it, and the columns it reads. */
export interface ImportKindInfo {
  name: ImportKindName;
  label: string;
  about: string;
  listPath: string;
  /** Headers a file must have, in the order the kind reads them. */
  required: string[];
  /** Headers it may have. */
  optional: string[];
}

/** Every kind, described (GET /api/imports/kinds): the one source of the columns a file needs. */
export function describeImportKinds(): ImportKindInfo[] {
  return IMPORT_KIND_NAMES.map((name) => {
    const k = IMPORT_KINDS[name] as ImportKind<unknown>;
    return {
      name,
      label: k.label,
      about: k.about,
      listPath: k.listPath,
      required: k.columns.filter((c) => c.required).map((c) => c.label),
      optional: k.columns.filter((c) => !c.required).map((c) => c.label),
    };
  });
}
