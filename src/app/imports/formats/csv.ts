import { Parser } from 'csv-parse';

/**
 * The import's CSV reader: csv-parse does the parsing (RFC 4180 quoting, any delimiter, CRLF,
 * LF or CR line ends, a quote inside an unquoted field an ordinary character, ragged rows);
 * this wrapper adds what imports need on top: each record with the line it starts on and its
 * raw text, and recovery. csv-parse stops at a broken record (a quote that never closes, a
 * record past MAX_RECORD_CHARS), and tolerating it instead (skip_records_with_error) swallows
 * the rest of the file; here a broken record costs its first physical line: that line comes
 * out as a record with an error, and a fresh parser goes on at the next line.
 */

/** One record: the line it starts on (from 1), its cells, its text; `error` when it could not be read. */
export interface CsvRecord {
  line: number;
  cells: string[];
  raw: string;
  error?: string;
}

/** A record longer than this (in characters) is refused: a runaway quote, or a field no column holds. */
export const MAX_RECORD_CHARS = 1024 * 1024;

const LF = 10;
const CR = 13;
/** How much of a broken line too long to keep is kept, for the error row. */
const HEAD_CHARS = 200;
const EMPTY = Buffer.alloc(0);

/** csv-parse's view of a record (the `raw` option): its cells and its text up to its line break. */
interface ParsedRecord {
  record: string[];
  raw: string;
}

/**
 * A parser on csv-parse's stream API, driven synchronously: Node runs a Transform's
 * `_transform` inside `write()` and its flush inside `end()` when nothing is queued, and an
 * error is on `errored` at once (its 'error' event, a tick later, is ignored: it is handled here).
 */
function newParser(delimiter: string, max: number): Parser {
  const parser = new Parser({
    delimiter,
    // Every line end, mixed in one file: csv-parse would otherwise keep the first one it meets.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    relax_column_count: true,
    raw: true,
    max_record_size: max,
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

/** The end of the physical line that starts at `from`: the index after its line break, or -1 when not in `b` (yet). */
function lineEnd(b: Buffer, from: number, eof: boolean): number {
  const lf = b.indexOf(LF, from);
  const cr = b.indexOf(CR, from);
  if (cr !== -1 && (lf === -1 || cr < lf)) {
    if (cr + 1 < b.length) return b[cr + 1] === LF ? cr + 2 : cr + 1;
    return eof ? cr + 1 : -1; // a CR at the end may be half of a CRLF
  }
  return lf === -1 ? -1 : lf + 1;
}

/** The first characters of a line too long to keep. */
function head(b: Buffer, from: number, to: number): string {
  return `${b.toString('utf8', from, Math.min(to, from + HEAD_CHARS * 4)).slice(0, HEAD_CHARS)}…`;
}

/** A push parser: feed text as it is decoded, take the complete records out. */
export class CsvReader {
  private parser: Parser;
  /** The text given to the parser that no record has taken yet (the record in progress), as UTF-8. */
  private pending: Buffer = EMPTY;
  /** The line the record at the start of `pending` starts on. */
  private line = 1;
  /** Discarding a line too long to keep, until its end: the line it started on and its first characters. */
  private skipping: { line: number; head: string; reason: string } | null = null;

  constructor(
    private readonly delimiter: string,
    private readonly max = MAX_RECORD_CHARS,
  ) {
    this.parser = newParser(delimiter, max);
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
    for (;;) {
      if (this.skipping) {
        const end = lineEnd(input, 0, eof);
        if (end === -1 && !eof) return; // nothing of this line is kept
        out.push({ line: this.skipping.line, cells: [], raw: this.skipping.head, error: this.skipping.reason });
        this.skipping = null;
        this.line++;
        input = end === -1 ? EMPTY : input.subarray(end);
      }
      this.pending = this.pending.length === 0 ? input : Buffer.concat([this.pending, input]);
      if (input.length > 0) this.parser.write(input);
      if (eof) this.parser.end();
      // Everything below counts on the text having been parsed by now (see newParser).
      if (this.parser.writableLength !== 0) throw new Error('csv-parse did not read its input synchronously');
      this.take(out);
      const error = this.parser.errored;
      if (!error) return;
      // The broken record starts at `pending` (every record before it was taken): report its
      // first physical line and read on after it with a fresh parser.
      const rest = this.pending;
      this.pending = EMPTY;
      this.parser = newParser(this.delimiter, this.max);
      if (rest.length === 0) return;
      const end = lineEnd(rest, 0, eof);
      const lineBytes = end === -1 ? rest.length : end;
      const reason = this.reason(error, rest, lineBytes);
      if (end === -1 && !eof) {
        // The line goes on past what has come: drop it as it comes, up to its end.
        this.skipping = { line: this.line, head: head(rest, 0, rest.length), reason };
        return;
      }
      const text = lineBytes > this.max ? head(rest, 0, lineBytes) : withoutLineBreak(rest.toString('utf8', 0, lineBytes));
      out.push({ line: this.line, cells: [], raw: text, error: reason });
      this.line++;
      input = rest.subarray(lineBytes);
    }
  }

  /** Takes the parser's complete records out, numbering them and dropping their text from `pending`. */
  private take(out: CsvRecord[]): void {
    const pending = this.pending;
    let at = 0;
    let r: ParsedRecord | null;
    while ((r = this.parser.read() as ParsedRecord | null) !== null) {
      const raw = r.raw;
      at += Buffer.byteLength(raw);
      // A CRLF record end leaves its LF out of `raw`.
      if (raw.charCodeAt(raw.length - 1) === CR && pending[at] === LF) at++;
      const line = this.line;
      this.line += lineBreaks(raw);
      const cells = r.record;
      if (cells.length === 1 && cells[0] === '') continue; // a blank line is no record
      out.push({ line, cells, raw: withoutLineBreak(raw) });
    }
    this.pending = at === 0 ? pending : pending.subarray(at);
  }

  private reason(error: Error, rest: Buffer, lineBytes: number): string {
    const code = (error as { code?: string }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed';
    if (code === 'CSV_MAX_RECORD_SIZE') {
      const quoted = rest.subarray(0, lineBytes).includes(34); // a double quote
      return `the record is longer than ${this.max} characters${quoted ? ' (a quote that never closes?)' : ''}`;
    }
    return error.message;
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
