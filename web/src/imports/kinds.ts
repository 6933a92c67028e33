// The kinds of import the API takes, with the columns each reads, as the API serves them
// (GET /api/imports/kinds, from src/app/imports/kinds/): the upload form says what a file
// needs before it is sent, and the pages name a job's kind, without a copy of either here.
import { useApi } from '../useApi.ts';

/** A kind of import as the API describes it. */
export interface ImportKindInfo {
  /** The API's name for the kind (POST /api/imports?kind=…, GET /api/exports/{name}.csv). */
  name: string;
  label: string;
  /** What a row makes, in a sentence. */
  about: string;
  /** Where the imported rows can be seen. */
  listPath: string;
  /** Columns a file must have. */
  required: string[];
  /** Columns it may have. */
  optional: string[];
}

/** The kinds, once loaded (undefined until then), and whether loading them failed. */
export function useImportKinds(): { kinds: ImportKindInfo[] | undefined; error: unknown } {
  const { data, error } = useApi<{ kinds: ImportKindInfo[] }>('/api/imports/kinds');
  return { kinds: data?.kinds, error };
}

/** A kind's label ("Supplier rates"), or its API name while the kinds load or when the API does not know it. */
export function kindLabel(kinds: readonly ImportKindInfo[] | undefined, name: string): string {
  return kinds?.find((k) => k.name === name)?.label ?? name;
}
