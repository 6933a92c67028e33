import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { ImportError } from '../errors.ts';
import { sniffDelimiter } from './csv.ts';

/** What a caller may declare about a file; anything left out is detected. */
export interface DeclaredOptions {
  encoding?: string;
  delimiter?: string;
  /** XLSX: the worksheet to read, by name (default: the first). */
  sheet?: string;
}

/** How a stored file is read: what was declared, what was detected, and what is used. */
export interface SourceOptions {
  declared: DeclaredOptions;
  detected: { encoding?: string; bom?: boolean; delimiter?: string };
  encoding: string;
  delimiter: string;
  sheet?: string;
}

const DELIMITER_NAMES: Record<string, string> = { comma: ',', semicolon: ';', tab: '\t', pipe: '|', '\\t': '\t' };

/** Checks declared options: IMPORT_BAD_OPTION (usage) for an unknown encoding or a delimiter that is not one character. */
export function readDeclared(o: DeclaredOptions): DeclaredOptions {
  const out: DeclaredOptions = {};
  if (o.encoding !== undefined && o.encoding !== '') {
    const e = o.encoding.trim().toLowerCase();
    if (!iconv.encodingExists(e))
      throw new ImportError(
        'IMPORT_BAD_OPTION',
        `unknown encoding "${o.encoding}": use utf-8, windows-1252, utf-16le or another name iconv-lite knows`,
        'usage',
        { field: 'encoding' },
      );
    out.encoding = canonicalEncoding(e);
  }
  if (o.delimiter !== undefined && o.delimiter !== '') {
    const d = DELIMITER_NAMES[o.delimiter.toLowerCase()] ?? o.delimiter;
    if ([...d].length !== 1 || d === '"' || d === '\n' || d === '\r') {
      throw new ImportError('IMPORT_BAD_OPTION', `delimiter "${o.delimiter}" is not one character (or a name: comma, semicolon, tab, pipe)`, 'usage', {
        field: 'delimiter',
      });
    }
    out.delimiter = d;
  }
  if (o.sheet !== undefined && o.sheet !== '') out.sheet = o.sheet;
  return out;
}

function canonicalEncoding(e: string): string {
  if (e === 'utf8') return 'utf-8';
  if (e === 'cp1252' || e === 'win1252') return 'windows-1252';
  return e;
}

/** How many leading bytes are kept to detect the format and sniff the delimiter. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * Watches a file go by once: its size and SHA-256, its format (XLSX is a zip file), whether it
 * is UTF-8 all the way (else Windows-1252, the encoding of spreadsheets saved on Windows), a
 * byte order mark, and a sample to sniff the delimiter from.
 */
export class SourceProbe {
  private readonly fileName: string;
  private readonly declared: DeclaredOptions;
  private readonly hash = createHash('sha256');
  private size = 0;
  private sample: Buffer[] = [];
  private sampleBytes = 0;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private validUtf8 = true;

  constructor(fileName: string, declared: DeclaredOptions) {
    this.fileName = fileName;
    this.declared = declared;
  }

  push(bytes: Buffer): void {
    this.hash.update(bytes);
    this.size += bytes.length;
    if (this.sampleBytes < SAMPLE_BYTES) {
      this.sample.push(bytes.subarray(0, SAMPLE_BYTES - this.sampleBytes));
      this.sampleBytes = Math.min(SAMPLE_BYTES, this.sampleBytes + bytes.length);
    }
    if (this.validUtf8) {
      try {
        this.utf8.decode(bytes, { stream: true });
      } catch {
        this.validUtf8 = false;
      }
    }
  }

  finish(): { format: 'csv' | 'xlsx'; options: SourceOptions; size: number; sha256: string } {
    if (this.validUtf8) {
      try {
        this.utf8.decode();
      } catch {
        this.validUtf8 = false; // ends inside a character
      }
    }
    const head = Buffer.concat(this.sample);
    const format = detectFormat(this.fileName, head);
    const detected: SourceOptions['detected'] = {};
    let encoding = this.declared.encoding;
    let delimiter = this.declared.delimiter;
    if (format === 'csv') {
      const bom = bomOf(head);
      detected.bom = bom !== null;
      detected.encoding = bom ?? (this.validUtf8 ? 'utf-8' : 'windows-1252');
      encoding ??= detected.encoding;
      detected.delimiter = sniffDelimiter(decodeSample(head, encoding));
      delimiter ??= detected.delimiter;
    }
    const options: SourceOptions = { declared: this.declared, detected, encoding: encoding ?? 'utf-8', delimiter: delimiter ?? ',' };
    if (this.declared.sheet) options.sheet = this.declared.sheet;
    return { format, options, size: this.size, sha256: this.hash.digest('hex') };
  }
}

/** XLSX for a zip file (or a name ending .xlsx); CSV otherwise. An old binary .xls is refused: it cannot be read. */
export function detectFormat(fileName: string, head: Buffer): 'csv' | 'xlsx' {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (/\.xlsx$/i.test(fileName) && head.length > 0) return 'xlsx';
  return 'csv';
}

function bomOf(head: Buffer): string | null {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

function decodeSample(head: Buffer, encoding: string): string {
  // The sample may end inside a character or a line: both only cost the last, partial line.
  return iconv.decode(head, encoding);
}

/** A streaming decoder for an encoding; a byte order mark is dropped, an invalid byte becomes U+FFFD. */
export function textDecoder(encoding: string): { write(bytes: Buffer): string; end(): string } {
  if (encoding === 'utf-8') {
    const d = new TextDecoder('utf-8');
    return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
  }
  const d = iconv.getDecoder(encoding);
  return { write: (b) => d.write(b), end: () => d.end() ?? '' };
}
