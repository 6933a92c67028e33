/**
 * Where each record of a CSV file ends, decided before csv-parse reads it (formats/csv.ts).
 *
 * csv-parse lets a quote left open run on to the next quote anywhere in the file, and the rows
 * between become one record. The rule here: a record may span lines only through a quoted
 * field that closes properly (its closing quote followed by the delimiter, a line break or
 * the end of the file) and only when the record then has as many cells as the header. A
 * quoted field that crosses a line break closes at the first quote after it that is not one
 * of a doubled pair (`""`); when that quote is followed by anything else, the field cannot
 * close properly. A record that breaks the rule is not read: its first line alone is
 * rejected, and reading goes on at the next line. On one line, quoting stays relaxed as
 * csv-parse reads it (`"a"b` is the text `"a"b`, a quote inside an unquoted field is text).
 *
 * Linear time. A quote-free stretch is passed over with `indexOf`; only lines holding a quote
 * are read byte by byte. Going back to the next line after a rejected record re-reads the
 * lines that record covered, so the rejected record leaves behind what it learnt: the way it
 * read the bytes after each of its quoted fields that crossed a line break (a `Path`). Two
 * readings that open a quoted field at the same quote read the same bytes the same way from
 * there on, so a later attempt that opens a field at such a quote takes that reading over (its
 * end, its failure, or the point where it stopped) instead of reading the bytes again, and
 * each byte is read a bounded number of times however the quotes fall.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Why a line was rejected alone. `field` is the field (from 1) whose quote is not closed on that line (0: none). */
export interface Refusal {
  cause: 'improper' | 'unclosed' | 'later' | 'count' | 'size' | 'long';
  field: number;
  /** For `count`: the cells the record would have. */
  cells?: number;
}

/** What the splitter decided about the bytes from a line start on. */
export type Split =
  /** Lines without a quote up to `end`, each a record of its own (`records` of them, blank ones included). */
  | { kind: 'lines'; end: number; records: number }
  /** One record, up to `end` (after its line break, or the end of the file). */
  | { kind: 'record'; end: number }
  /** The line up to `end` is rejected alone. */
  | { kind: 'refused'; end: number; why: Refusal }
  /** The line is longer than the limit and its end has not come yet. */
  | { kind: 'long' };

/** One way of reading the bytes of a record, from its start or from where attempts met on it. */
interface Path {
  /** The next byte to read (absolute offset). */
  pos: number;
  quoted: boolean;
  /** Unquoted, nothing read of the field yet: a quote here opens a quoted field. */
  fieldStart: boolean;
  /** Fields ended so far. */
  cells: number;
  /** Where the quoted field being read opened, and whether it has crossed a line break. */
  openAt: number;
  crossed: boolean;
  /** The end of the record (after its line break) and of its text, once found; -1 before. */
  end: number;
  contentEnd: number;
  /** A quoted field that can never close properly: why, and its field (counted as `cells`). */
  failure: 'improper' | 'unclosed' | null;
  failField: number;
}

/** An attempt to read one record from a line start. Its cells are its path's plus `offset`. */
interface Attempt {
  start: number;
  /** No byte of its text may lie at or past this offset. */
  limit: number;
  path: Path;
  offset: number;
  /** The first field (from 1) whose quote crossed a line break; 0 while none has. */
  firstField: number;
}

/** A quote where a path opened a field that crossed a line break, with the path's cells there. */
interface Meeting {
  path: Path;
  cells: number;
}

type Step = 'step' | 'more' | 'size';

/**
 * Where a byte next occurs in the bytes being read, remembered: asked again from a point before
 * the answer, it answers at once, so walking forward through `buf` costs one pass however many
 * times it is asked. -1: nowhere up to the end of `buf`.
 */
class NextByte {
  private readonly byte: number;
  private buf: Buffer | null = null;
  private base = 0;
  private from = 0;
  private at = -1;

  constructor(byte: number) {
    this.byte = byte;
  }

  /** The first offset (absolute) at or after `from` holding the byte, or -1. */
  find(buf: Buffer, base: number, from: number): number {
    if (this.buf === buf && this.base === base && from >= this.from && (this.at === -1 || from <= this.at)) return this.at;
    const i = buf.indexOf(this.byte, from - base);
    this.buf = buf;
    this.base = base;
    this.from = from;
    this.at = i === -1 ? -1 : base + i;
    return this.at;
  }
}

/** Decides, line start by line start, where records end and which lines are rejected (see the top of this file). */
export class CsvSplitter {
  private readonly delimiter: Buffer;
  private readonly max: number;
  /** The cells a record spanning lines must have: the header's, once the reader knows it (null: no check). */
  width: number | null = null;
  /** While true, quote-free lines come one at a time: the reader reads the header before anything else. */
  oneLine = true;
  private attempt: Attempt | null = null;
  private readonly meetings = new Map<number, Meeting>();
  private kept = 0;
  private readonly quotes = new NextByte(QUOTE);
  private readonly lfs = new NextByte(LF);
  private readonly crs = new NextByte(CR);

  constructor(delimiter: Buffer, max: number) {
    this.delimiter = delimiter;
    this.max = max;
  }

  /**
   * The decision about the bytes from `from` (a line start; absolute offset) on, given the
   * bytes `buf` from offset `base`; null when it needs more bytes (`eof`: there are no more).
   */
  next(buf: Buffer, base: number, from: number, eof: boolean): Split | null {
    if (from >= base + buf.length) return null;
    if (this.attempt === null || this.attempt.start !== from) {
      const plain = this.quoteFree(buf, base, from, eof);
      if (plain !== undefined) return plain;
      const path: Path = {
        pos: from,
        quoted: false,
        fieldStart: true,
        cells: 0,
        openAt: -1,
        crossed: false,
        end: -1,
        contentEnd: -1,
        failure: null,
        failField: 0,
      };
      this.attempt = { start: from, limit: from + this.max, path, offset: 0, firstField: 0 };
    }
    const decision = this.run(this.attempt, buf, base, eof);
    if (decision !== null) {
      this.attempt = null;
      this.forget(decision.kind === 'long' ? Infinity : decision.end);
    }
    return decision;
  }

  /** Lines without a quote from `from` on; undefined when the line at `from` holds one. */
  private quoteFree(buf: Buffer, base: number, from: number, eof: boolean): Split | null | undefined {
    const quote = this.quotes.find(buf, base, from);
    const walk = this.walkLines(buf, base, from, quote === -1 ? base + buf.length : quote, eof && quote === -1);
    if (walk.records > 0) return { kind: 'lines', end: walk.end, records: walk.records };
    if (walk.longAt !== -1) {
      const lineEnd = this.breakEnd(buf, base, walk.longAt, eof);
      return lineEnd === -1 ? { kind: 'long' } : { kind: 'refused', end: lineEnd, why: { cause: 'long', field: 0 } };
    }
    return quote === -1 ? null : undefined;
  }

  /**
   * The complete lines from `from` before `stop` (a quote, or the end of the data; `last`: the
   * data ends there, and so does its last line), stopping before a line longer than `max`
   * (`longAt`), after the first line while `oneLine`. `records` counts the lines, blank ones
   * included: csv-parse makes a record of each.
   */
  private walkLines(buf: Buffer, base: number, from: number, stop: number, last: boolean): { end: number; records: number; longAt: number } {
    const end = base + buf.length;
    let at = from;
    let records = 0;
    while (at < stop) {
      const brk = this.nextBreak(buf, base, at);
      if (brk === -1 || brk >= stop) {
        if (stop - at > this.max) return { end: at, records, longAt: at };
        if (last && stop > at) return { end: stop, records: records + 1, longAt: -1 };
        return { end: at, records, longAt: -1 };
      }
      if (brk - at > this.max) return { end: at, records, longAt: at };
      let next = brk + 1;
      if (buf[brk - base] === CR) {
        if (brk + 1 >= end && !last) return { end: at, records, longAt: -1 }; // a CR last may be half of a CRLF
        if (brk + 1 < end && buf[brk + 1 - base] === LF) next = brk + 2;
      }
      records++;
      at = next;
      if (this.oneLine) break;
    }
    return { end: at, records, longAt: -1 };
  }

  /** The first line break at or after `from`, or -1. */
  private nextBreak(buf: Buffer, base: number, from: number): number {
    const lf = this.lfs.find(buf, base, from);
    const cr = this.crs.find(buf, base, from);
    return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  }

  /** The end (after its line break) of the line starting at `from`; the data's end at `eof`; -1 when not in `buf` yet. */
  private breakEnd(buf: Buffer, base: number, from: number, eof: boolean): number {
    const end = base + buf.length;
    const brk = this.nextBreak(buf, base, from);
    if (brk === -1) return eof ? end : -1;
    if (buf[brk - base] === LF) return brk + 1;
    if (brk + 1 < end) return buf[brk + 1 - base] === LF ? brk + 2 : brk + 1;
    return eof ? end : -1;
  }

  private run(a: Attempt, buf: Buffer, base: number, eof: boolean): Split | null {
    const end = base + buf.length;
    for (;;) {
      const p = a.path;
      if (p.failure !== null) {
        const field = p.failField + a.offset + 1;
        const later = a.firstField !== 0 && a.firstField !== field;
        return this.refuse(a, buf, base, eof, later ? { cause: 'later', field: a.firstField } : { cause: p.failure, field });
      }
      if (p.end !== -1) {
        const cells = p.cells + a.offset;
        if (p.contentEnd - a.start > this.max) return this.refuse(a, buf, base, eof, { cause: 'size', field: a.firstField });
        if (a.firstField !== 0 && this.width !== null && cells !== this.width)
          return this.refuse(a, buf, base, eof, { cause: 'count', field: a.firstField, cells });
        return { kind: 'record', end: p.end };
      }
      const step = p.quoted ? this.quoted(a, p, buf, base, end, eof) : this.unquoted(a, p, buf, base, end, eof);
      if (step === 'more') return null;
      if (step === 'size') return this.refuse(a, buf, base, eof, { cause: 'size', field: a.firstField });
    }
  }

  /** Reads unquoted bytes up to the record's end, a quote opening a field, or the limit. */
  private unquoted(a: Attempt, p: Path, buf: Buffer, base: number, end: number, eof: boolean): Step {
    let at = p.pos;
    while (at < end) {
      const b = buf[at - base]!;
      if (b === LF || b === CR) {
        if (b === CR && at + 1 >= end && !eof) {
          p.pos = at;
          return 'more'; // a CR last may be half of a CRLF
        }
        p.cells++;
        p.contentEnd = at;
        p.end = b === CR && at + 1 < end && buf[at + 1 - base] === LF ? at + 2 : at + 1;
        return 'step';
      }
      if (at >= a.limit) {
        p.pos = at;
        return 'size';
      }
      if (b === QUOTE && p.fieldStart) {
        const met = this.meetings.get(at);
        if (met !== undefined && met.path !== p) {
          p.pos = at; // where this path stands, should another attempt take it over
          this.join(a, met);
          return 'step';
        }
        p.quoted = true;
        p.fieldStart = false;
        p.openAt = at;
        p.crossed = false;
        p.pos = at + 1;
        return 'step';
      }
      const d = this.delimiterAt(buf, base, at, end, eof);
      if (d === -1) {
        p.pos = at;
        return 'more';
      }
      if (d > 0) {
        p.cells++;
        p.fieldStart = true;
        at += d;
        continue;
      }
      p.fieldStart = false;
      at++;
    }
    if (!eof) {
      p.pos = at;
      return 'more';
    }
    p.cells++;
    p.contentEnd = end;
    p.end = end;
    return 'step';
  }

  /** Reads a quoted field to its closing quote: properly closed, closed on its own line anyhow, or failed. */
  private quoted(a: Attempt, p: Path, buf: Buffer, base: number, end: number, eof: boolean): Step {
    const from = p.pos;
    const bound = Math.min(end, a.limit);
    const found = from < bound ? this.quotes.find(buf, base, from) : -1;
    if (found === -1 || found >= bound) {
      if (!p.crossed && this.hasBreak(buf, base, from, bound)) this.cross(a, p);
      p.pos = bound;
      if (end > a.limit) return 'size';
      if (!eof) return 'more';
      p.failure = 'unclosed';
      p.failField = p.cells;
      return 'step';
    }
    const q = found;
    if (!p.crossed && this.hasBreak(buf, base, from, q)) this.cross(a, p);
    let r = q + 1;
    while (r < end && buf[r - base] === QUOTE) r++;
    if (r > a.limit) {
      p.pos = q;
      return 'size';
    }
    if (r === end && !eof) {
      p.pos = q; // the run of quotes may go on
      return 'more';
    }
    if ((r - q) % 2 === 0) {
      p.pos = r; // doubled quotes: text
      return 'step';
    }
    let proper = r === end;
    if (!proper) {
      const b = buf[r - base]!;
      const d = b === LF || b === CR ? 1 : this.delimiterAt(buf, base, r, end, eof);
      if (d === -1) {
        p.pos = q;
        return 'more';
      }
      proper = d > 0;
    }
    if (proper || !p.crossed) {
      // Closed; or, on its own line, closed with text after it, which csv-parse keeps as written.
      p.quoted = false;
      p.pos = r;
      return 'step';
    }
    p.failure = 'improper';
    p.failField = p.cells;
    return 'step';
  }

  /** The quoted field being read has crossed a line break: the record spans lines, and later attempts may meet the path here. */
  private cross(a: Attempt, p: Path): void {
    p.crossed = true;
    if (!this.meetings.has(p.openAt)) this.meetings.set(p.openAt, { path: p, cells: p.cells });
    if (a.firstField === 0) a.firstField = p.cells + a.offset + 1;
  }

  /** The attempt opens a field where an earlier path did: from there it reads as that path did, so it takes it over. */
  private join(a: Attempt, met: Meeting): void {
    const here = a.path.cells + a.offset;
    if (a.firstField === 0) a.firstField = here + 1;
    a.offset = here - met.cells;
    a.path = met.path;
  }

  private refuse(a: Attempt, buf: Buffer, base: number, eof: boolean, why: Refusal): Split {
    if (why.cause === 'size' && a.firstField === 0) why = { cause: 'long', field: 0 };
    const end = this.breakEnd(buf, base, a.start, eof);
    if (end === -1) return { kind: 'long' };
    return { kind: 'refused', end, why };
  }

  /** Whether [from, to) holds a line break. */
  private hasBreak(buf: Buffer, base: number, from: number, to: number): boolean {
    const brk = from < to ? this.nextBreak(buf, base, from) : -1;
    return brk !== -1 && brk < to;
  }

  /** The delimiter's length when it starts at `at`, 0 when it does not, -1 when the bytes so far cannot tell. */
  private delimiterAt(buf: Buffer, base: number, at: number, end: number, eof: boolean): number {
    const d = this.delimiter;
    if (buf[at - base] !== d[0]) return 0;
    for (let k = 1; k < d.length; k++) {
      if (at + k >= end) return eof ? 0 : -1;
      if (buf[at + k - base] !== d[k]) return 0;
    }
    return d.length;
  }

  /** Meetings before `from` can no longer be reached; they are dropped now and then (amortised: the map at most doubles). */
  private forget(from: number): void {
    if (this.meetings.size <= 2 * this.kept + 64) return;
    for (const at of this.meetings.keys()) if (at < from) this.meetings.delete(at);
    this.kept = this.meetings.size;
  }
}

const cells = (n: number) => `${n} cell${n === 1 ? '' : 's'}`;

/** A size for people: 1 MiB, or bytes. */
function size(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * The message of a line rejected alone: which quote is not closed on it and why the lines after
 * cannot close it, or that it is too long; and what to do. `header` names the field when known.
 */
export function refusalMessage(why: Refusal, line: number, header: readonly string[] | null, max: number): string {
  if (why.cause === 'long') return `line ${line} is longer than ${size(max)}: only that line is rejected (is this a text file?)`;
  const name = header?.[why.field - 1];
  const field = `field ${why.field}${name !== undefined && name.trim() !== '' ? ` ("${name.trim()}")` : ''}`;
  const cause = {
    improper: 'the next quote, on a later line, is followed by other text, so it does not close it',
    unclosed: 'nor anywhere after it',
    later: 'it closes on a later line, but the record then runs into another quote that is never closed properly',
    count: `it closes on a later line, but the record would have ${cells(why.cells ?? 0)} where the header has ${cells(header?.length ?? 0)}; if the line break belongs in the cell, give that row all the header's cells`,
    size: `the record it starts would be longer than ${size(max)}`,
  }[why.cause];
  return `a quote opened in ${field} is never closed on line ${line} (${cause}): only line ${line} is rejected, and the lines after it are read as rows. Close the quote on line ${line}, or write a quote that is part of the text as two ("")`;
}
