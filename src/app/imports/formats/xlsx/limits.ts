// What an XLSX file may cost before it is refused, and the refusals. The numbers and why
// they are what they are: docs/ARCHITECTURE.md, "Imports: hostile workbooks".
import { totalmem } from 'node:os';
import { ImportError } from '../../errors.ts';

/** The limits a workbook is read under; each is checked as the parts are inflated. */
export interface XlsxLimits {
  /** Bytes all the parts inflate to, together (counted as they come out of zlib, not as declared). */
  unpackedBytes: number;
  /** Bytes one part that is read whole into memory (workbook, relationships, styles) inflates to. */
  partBytes: number;
  /** Shared strings (`<si>` items) in the workbook. */
  sharedStrings: number;
  /** Bytes the shared strings part inflates to. */
  sharedStringBytes: number;
  /** Rows in one worksheet. */
  rowsPerSheet: number;
  /** Cells in the workbook: every sheet is read, the one imported or not. */
  cells: number;
  /** Bytes of XML one cell or one shared string takes, markup included (also: any text or tag without a break). */
  cellBytes: number;
  /** Parts (files) in the zip. */
  parts: number;
}

const MiB = 1024 * 1024;

/** The defaults: a million-row factory sheet fits with room to spare; a bomb is refused within seconds. */
export const DEFAULT_XLSX_LIMITS: Readonly<XlsxLimits> = Object.freeze({
  unpackedBytes: 2048 * MiB,
  partBytes: 32 * MiB,
  sharedStrings: 4_000_000,
  sharedStringBytes: 128 * MiB,
  rowsPerSheet: 1_048_576,
  cells: 30_000_000,
  cellBytes: 1 * MiB,
  parts: 4000,
});

/** How a workbook is read: its limits and the heap of the thread that reads it. */
export interface XlsxReading {
  limits: XlsxLimits;
  /** The reading thread's heap (V8's old generation), in MB; past it the job fails, the process does not. */
  heapMb: number;
}

/**
 * The default heap: 2 GiB, or a quarter of the machine's memory (its cgroup's, in a
 * container) where that is less, since a job may read with two threads at once (its count
 * and its rows). A workbook at the shared strings' limits reads in well under 2 GiB
 * (measured); and V8 sizes its collector by the cap: at 1 GiB it collected so often that
 * reading a 100,000-row sheet took twice as long (measured; 2 GiB reads as fast as no cap).
 */
export const DEFAULT_XLSX_HEAP_MB = Math.min(2048, Math.floor(machineMemory() / 4 / MiB));

function machineMemory(): number {
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return constrained && constrained > 0 && constrained < totalmem() ? constrained : totalmem();
}

/** Defaults, with whatever `over` sets instead. */
export function xlsxReading(over: { limits?: Partial<XlsxLimits>; heapMb?: number } = {}): XlsxReading {
  return { limits: { ...DEFAULT_XLSX_LIMITS, ...over.limits }, heapMb: over.heapMb ?? DEFAULT_XLSX_HEAP_MB };
}

/** A size as people read it: 2 GiB, 128 MiB, 512 KiB, 900 bytes. */
export function sizeText(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 * MiB],
    ['MiB', MiB],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % (size / 4) === 0) return `${(bytes / size).toLocaleString('en')} ${unit}`;
  }
  return `${bytes.toLocaleString('en')} bytes`;
}

const count = (n: number) => n.toLocaleString('en');
const SAVE_AS_CSV = 'save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that';

/**
 * The refusals, one code each. Every one says which limit the file passed, where, and what
 * to do; none depends on what the zip declares about itself.
 */
export const refuse = {
  unpacked: (limits: XlsxLimits) =>
    new ImportError(
      'IMPORT_XLSX_TOO_LARGE',
      `the workbook unpacks to more than ${sizeText(limits.unpackedBytes)} (counted as its parts are inflated, whatever sizes the zip declares): ${SAVE_AS_CSV}, or split it into several workbooks`,
      'state',
      { limit: limits.unpackedBytes },
    ),
  part: (limits: XlsxLimits, part: string) =>
    new ImportError(
      'IMPORT_XLSX_PART_TOO_LARGE',
      `the workbook's ${part} unpacks to more than ${sizeText(limits.partBytes)}, and it is read whole: no spreadsheet program writes one that large; ${SAVE_AS_CSV}`,
      'state',
      { limit: limits.partBytes, part },
    ),
  sharedStrings: (limits: XlsxLimits) =>
    new ImportError(
      'IMPORT_XLSX_TOO_MANY_STRINGS',
      `the workbook holds more than ${count(limits.sharedStrings)} different texts (its shared strings, kept in memory while it is read): ${SAVE_AS_CSV}, or split it into several workbooks`,
      'state',
      { limit: limits.sharedStrings },
    ),
  sharedStringBytes: (limits: XlsxLimits) =>
    new ImportError(
      'IMPORT_XLSX_STRINGS_TOO_LARGE',
      `the workbook's texts (its shared strings, kept in memory while it is read) take more than ${sizeText(limits.sharedStringBytes)}: ${SAVE_AS_CSV}, or split it into several workbooks`,
      'state',
      { limit: limits.sharedStringBytes },
    ),
  rows: (limits: XlsxLimits, part: string) =>
    new ImportError(
      'IMPORT_XLSX_TOO_MANY_ROWS',
      `${sheetName(part)} has more than ${count(limits.rowsPerSheet)} rows${limits.rowsPerSheet === 1_048_576 ? ', more than Excel itself allows' : ''}: split it into several workbooks, or ${SAVE_AS_CSV}`,
      'state',
      { limit: limits.rowsPerSheet, part },
    ),
  cells: (limits: XlsxLimits) =>
    new ImportError(
      'IMPORT_XLSX_TOO_MANY_CELLS',
      `the workbook has more than ${count(limits.cells)} cells (every sheet is read, not only the one imported): delete the sheets and columns the import does not need, split it into several workbooks, or ${SAVE_AS_CSV}`,
      'state',
      { limit: limits.cells },
    ),
  parts: (limits: XlsxLimits) =>
    new ImportError(
      'IMPORT_XLSX_TOO_MANY_PARTS',
      `the workbook is made of more than ${count(limits.parts)} parts (sheets, drawings, images and the files that describe them): delete the sheets the import does not need, or ${SAVE_AS_CSV}`,
      'state',
      { limit: limits.parts },
    ),
  cellBytes: (limits: XlsxLimits, part: string, where: string) =>
    new ImportError(
      'IMPORT_XLSX_CELL_TOO_LONG',
      `${where} of ${sheetName(part)} takes more than ${sizeText(limits.cellBytes)} (Excel's own cells hold at most 32,767 characters): shorten it, or ${SAVE_AS_CSV}`,
      'state',
      { limit: limits.cellBytes, part },
    ),
};

/** A part as a person can find it: "worksheet 3 (xl/worksheets/sheet3.xml)", "xl/styles.xml". */
function sheetName(part: string): string {
  const n = /sheet(\d+)\.xml$/.exec(part)?.[1];
  if (part.endsWith('sharedStrings.xml')) return `the workbook's shared strings (${part})`;
  return n ? `worksheet ${n} (${part})` : part;
}
