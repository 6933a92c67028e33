import { MtcError } from '../../schema/errors.ts';

/**
 * A refused import: `usage` (400) for what the caller asked (an unknown kind, a bad option),
 * `state` (409) for what the file or the job is (a missing column, a job that is finished).
 * Codes: IMPORT_UNKNOWN_KIND, IMPORT_BAD_OPTION, IMPORT_NOT_FOUND, IMPORT_MISSING_COLUMN,
 * IMPORT_DUPLICATE_COLUMN, IMPORT_EMPTY_FILE, IMPORT_UNREADABLE, IMPORT_CONFLICT.
 */
export class ImportError extends MtcError {}
