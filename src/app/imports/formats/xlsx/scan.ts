// The XML of one workbook part, watched as it is inflated, for the limits the reader's memory
// depends on: how long a cell, a shared string or any one token is, and how many rows, cells
// and strings there are. It keeps nothing of the text: a few counters and offsets. It is not
// a parser: it finds what it counts by its bytes with Buffer searches (native, and one call
// per cell rather than per byte: a fresh worker thread runs it cold), and errs towards
// counting more, never less.
//
// What it watches, and why:
// - a token (text, or a tag with its attributes) is what lies between two '<' (XML allows no
//   '<' inside either): every stretch of `cellBytes` bytes must hold a '<'. This bounds what
//   the XML parser gathers into one string;
// - comments, CDATA sections and processing instructions may hold '<': each must end within
//   `cellBytes`. A document type declaration (no spreadsheet program writes one, and it is
//   the way to entity expansion) is refused;
// - a shared string runs from one `<si` to the next (exceljs joins all the text in between
//   into one string); in a worksheet, from the first row on, a cell or row runs from one
//   `<c` or `<row` to the next, or to `</sheetData>`: none may take more than `cellBytes`.
import { ImportError } from '../../errors.ts';
import { refuse } from './limits.ts';
import type { XlsxLimits } from './limits.ts';

/** What a part is to the reader, which decides what is watched in it. */
export type PartRole = 'strings' | 'sheet' | 'model' | 'other';

/**
 * The role exceljs's WorkbookReader gives a part by its path (the same tests, in its order):
 * shared strings and worksheets are parsed as streams, the workbook, its relationships and
 * the styles are read whole into a model, anything else is drained (still inflated).
 */
export function partRole(path: string): PartRole {
  if (path === 'xl/sharedStrings.xml') return 'strings';
  if (path === 'xl/workbook.xml' || path === 'xl/_rels/workbook.xml.rels' || path === 'xl/styles.xml') return 'model';
  if (/xl\/worksheets\/sheet\d+[.]xml/.test(path)) return 'sheet';
  return 'other';
}

/** Counts over the whole workbook, shared by the scanners of its parts. */
export interface WorkbookCounts {
  unpacked: number;
  strings: number;
  cells: number;
}

const LT = 0x3c;
const ascii = (s: string) => Buffer.from(s, 'latin1');
const OPEN = { c: ascii('<c'), row: ascii('<row'), si: ascii('<si'), sheetDataEnd: ascii('</sheetData'), bang: ascii('<!'), pi: ascii('<?') };
const END = { comment: ascii('-->'), cdata: ascii(']]>'), pi: ascii('?>') };
/**
 * Bytes a match needs after its start: to be classified (`</sheetData` and the byte after
 * it, `<![CDATA[`), and for a row, the first 64 bytes of its tag, where its number is.
 */
const LOOKAHEAD = 72;

/** Whether `b` ends a tag's name (white space, '>' or '/'). */
function ends(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x3e || b === 0x2f;
}

/** A limit passed at byte `at` of the part, and its refusal. */
interface Breach {
  at: number;
  refusal: () => ImportError;
}

/** The earlier of two breaches. */
const first = (a: Breach | null, b: Breach | null): Breach | null => (!a ? b : !b || a.at <= b.at ? a : b);

/**
 * One part's scanner: `push` each inflated chunk in order, then `end`. Either throws the
 * refusal (an ImportError) of the first limit the part passes, as soon as the bytes that
 * pass it have come. Each check finds where in the part its limit was passed and the
 * earliest is refused, so where the chunks happen to end changes neither whether nor why a
 * part is refused.
 */
export class PartScanner {
  private readonly path: string;
  private readonly limits: XlsxLimits;
  private readonly totals: WorkbookCounts;
  private readonly role: PartRole;
  /** The workbook's unpacked bytes before this part. */
  private readonly before: number;
  /** Offset in the part of the first byte of the buffer being scanned. */
  private base = 0;
  /** The last bytes of the last chunk, scanned again with the next: a match may begin there. */
  private carry: Buffer | null = null;
  /** Where the last '<' (or the end of the last comment, CDATA or instruction) is. */
  private lastLt = 0;
  /** Inside a comment, CDATA section or processing instruction: its terminator, and where it began. */
  private special: { end: Buffer; at: number } | null = null;
  /** Where the last of those ended: what lies before it is not looked at for another. */
  private resumeAt = 0;
  /** Where the current shared string, cell or row began; -1 where none is open (a sheet before its first row, after `</sheetData>`). */
  private itemAt: number;
  /** The current shared string's number (from 1), for messages. */
  private itemNumber = 0;
  private strings = 0;
  private rows = 0;
  /** The last row's number as its tag says (`r`), for messages; null when not read. */
  private rowNumber: number | null = null;

  constructor(path: string, limits: XlsxLimits, totals: WorkbookCounts) {
    this.path = path;
    this.limits = limits;
    this.totals = totals;
    this.role = partRole(path);
    this.before = totals.unpacked;
    this.itemAt = this.role === 'strings' ? 0 : -1;
  }

  /** Takes the next inflated chunk of the part. */
  push(chunk: Buffer): void {
    this.totals.unpacked += chunk.length;
    if (this.role === 'other') {
      if (this.totals.unpacked > this.limits.unpackedBytes) throw refuse.unpacked(this.limits);
      return;
    }
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    this.scan(buf, false);
  }

  /** The part has ended. */
  end(): void {
    if (this.role === 'other') return;
    this.scan(this.carry ?? Buffer.alloc(0), true);
    this.carry = null;
  }

  /**
   * Scans `buf` (its first byte at `base` in the part): every match that begins before
   * `done` is taken now; the bytes from `done` on are scanned again with the next chunk.
   */
  private scan(buf: Buffer, last: boolean): void {
    const done = last ? buf.length : Math.max(0, buf.length - LOOKAHEAD);
    const rowBefore = this.rowNumber;
    let breach = first(this.sizes(buf.length), this.specials(buf, done));
    breach = first(breach, this.tokens(buf, done, rowBefore));
    if (this.role === 'strings') breach = first(breach, this.sharedStrings(buf, done));
    else if (this.role === 'sheet') breach = first(breach, this.sheet(buf, done, rowBefore));
    if (breach) throw breach.refusal();
    if (done < buf.length) this.carry = Buffer.from(buf.subarray(done));
    this.base += done;
  }

  /** The part's size (`length` more bytes from `base`) against the limits on it and on the whole workbook. */
  private sizes(length: number): Breach | null {
    const size = this.base + length;
    const total = this.limits.unpackedBytes - this.before;
    let breach: Breach | null = size > total ? { at: total, refusal: () => refuse.unpacked(this.limits) } : null;
    if (this.role === 'model' && size > this.limits.partBytes)
      breach = first(breach, { at: this.limits.partBytes, refusal: () => refuse.part(this.limits, this.path) });
    if (this.role === 'strings' && size > this.limits.sharedStringBytes)
      breach = first(breach, { at: this.limits.sharedStringBytes, refusal: () => refuse.sharedStringBytes(this.limits) });
    return breach;
  }

  /** Comments, CDATA sections and processing instructions: each must end within the limit. */
  private specials(buf: Buffer, done: number): Breach | null {
    const limit = this.limits.cellBytes;
    const tooLong = (at: number): Breach => ({ at: at + limit + 1, refusal: () => refuse.cellBytes(this.limits, this.path, 'a comment or CDATA section') });
    let from = Math.max(0, this.resumeAt - this.base);
    for (;;) {
      if (this.special) {
        const end = buf.indexOf(this.special.end, from);
        if (end === -1) return this.base + done - this.special.at > limit ? tooLong(this.special.at) : null;
        const after = end + this.special.end.length;
        if (this.base + after - this.special.at > limit) return tooLong(this.special.at);
        this.special = null;
        this.resumeAt = this.base + after;
        from = after;
      }
      const bang = buf.indexOf(OPEN.bang, from);
      const pi = buf.indexOf(OPEN.pi, from);
      const at = bang === -1 ? pi : pi === -1 ? bang : Math.min(bang, pi);
      if (at === -1 || at >= done) return null;
      if (at === pi) this.special = { end: END.pi, at: this.base + at };
      else if (buf[at + 2] === 0x2d && buf[at + 3] === 0x2d) this.special = { end: END.comment, at: this.base + at };
      else if (buf.toString('latin1', at + 2, at + 9) === '[CDATA[') this.special = { end: END.cdata, at: this.base + at };
      else {
        const path = this.path;
        return {
          at: this.base + at,
          refusal: () =>
            new ImportError(
              'IMPORT_UNREADABLE',
              `the workbook's ${path} declares a document type, which no spreadsheet program writes: open the file in a spreadsheet program and save it again, or save the sheet as CSV and import that`,
              'state',
            ),
        };
      }
      from = at + 2;
    }
  }

  /** Every stretch of `cellBytes` bytes holds a '<'; checked by jumps of up to `cellBytes`, not byte by byte. */
  private tokens(buf: Buffer, done: number, rowBefore: number | null): Breach | null {
    const limit = this.limits.cellBytes;
    const end = this.base + done;
    while (end - this.lastLt > limit) {
      const lt = buf.lastIndexOf(LT, this.lastLt + limit - this.base);
      if (lt === -1 || this.base + lt <= this.lastLt) {
        const at = this.lastLt + limit + 1;
        return { at, refusal: () => refuse.cellBytes(this.limits, this.path, this.where('a text or tag', buf, at, rowBefore)) };
      }
      this.lastLt = this.base + lt;
    }
    const lt = buf.lastIndexOf(LT, done - 1);
    if (lt !== -1 && this.base + lt > this.lastLt) this.lastLt = this.base + lt;
    return null;
  }

  /** Counts `<si` items; each runs to the next. */
  private sharedStrings(buf: Buffer, done: number): Breach | null {
    for (let at = buf.indexOf(OPEN.si); at !== -1 && at < done; at = buf.indexOf(OPEN.si, at + 3)) {
      if (!ends(buf[at + 3])) continue;
      const long = this.longItem(this.base + at, buf, null);
      if (long) return long;
      this.itemAt = this.base + at;
      this.itemNumber = ++this.strings;
      if (++this.totals.strings > this.limits.sharedStrings) return { at: this.base + at, refusal: () => refuse.sharedStrings(this.limits) };
    }
    return this.longItem(this.base + done, buf, null);
  }

  /** Counts rows and cells, in order (both begin an item), and closes the items at `</sheetData>`. */
  private sheet(buf: Buffer, done: number, rowBefore: number | null): Breach | null {
    let close = buf.indexOf(OPEN.sheetDataEnd);
    let cell = buf.indexOf(OPEN.c);
    let row = buf.indexOf(OPEN.row);
    for (;;) {
      const at = Math.min(cell === -1 ? Infinity : cell, row === -1 ? Infinity : row, close === -1 ? Infinity : close);
      if (at === Infinity || at >= done) return this.longItem(this.base + done, buf, rowBefore);
      const long = this.longItem(this.base + at, buf, rowBefore);
      if (long) return long;
      if (at === close) {
        if (ends(buf[at + 11])) this.itemAt = -1;
        close = buf.indexOf(OPEN.sheetDataEnd, at + 11);
      } else if (at === cell) {
        if (ends(buf[at + 2])) {
          this.itemAt = this.base + at;
          if (++this.totals.cells > this.limits.cells) return { at: this.base + at, refusal: () => refuse.cells(this.limits) };
        }
        cell = buf.indexOf(OPEN.c, at + 2);
      } else {
        if (ends(buf[at + 4])) {
          this.itemAt = this.base + at;
          if (++this.rows > this.limits.rowsPerSheet) return { at: this.base + at, refusal: () => refuse.rows(this.limits, this.path) };
          this.rowNumber = rowAttribute(buf, at + 4);
        }
        row = buf.indexOf(OPEN.row, at + 4);
      }
    }
  }

  /** The shared string, cell or row open since `itemAt`, if it is too long by `at`. */
  private longItem(at: number, buf: Buffer, rowBefore: number | null): Breach | null {
    if (this.itemAt < 0 || at - this.itemAt <= this.limits.cellBytes) return null;
    const where = this.itemAt + this.limits.cellBytes + 1;
    const number = this.itemNumber;
    const what = () => (this.role === 'strings' ? `shared string ${number.toLocaleString('en')}` : this.where('a cell', buf, where, rowBefore));
    return { at: where, refusal: () => refuse.cellBytes(this.limits, this.path, what()) };
  }

  /** `what`, and in a worksheet the row that byte `at` (in `buf`) falls in, if known. */
  private where(what: string, buf: Buffer, at: number, rowBefore: number | null): string {
    if (this.role !== 'sheet') return what;
    let row = rowBefore;
    const from = at - this.base - 1;
    for (let i = from < 0 ? -1 : buf.lastIndexOf(OPEN.row, from); i !== -1; i = i > 0 ? buf.lastIndexOf(OPEN.row, i - 1) : -1) {
      if (ends(buf[i + 4])) {
        row = rowAttribute(buf, i + 4);
        break;
      }
    }
    return row === null ? what : `${what} in row ${row}`;
  }
}

/** The number in `r="…"` if the tag's first bytes (within this chunk) give one. */
function rowAttribute(buf: Buffer, from: number): number | null {
  const end = Math.min(buf.length, from + 64);
  for (let i = from; i + 3 < end; i++) {
    if (buf[i] === 0x3e) return null;
    if (buf[i] === 0x72 /* r */ && buf[i + 1] === 0x3d && (buf[i + 2] === 0x22 || buf[i + 2] === 0x27) && ends(buf[i - 1])) {
      let n = 0;
      let j = i + 3;
      for (; j < end && buf[j]! >= 0x30 && buf[j]! <= 0x39 && j - i < 13; j++) n = n * 10 + buf[j]! - 0x30;
      return j > i + 3 ? n : null;
    }
  }
  return null;
}
