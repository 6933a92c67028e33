import { MtcError } from '../../errors.ts';

/**
 * A refused import: `usage` (400) for what the caller asked (an unknown kind, a bad option),
 * `state` (409) for what the file or the job is (a missing column, a job that is finished).
 * Codes: IMPORT_UNKNOWN_KIND, IMPORT_BAD_OPTION, IMPORT_NOT_FOUND, IMPORT_MISSING_COLUMN,
 * IMPORT_DUPLICATE_COLUMN, IMPORT_EMPTY_FILE, IMPORT_UNREADABLE, IMPORT_CONFLICT; an XLSX
 * file past a limit (formats/xlsx/limits.ts): IMPORT_XLSX_TOO_LARGE, IMPORT_XLSX_PART_TOO_LARGE,
 * IMPORT_XLSX_TOO_MANY_STRINGS, IMPORT_XLSX_STRINGS_TOO_LARGE, IMPORT_XLSX_TOO_MANY_ROWS,
 * IMPORT_XLSX_TOO_MANY_CELLS, IMPORT_XLSX_CELL_TOO_LONG, IMPORT_XLSX_TOO_MANY_PARTS; its reading thread dead
 * (formats/xlsx/host.ts): IMPORT_XLSX_OUT_OF_MEMORY, IMPORT_XLSX_READER_FAILED.
 */
export class ImportError extends MtcError {}
