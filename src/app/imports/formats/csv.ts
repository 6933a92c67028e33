import { Parser } from 'csv-parse';
import { parse as parseNow } from 'csv-parse/sync';
import { CsvSplitter, refusalMessage } from './csv-split.ts';
import type { Refusal } from './csv-split.ts';

/**
 * The import's CSV reader: csv-parse does the parsing (RFC 4180 quoting, any delimiter, CRLF,
 * LF or CR line ends, a quote inside an unquoted field an ordinary character, ragged rows);
 * this wrapper adds what imports need on top: each record with the line it starts on and its
 * raw text, and an account of every line. Where each record ends is decided first, by
 * CsvSplitter (csv-split.ts), and csv-parse is given only what makes records: a record that
 * spans lines must close its quoted fields properly and have the header's cells, else its
 * first line comes out alone as a record with an error (a line too long likewise) and reading
 * goes on at the next line. So every line of a file is in a record or rejected on its own.
 */

/** One record: the line it starts on (from 1), its cells, its text; `error` when it could not be read. */
export interface CsvRecord {
  line: number;
  cells: string[];
  raw: string;
  error?: string;
}

/** A record longer than this (in bytes of UTF-8, its line break aside) is refused: a runaway quote, or a field no column holds. */
export const MAX_RECORD_CHARS = 1024 * 1024;

const LF = 10;
const CR = 13;
/** How much of a rejected line is kept for its error row. */
const HEAD_CHARS = 200;
const EMPTY = Buffer.alloc(0);

/** csv-parse's view of a record (the `raw` option): its cells and its text up to its line break. */
interface ParsedRecord {
  record: string[];
  raw: string;
}

const parseOptions = (delimiter: string) => ({
  delimiter,
  // Every line end, mixed in one file: csv-parse would otherwise keep the first one it meets.
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_quotes: true,
  relax_column_count: true,
  raw: true,
});

/**
 * A parser on csv-parse's stream API, driven synchronously: Node runs a Transform's
 * `_transform` inside `write()` and its flush inside `end()` when nothing is queued, and an
 * error is on `errored` at once (its 'error' event, a tick later, is ignored: it is handled here).
 */
function newParser(delimiter: string): Parser {
  const parser = new Parser({
    ...parseOptions(delimiter),
    // Records are read out after each write, so the buffer never holds more than a chunk's worth;
    // a high mark keeps the write callback synchronous however many records one chunk makes.
    readableHighWaterMark: Number.MAX_SAFE_INTEGER,
  } as ConstructorParameters<typeof Parser>[0]);
  parser.on('error', () => {});
  return parser;
}

/** The physical line breaks in a record's raw text (CRLF is one; a CR whose LF was the record's end counts too). */
function lineBreaks(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) n++;
  for (let i = raw.indexOf('\r'); i !== -1; i = raw.indexOf('\r', i + 1)) if (raw.charCodeAt(i + 1) !== LF) n++;
  return n;
}

function withoutLineBreak(raw: string): string {
  const n = raw.length;
  const last = raw.charCodeAt(n - 1);
  if (last === LF) return raw.slice(0, n > 1 && raw.charCodeAt(n - 2) === CR ? n - 2 : n - 1);
  return last === CR ? raw.slice(0, n - 1) : raw;
}

/** The first characters of a line too long to keep. */
function head(b: Buffer, from: number, to: number): string {
  return `${b.toString('utf8', from, Math.min(to, from + HEAD_CHARS * 4)).slice(0, HEAD_CHARS)}…`;
}

/** Lines left out of csv-parse, after the `after`-th record given to it: one rejected (`why`), or blank ones (`lines` of them). */
interface Skip {
  after: number;
  lines: number;
  raw: string;
  why: Refusal | null;
}

/** A push parser: feed text as it is decoded, take the complete records out. */
export class CsvReader {
  private readonly delimiter: string;
  private readonly max: number;
  private parser: Parser;
  private readonly splitter: CsvSplitter;
  /** The bytes not yet decided (from `decided`), at absolute offset `base`. */
  private buf: Buffer = EMPTY;
  private base = 0;
  private decided = 0;
  /** Records given to the parser and taken out of it: lines left out are placed between them. */
  private written = 0;
  private taken = 0;
  private skips: Skip[] = [];
  private skipsPlaced = 0;
  /** The last line left out, while nothing has been decided after it. */
  private openSkip: Skip | null = null;
  /** The line the next record taken out starts on. */
  private line = 1;
  /** The header's cells, once read (they name the fields in messages); `headerSeen` once the first row has come. */
  private header: string[] | null = null;
  private headerSeen = false;
  /** Dropping a line too long to keep, up to its end; `cr`: its last byte so far was a CR (an LF next is its). */
  private skipping: { cr: boolean } | null = null;

  constructor(delimiter: string, max = MAX_RECORD_CHARS) {
    this.delimiter = delimiter;
    this.max = max;
    this.parser = newParser(delimiter);
    this.splitter = new CsvSplitter(Buffer.from(delimiter), max);
  }

  /** The records completed by this text. */
  push(text: string): CsvRecord[] {
    return this.pushBytes(Buffer.from(text, 'utf8'));
  }

  /**
   * The records completed by these bytes of UTF-8 (a character may be split between two
   * pieces): a UTF-8 file goes to the parser as it is stored, not decoded and encoded again.
   */
  pushBytes(bytes: Buffer): CsvRecord[] {
    const out: CsvRecord[] = [];
    this.feed(bytes, false, out);
    return out;
  }

  /** The records left at the end of the input. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    this.feed(EMPTY, true, out);
    return out;
  }

  private feed(bytes: Buffer, eof: boolean, out: CsvRecord[]): void {
    let input = bytes;
    if (this.skipping !== null) {
      const rest = this.pastLongLine(input, eof);
      if (rest === null) return;
      input = rest;
    }
    this.buf = this.buf.length === 0 ? input : Buffer.concat([this.buf, input]);
    let writeFrom = this.decided;
    for (;;) {
      const end = this.base + this.buf.length;
      // Blank lines right after a line left out are left out with it: given alone, csv-parse
      // could read a CR before the skipped line and an LF after it as one CRLF.
      if (this.openSkip !== null && this.decided < end) {
        const b = this.buf[this.decided - this.base];
        if (b === LF || b === CR) {
          if (b === CR && this.decided + 1 >= end && !eof) break;
          this.decided += b === CR && this.buf[this.decided + 1 - this.base] === LF ? 2 : 1;
          const last = this.skips[this.skips.length - 1];
          if (last !== undefined && last.why === null && this.skipsPlaced < this.skips.length) last.lines++;
          else this.skips.push({ after: this.written, lines: 1, raw: '', why: null });
          writeFrom = this.decided;
          continue;
        }
      }
      const d = this.splitter.next(this.buf, this.base, this.decided, eof);
      if (d === null) break;
      if (d.kind === 'lines' || d.kind === 'record') {
        if (!this.headerSeen) this.readHeader(this.decided, d.end);
        this.written += d.kind === 'lines' ? d.records : 1;
        this.decided = d.end;
        this.openSkip = null;
        continue;
      }
      // The first row rejected: there is no header to measure records against.
      this.headerSeen = true;
      this.splitter.oneLine = false;
      this.write(writeFrom, this.decided);
      if (d.kind === 'refused') {
        const at = this.decided - this.base;
        const raw =
          d.end - this.decided > HEAD_CHARS * 4 ? head(this.buf, at, d.end - this.base) : withoutLineBreak(this.buf.toString('utf8', at, d.end - this.base));
        this.openSkip = { after: this.written, lines: 1, raw, why: d.why };
        this.skips.push(this.openSkip);
        this.decided = writeFrom = d.end;
        continue;
      }
      // A line too long whose end has not come: what is before it comes out, and it is dropped as it comes.
      this.parser.end();
      this.take(out);
      out.push({
        line: this.line,
        cells: [],
        raw: head(this.buf, this.decided - this.base, this.buf.length),
        error: refusalMessage({ cause: 'long', field: 0 }, this.line, this.header, this.max),
      });
      this.line++;
      this.parser = newParser(this.delimiter);
      this.written = this.taken = this.skipsPlaced = 0;
      this.skips = [];
      this.openSkip = null;
      this.skipping = { cr: this.buf[this.buf.length - 1] === CR };
      this.base = this.decided = end;
      this.buf = EMPTY;
      return;
    }
    this.write(writeFrom, this.decided);
    if (eof) this.parser.end();
    // Everything below counts on the text having been parsed by now (see newParser).
    if (this.parser.writableLength !== 0) throw new Error('csv-parse did not read its input synchronously');
    if (this.parser.errored) throw new Error(`csv-parse refused what the splitter let through: ${this.parser.errored.message}`);
    this.take(out);
    this.buf = this.buf.subarray(this.decided - this.base);
    this.base = this.decided;
  }

  private write(from: number, to: number): void {
    if (to > from) this.parser.write(this.buf.subarray(from - this.base, to - this.base));
  }

  /** The bytes after the end of the line being dropped, or null while it goes on. */
  private pastLongLine(input: Buffer, eof: boolean): Buffer | null {
    const skipping = this.skipping!;
    let from = 0;
    if (skipping.cr && input.length > 0) {
      skipping.cr = false;
      if (input[0] === LF) from = 1; // the LF of its CRLF
      this.base = this.decided = this.base + from;
      this.skipping = null;
      return input.subarray(from);
    }
    const lf = input.indexOf(LF);
    const cr = input.subarray(0, lf === -1 ? input.length : lf).indexOf(CR);
    const at = cr !== -1 ? cr : lf;
    if (at === -1 || (at === cr && at + 1 === input.length && !eof)) {
      skipping.cr = at !== -1;
      this.base = this.decided = this.base + input.length;
      return eof ? ((this.skipping = null), EMPTY) : null;
    }
    const next = at === cr && input[at + 1] === LF ? at + 2 : at + 1;
    this.skipping = null;
    this.base = this.decided = this.base + next;
    return input.subarray(next);
  }

  /** The first row that is not blank is the header: its cells are the width a record spanning lines must have. */
  private readHeader(from: number, to: number): void {
    const records = parseNow(this.buf.subarray(from - this.base, to - this.base), parseOptions(this.delimiter)) as unknown as ParsedRecord[];
    const cells = records[0]?.record ?? [];
    if (cells.every((c) => c.trim() === '')) return;
    this.header = cells;
    this.headerSeen = true;
    this.splitter.width = cells.length;
    this.splitter.oneLine = false;
  }

  /** Takes the parser's complete records out in order, with the lines left out between them. */
  private take(out: CsvRecord[]): void {
    let r: ParsedRecord | null;
    while ((r = this.parser.read() as ParsedRecord | null) !== null) {
      this.placeSkips(out);
      this.taken++;
      const raw = r.raw;
      const line = this.line;
      this.line += lineBreaks(raw);
      const cells = r.record;
      if (cells.length === 1 && cells[0] === '') continue; // a blank line is no record
      out.push({ line, cells, raw: withoutLineBreak(raw) });
    }
    this.placeSkips(out);
  }

  private placeSkips(out: CsvRecord[]): void {
    const skips = this.skips;
    while (this.skipsPlaced < skips.length && skips[this.skipsPlaced]!.after === this.taken) {
      const s = skips[this.skipsPlaced++]!;
      if (s.why !== null) out.push({ line: this.line, cells: [], raw: s.raw, error: refusalMessage(s.why, this.line, this.header, this.max) });
      this.line += s.lines;
    }
    if (this.skipsPlaced === skips.length && skips.length > 0) {
      this.skips = [];
      this.skipsPlaced = 0;
    }
  }
}

/**
 * The delimiter of a CSV sample: of comma, semicolon, tab and pipe, the one that splits the
 * first lines into the same number (above one) of cells most often. Comma when none does.
 */
export function sniffDelimiter(sample: string): string {
  let best = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t', '|']) {
    const reader = new CsvReader(d);
    const records = reader.push(sample.slice(0, 64 * 1024)).slice(0, 50);
    const first = records[0];
    if (!first || first.cells.length < 2) continue;
    const width = first.cells.length;
    const agree = records.filter((r) => r.cells.length === width).length;
    const score = agree * 1000 + width;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
