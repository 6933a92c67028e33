/**
 * A CSV reader written for imports rather than borrowed: every record comes out with the line
 * it starts on and its raw text, and a malformed one comes out as a record with an error
 * instead of stopping the file. Quoting is RFC 4180 (a field in double quotes may hold the
 * delimiter, line breaks and "" for a quote); elsewhere a quote is an ordinary character.
 * A quote that never closes (or a record past MAX_RECORD_CHARS) costs one line: that line is
 * reported as a broken record and reading goes on at the next line.
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

type Parsed = { kind: 'record'; cells: string[]; end: number } | { kind: 'incomplete' } | { kind: 'broken'; reason: string };

const QUOTE = 34;
const LF = 10;
const CR = 13;

function parseRecord(s: string, start: number, delim: number, eof: boolean, max: number): Parsed {
  const cells: string[] = [];
  let i = start;
  const n = s.length;
  for (;;) {
    let value: string;
    if (i < n && s.charCodeAt(i) === QUOTE) {
      let j = i + 1;
      value = '';
      for (;;) {
        const q = s.indexOf('"', j);
        if (q === -1 || (q + 1 >= n && !eof)) {
          if (!eof && n - start <= max) return { kind: 'incomplete' };
          return { kind: 'broken', reason: n - start > max ? `the record is longer than ${max} characters (a quote that never closes?)` : 'a quoted field is never closed' };
        }
        if (q + 1 < n && s.charCodeAt(q + 1) === QUOTE) {
          value += s.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        value += s.slice(j, q);
        i = q + 1;
        break;
      }
      // Text after the closing quote and before the delimiter is kept as it is ("a"b → a"b... as written).
      const tail = i;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c === delim || c === LF || c === CR) break;
        i++;
      }
      if (i > tail) value += s.slice(tail, i);
    } else {
      const from = i;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c === delim || c === LF || c === CR) break;
        i++;
      }
      value = s.slice(from, i);
    }
    if (i - start > max) return { kind: 'broken', reason: `the record is longer than ${max} characters` };
    cells.push(value);
    if (i >= n) {
      if (!eof) return { kind: 'incomplete' };
      return { kind: 'record', cells, end: i };
    }
    const c = s.charCodeAt(i);
    if (c === delim) {
      i++;
      continue;
    }
    if (c === LF) return { kind: 'record', cells, end: i + 1 };
    // CR: a CRLF pair or an old Mac line end
    if (i + 1 < n) return { kind: 'record', cells, end: s.charCodeAt(i + 1) === LF ? i + 2 : i + 1 };
    if (!eof) return { kind: 'incomplete' };
    return { kind: 'record', cells, end: i + 1 };
  }
}

function countLines(s: string, from: number, to: number): number {
  let lines = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) lines++;
    else if (c === CR && (i + 1 >= s.length || s.charCodeAt(i + 1) !== LF)) lines++;
  }
  return lines;
}

/** The end of the physical line that starts at `from`: the index after its line break, or -1 when not in `s`. */
function lineEnd(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return i + 1 < s.length && s.charCodeAt(i + 1) === LF ? i + 2 : i + 1 < s.length ? i + 1 : -1;
  }
  return -1;
}

function withoutLineBreak(raw: string): string {
  return raw.replace(/\r?\n$|\r$/, '');
}

/** A push parser: feed text as it is decoded, take the complete records out. */
export class CsvReader {
  private buf = '';
  private line = 1;
  /** Discarding a line too long to keep, until its end: the line it started on and its first characters. */
  private skipping: { line: number; head: string; reason: string } | null = null;
  private readonly delim: number;

  constructor(
    delimiter: string,
    private readonly max = MAX_RECORD_CHARS,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  /** The records completed by this text. */
  push(text: string): CsvRecord[] {
    this.buf += text;
    return this.drain(false);
  }

  /** The records left at the end of the input. */
  end(): CsvRecord[] {
    return this.drain(true);
  }

  private drain(eof: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    let s = this.buf;
    let pos = 0;
    for (;;) {
      if (this.skipping) {
        const end = lineEnd(s, pos);
        if (end === -1 && !eof) {
          pos = s.length; // nothing of this line is kept
          break;
        }
        const stop = end === -1 ? s.length : end;
        out.push({ line: this.skipping.line, cells: [], raw: `${this.skipping.head}…`, error: this.skipping.reason });
        this.line += countLines(s, pos, stop);
        pos = stop;
        this.skipping = null;
        continue;
      }
      if (pos >= s.length) break;
      const r = parseRecord(s, pos, this.delim, eof, this.max);
      if (r.kind === 'incomplete') break;
      if (r.kind === 'record') {
        const raw = s.slice(pos, r.end);
        const startLine = this.line;
        this.line += countLines(s, pos, r.end);
        pos = r.end;
        if (r.cells.length === 1 && r.cells[0] === '') continue; // a blank line is no record
        out.push({ line: startLine, cells: r.cells, raw: withoutLineBreak(raw) });
        continue;
      }
      // Broken: the record's first physical line is the bad record; reading resumes after it.
      const end = lineEnd(s, pos);
      if (end === -1 || end - pos > this.max) {
        this.skipping = { line: this.line, head: s.slice(pos, pos + 200), reason: r.reason };
        if (end !== -1) {
          // the whole long line is here: report it at once
          continue;
        }
        pos = s.length;
        if (eof) continue;
        break;
      }
      out.push({ line: this.line, cells: [], raw: withoutLineBreak(s.slice(pos, end)), error: r.reason });
      this.line += countLines(s, pos, end);
      pos = end;
    }
    this.buf = s.slice(pos);
    s = '';
    return out;
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
