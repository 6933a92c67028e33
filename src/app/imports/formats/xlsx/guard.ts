// The first of the two passes over a workbook: every part is inflated and watched against
// the limits (scan.ts), and nothing is kept. Only a workbook that passes is handed to
// exceljs, so its memory never grows with a bomb: a shared-strings part that would expand
// to gigabytes is refused at the limit, before exceljs has cached one string of it.
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { ImportError } from '../../errors.ts';
import { refuse } from './limits.ts';
import { PartScanner } from './scan.ts';
import type { WorkbookCounts } from './scan.ts';
import type { XlsxLimits } from './limits.ts';

interface ZipEntry extends Readable {
  path: string;
}
interface ZipParser extends NodeJS.WritableStream {
  reachedCD?: boolean;
  [Symbol.asyncIterator](): AsyncIterator<ZipEntry>;
  on(event: 'error', listener: (err: Error) => void): this;
}

/**
 * unzipper's streaming parser, the very copy exceljs's WorkbookReader reads with (resolved
 * from exceljs's own directory): the guard must see the entries exactly as the reader will,
 * the same bytes cut into the same parts.
 */
function zipParser(): ZipParser {
  const fromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'));
  const unzipper = fromExceljs('unzipper') as { Parse(options: { forceStream: true }): ZipParser };
  return unzipper.Parse({ forceStream: true });
}

/**
 * The bytes unzipper may read after the central directory. A zip has its directory and a
 * comment there (64 KiB at most); unzipper gathers anything else whole, copying it once per
 * chunk that arrives (quadratic), so it is refused well before that costs anything.
 */
const AFTER_DIRECTORY_BYTES = 16 * 1024 * 1024;

const unreadable = (why: string) => new ImportError('IMPORT_UNREADABLE', `the file is not a readable XLSX workbook: ${why}`, 'state');

/**
 * Reads a whole workbook (a zip file) from `input` and inflates every part, refusing it with
 * the ImportError of the first limit it passes (limits.ts), or IMPORT_UNREADABLE when it is
 * not a zip file or a part does not inflate; an error of `input` itself is thrown as it is.
 * Memory stays at a chunk and a few counters.
 */
export async function guardWorkbook(input: AsyncIterable<Buffer>, limits: XlsxLimits): Promise<void> {
  const zip = zipParser();
  const stop = new AbortController();
  let failure: unknown = null;
  let current: ZipEntry | null = null;
  const fail = (err: unknown) => {
    // Node's stream iterator destroys a stream it leaves before the stream's own end with an
    // AbortError; unzipper says it has ended (when its input is used up) before its stream
    // has, so the iterator may leave it "early", every part read. That is no failure.
    if ((err as Error).name === 'AbortError') return;
    failure ??= err;
    // unzipper reports a part that does not inflate on the parser, not on the part, whose
    // stream then never ends: the part is ended here with the error.
    current?.destroy(err as Error);
    (zip as unknown as Readable).destroy(err as Error);
    stop.abort();
  };
  zip.on('error', fail);
  let inputFailed = false;
  const feeding = feed(input, zip, stop.signal).catch((err: unknown) => {
    if (failure === null && !(err instanceof ImportError)) inputFailed = true;
    fail(err);
  });
  const totals: WorkbookCounts = { unpacked: 0, strings: 0, cells: 0 };
  let parts = 0;
  try {
    for await (const entry of zip) {
      current = entry;
      // unzipper parses on while a part is read, and a small part's bytes wait in memory
      // until it is: their number bounds that memory (the reading thread's heap does not).
      if (++parts > limits.parts) throw refuse.parts(limits);
      const scanner = new PartScanner(entry.path, limits, totals);
      for await (const chunk of entry) scanner.push(chunk as Buffer);
      scanner.end();
      current = null;
    }
  } catch (err) {
    failure ??= err;
  } finally {
    stop.abort(); // what is left of the input is not wanted
    await feeding;
  }
  if (failure) throw failure instanceof ImportError || inputFailed ? failure : unreadable(zipTrouble(failure as Error));
}

/** Resolves when `stream` drains or `signal` aborts, whichever comes first. */
function drainedOrStopped(stream: Readable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    stream.on('drain', done);
    signal.addEventListener('abort', done);
    if (signal.aborted) done();
  });
}

/** unzipper's and zlib's words for a broken zip, as a person can act on them. */
function zipTrouble(err: Error): string {
  if (err.message === 'FILE_ENDED') return 'it ends in the middle of a part, as a file cut short does (upload it again)';
  if (err.message.startsWith('invalid signature')) return `its zip structure is broken (${err.message})`;
  if ((err as { code?: string }).code?.startsWith('Z_')) return `a part of it does not inflate (${err.message})`;
  return err.message;
}

/** Writes the input into the parser with backpressure, until it ends or `signal` aborts; checks its first bytes and what follows the directory. */
async function feed(input: AsyncIterable<Buffer>, zip: ZipParser, signal: AbortSignal): Promise<void> {
  let first = true;
  let after = 0;
  for await (const chunk of input) {
    if (signal.aborted) return;
    if (first && chunk.length > 0) {
      // A workbook starts with a part's local header; unzipper would read anything else
      // (a CRX header's lengths, say) into memory whole.
      if (chunk.length < 4 || chunk.readUInt32LE(0) !== 0x04034b50) throw unreadable('it does not start as a zip file does');
      first = false;
    }
    if (zip.reachedCD && (after += chunk.length) > AFTER_DIRECTORY_BYTES)
      throw unreadable(`more than ${AFTER_DIRECTORY_BYTES / 1024 / 1024} MiB of data follow its directory`);
    if (!zip.write(chunk)) {
      await drainedOrStopped(zip as unknown as Readable, signal);
      if (signal.aborted) return;
    }
  }
  if (first) throw unreadable('it is empty');
  zip.end();
}
