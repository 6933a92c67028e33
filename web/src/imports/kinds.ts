// The kinds of import the API takes, with the columns each reads (src/app/imports/kinds/), so the
// upload form can say what a file needs before it is sent.

export interface ImportKindInfo {
  /** The API's name for the kind (POST /api/imports?kind=…, GET /api/exports/{name}.csv). */
  name: 'items' | 'suppliers' | 'rates';
  label: string;
  /** Columns a file must have. */
  required: string[];
  /** Columns it may have. */
  optional: string[];
  /** What a row makes, in a sentence. */
  about: string;
  /** Where the imported rows can be seen. */
  listPath: string;
}

export const IMPORT_KINDS: readonly ImportKindInfo[] = [
  {
    name: 'items',
    label: 'Items and variants',
    required: ['Item', 'Color', 'Size'],
    optional: ['Model', 'Variation', 'Description', 'Category', 'Stock', 'Unit', 'Threshold'],
    about: 'One row per variant (an item in a colour and size); Stock is the level to have, so importing a file twice counts it once.',
    listPath: '/items',
  },
  {
    name: 'suppliers',
    label: 'Suppliers',
    required: ['Firm Name'],
    optional: ['Address', 'GSTIN', 'Email', 'Phone'],
    about: 'One row per supplier, known by its firm name: a row for a firm that exists updates it.',
    listPath: '/suppliers',
  },
  {
    name: 'rates',
    label: 'Supplier rates',
    required: ['Supplier', 'Item', 'Color', 'Size', 'Cost'],
    optional: ['Model', 'Variation', 'Description', 'Currency', 'MOQ', 'Effective From', 'Effective To', 'Active'],
    about:
      'One row per rate: what a supplier charges for a variant from a date; the supplier and the variant must exist (a Description tells apart items of one name, model and variation).',
    listPath: '/suppliers',
  },
];

/** The kind of that API name, if it is one. */
export function importKind(name: string): ImportKindInfo | undefined {
  return IMPORT_KINDS.find((k) => k.name === name);
}

/** A kind's label ("Supplier rates"), or its API name when the app does not know it. */
export function kindLabel(name: string): string {
  return importKind(name)?.label ?? name;
}
