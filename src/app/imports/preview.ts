import type { Database } from '../../db/types.ts';
import { ImportError } from './errors.ts';
import { matchHeader } from './headers.ts';
import { kindNamed } from './kinds/index.ts';
import type { FieldError, ParsedRow } from './kinds/kind.ts';
import { getSettings } from '../settings/settings.ts';
import { SourceProbe, readDeclared } from './formats/detect.ts';
import type { DeclaredOptions, SourceOptions } from './formats/detect.ts';
import { openRows } from './formats/rows.ts';
import type { SourceRow } from './formats/rows.ts';
import type { XlsxReading } from './formats/xlsx/limits.ts';
import { storedChunks } from './store.ts';
import { checkRow, unreadableHeader, writeRows } from './write.ts';
import { marginsMovedBy } from '../costing/what-if.ts';
import type { WhatIf } from '../costing/what-if.ts';

/** A file to preview that is not stored as a job (mtc import --preview). */
export interface PreviewFile {
  kind: string;
  fileName: string;
  bytes: Uint8Array;
  options?: DeclaredOptions;
}

/** One row as it would be imported: its values by column, its errors, and what it would do. */
export interface PreviewRow {
  rowNumber: number;
  values: Record<string, string>;
  errors: FieldError[];
  /** What writing it would do ("item created, variant created, opening stock 5"); null when rejected. */
  outcome: string | null;
}

/** A preview: the columns as matched, the first rows, and why the file cannot be imported at all (or null). */
export interface Preview {
  kind: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  columns: { key: string; label: string; header: string | null; required: boolean }[];
  /** Header cells no column reads: they are ignored. */
  ignoredColumns: string[];
  rows: PreviewRow[];
  problem: string | null;
  /**
   * For a kind whose rows change what processes cost (rates): what importing the file's first
   * `rowsRead` rows would do to every margin (see what-if.ts); null for other kinds or when no
   * row can be written.
   */
  margins: (WhatIf & { rowsRead: number; wholeFile: boolean }) | null;
}

/** The most rows of a file a preview writes to show the margins it moves (one import batch). */
export const MARGIN_ROWS = 2000;

/** Signals the end of a preview's transaction: whatever it wrote is rolled back. */
class RollBack extends Error {}

/**
 * The first `rows` data rows of a job's file (by job id) or of a file given whole, as they
 * would be imported: checked, then written in a transaction that is rolled back, so each row
 * shows the errors and the outcome the real import would give it, and nothing stays.
 */
export async function previewImport(db: Database, source: number | PreviewFile, options: { rows?: number; xlsx?: XlsxReading } = {}): Promise<Preview> {
  const limit = Math.max(1, Math.min(options.rows ?? 20, 1000));
  let kindText: string;
  let format: 'csv' | 'xlsx';
  let opts: SourceOptions;
  let chunks: () => AsyncIterable<Buffer>;
  let fileName: string;
  let sha256: string;
  let jobId: number | null = null;
  let userId: number | null = null;
  if (typeof source === 'number') {
    const r = await db.query<{ kind: string; format: 'csv' | 'xlsx'; options: SourceOptions; fileName: string; userId: number | null; sha256: string }>(
      `SELECT j.kind, s.format, s.options, s.file_name AS "fileName", j.user_id AS "userId", s.sha256 FROM public.import_jobs j JOIN public.import_job_sources s ON s.import_job_id = j.id WHERE j.id = $1`,
      [source],
    );
    const job = r.rows[0];
    if (!job) throw new ImportError('IMPORT_NOT_FOUND', `no import job ${source} with a stored file`, 'state', { jobId: source });
    ({ kind: kindText, format, options: opts, fileName, userId, sha256 } = job);
    jobId = source;
    chunks = () => storedChunks(db, source);
  } else {
    kindText = source.kind;
    fileName = source.fileName;
    const probe = new SourceProbe(source.fileName, readDeclared(source.options ?? {}));
    const bytes = Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
    probe.push(bytes);
    ({ format, options: opts, sha256 } = probe.finish());
    chunks = async function* () {
      yield bytes;
    };
  }
  const kind = kindNamed(kindText);
  const preview: Preview = {
    kind: kind.name,
    format,
    encoding: format === 'csv' ? opts.encoding : null,
    delimiter: format === 'csv' ? opts.delimiter : null,
    columns: kind.columns.map((c) => ({ key: c.key, label: c.label, header: null, required: c.required })),
    ignoredColumns: [],
    rows: [],
    problem: null,
    margins: null,
  };
  // A file that changes costs is read further than the rows shown, so its margins are the file's.
  const reach = kind.costsProcesses ? Math.max(limit, MARGIN_ROWS) : limit;
  let more = false;
  const rows: SourceRow[] = [];
  let header: string[] | null = null;
  try {
    for await (const row of openRows({ format, options: opts, chunks, sha256, ...(options.xlsx ? { xlsx: options.xlsx } : {}) })) {
      if (header === null) {
        if (row.error) {
          preview.problem = unreadableHeader(row);
          return preview;
        }
        header = row.cells;
      } else if (rows.length < reach) rows.push(row);
      else {
        more = true;
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    preview.problem = err.message;
    return preview;
  }
  if (header === null) {
    preview.problem = 'the file is empty: there is no header row';
    return preview;
  }
  const match = matchHeader(kind, header);
  if ('missing' in match) {
    preview.problem = match.message;
    return preview;
  }
  preview.ignoredColumns = match.ignored;
  for (const c of preview.columns) {
    const i = match.indexes.get(c.key);
    c.header = i === undefined ? null : (header[i] ?? null);
  }
  const reading = await getSettings(db);
  const checked = rows.map((r) => checkRow(kind, match, r, reading));
  const valid = checked.flatMap((c) => ('parsed' in c ? [c.parsed as ParsedRow<unknown>] : []));
  let written = { rejected: new Map<number, FieldError[]>(), outcomes: new Map<number, string>() };
  if (valid.length > 0) {
    try {
      await db.transaction(async (tx) => {
        const write = async () => {
          written = await writeRows(tx, kind, valid, { jobId, userId, fileName, reading });
        };
        if (kind.costsProcesses) preview.margins = { ...(await marginsMovedBy(tx, write)), rowsRead: rows.length, wholeFile: !more };
        else await write();
        throw new RollBack();
      });
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
    }
  }
  preview.rows = checked.slice(0, limit).map((c) => {
    const values: Record<string, string> = {};
    for (const [key, i] of match.indexes) values[key] = c.row.cells[i] ?? '';
    const errors = 'errors' in c ? c.errors : (written.rejected.get(c.row.rowNumber) ?? []);
    return { rowNumber: c.row.rowNumber, values, errors, outcome: errors.length === 0 ? (written.outcomes.get(c.row.rowNumber) ?? null) : null };
  });
  return preview;
}
