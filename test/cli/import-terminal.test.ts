// `mtc import` as a person sees it: the progress bar on a real pseudo-terminal (util-linux
// `script` gives one), counter lines without one, pure JSON with --json; and Ctrl-C (SIGINT):
// the run stops after the batch being written, the job ends cancelled with exactly its
// committed rows in the tables, and importing the file again ends where an uninterrupted
// import does. On both backends.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createImportJob, runImport } from '../../src/app/imports/engine.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { openDatabase } from '../../src/db/open.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { Backend } from '../helpers/backends.ts';
import { MTC, ROOT, mtc, startMtc } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { itemsCsv, itemsState } from '../helpers/import-jobs.ts';
import { migratedDatabase } from '../helpers/imports.ts';

/**
 * Rows enough for 150 batches of BATCH_ROWS (MTC_IMPORT_BATCH_ROWS): a bar redrawn several
 * times on a terminal, and time to interrupt between two batches, well before the end.
 */
const ROWS = 3_000;
const BATCH_ROWS = 20;
/** What every mtc import of these tests runs with. */
const ENV = { MTC_IMPORT_BATCH_ROWS: String(BATCH_ROWS) };
const BAD_EVERY = 97;
const REJECTED = Math.floor(ROWS / BAD_EVERY);
const csv = itemsCsv(ROWS, { prefix: 'Tty', badEvery: BAD_EVERY });

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** A bar as ProgressView draws it: redrawn in place, percentage, counts, rows/s, ETA, rejected. */
const BAR = /\r\x1b\[K\[[#.]{24}\] +(\d+)% ([\d,]+)(?:\/([\d,]+))? rows(?: \(counting\))? {2}[\d,]+ rows\/s {2}ETA (\d+:\d\d|\?) {2}([\d,]+) rejected/g;
/** A counter line, the form progress takes when stderr is not a terminal. */
const COUNTER = /^import: ([\d,]+)(?:\/[\d,]+)? rows(?: \((?:\d+%|counting)\))?, [\d,]+ imported, [\d,]+ rejected, [\d,]+ rows\/s, ETA (?:\d+:\d\d|\?)$/;

const num = (s: string) => Number(s.replaceAll(',', ''));
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs `mtc ARGS` under a pseudo-terminal: stdout and stderr both go to it, and come back as one text. */
function mtcOnTerminal(args: readonly string[]): Promise<CliResult> {
  const command = [process.execPath, MTC, ...args].map(shellQuote).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, ...ENV };
  delete env.DATABASE_URL;
  // -e: script exits with the command's code; -f: output flushed as written; -q: no banner.
  const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Resolves with the first match of `re` in the child's stderr as it arrives; fails when the child exits first. */
function stderrMatch(child: ChildProcess, re: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`no ${re} on stderr within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = re.exec(seen);
      if (m) done(null, m);
    };
    const onExit = () => done(new Error(`mtc exited before ${re} appeared on stderr:\n${seen}`));
    const done = (err: Error | null, m?: RegExpExecArray) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * The state an uninterrupted import of the file leaves, computed once, in this process (on the
 * server when there is one: quicker, and the state is the same text on either backend).
 */
let reference: Promise<string> | undefined;
function uninterrupted(asking: Backend): Promise<string> {
  const backend = backends.find((b) => b.name === 'postgres' && !b.skip) ?? asking;
  reference ??= (async () => {
    const t = await migratedDatabase(backend);
    try {
      const { jobId } = await createImportJob(t.db, { kind: 'items', fileName: 'big.csv', bytes: Buffer.from(csv) }, CLI_ACTOR);
      assert.equal((await runImport(t.db, jobId)).status, 'completed_with_errors');
      return await itemsState(t.db);
    } finally {
      await t.close();
    }
  })();
  return reference;
}

/** What a job left: its row, its error rows, and the tables an items import writes. */
async function jobAccount(db: Database, jobId: number) {
  const job = (
    await db.query<{ status: string; message: string | null; total: number; processed: number; success: number; failure: number; finished: boolean }>(
      `SELECT j.status, j.message, j.total_rows AS total, j.processed_rows AS processed, j.success_count AS success, j.failure_count AS failure, s.finished_at IS NOT NULL AS finished
         FROM public.import_jobs j JOIN public.import_job_sources s ON s.import_job_id = j.id WHERE j.id = $1`,
      [jobId],
    )
  ).rows[0]!;
  const errors = (
    await db.query<{ n: number; last: number | null }>(
      'SELECT count(*)::int AS n, max(row_number) AS last FROM public.import_job_errors WHERE import_job_id = $1',
      [jobId],
    )
  ).rows[0]!;
  const tables = (
    await db.query<{ variants: number; stocked: number; stock: string; ledger: number; quantity: string }>(
      `SELECT (SELECT count(*)::int FROM public.item_variant) AS variants,
              (SELECT count(*)::int FROM public.item_variant WHERE stock > 0) AS stocked,
              (SELECT coalesce(sum(stock), 0)::text FROM public.item_variant) AS stock,
              (SELECT count(*)::int FROM public.inventory_transactions) AS ledger,
              (SELECT coalesce(sum(quantity), 0)::text FROM public.inventory_transactions) AS quantity`,
    )
  ).rows[0]!;
  return { job, errors, tables };
}

for (const backend of backends) {
  describe(`mtc import on a terminal and interrupted, on ${backend.name}`, { skip: backend.skip }, () => {
    let dir: string;
    const file = (name: string) => join(dir, name);
    const databases: (() => Promise<void>)[] = [];
    // Two databases (a PGlite one costs seconds to make): one for the output tests, one that
    // starts empty for the interruptions, so that its tables show exactly what was committed.
    let shown: string;
    let interrupted: string;
    /** A migrated, empty database, closed so that mtc can open it. */
    const fresh = async () => {
      const t = await migratedDatabase(backend);
      await t.db.close();
      databases.push(t.drop);
      return t.url;
    };
    const inspect = async <T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> => {
      const db = await openDatabase(url);
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };
    const lastJob = (db: Database) => db.query<{ id: number }>('SELECT max(id) AS id FROM public.import_jobs').then((r) => r.rows[0]!.id);

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mtc-import-tty-'));
      await writeFile(file('big.csv'), csv);
      await writeFile(file('small.csv'), itemsCsv(300, { prefix: 'Small', badEvery: 7 }));
      shown = await fresh();
      interrupted = await fresh();
    });
    after(async () => {
      for (const drop of databases) await drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('on a terminal: a bar redrawn in place with its percentage, rows/s, ETA and rejected rows, then the summary', {
      skip: hasScript ? false : 'no `script` (util-linux) here',
    }, async () => {
      const r = await mtcOnTerminal(['import', file('big.csv'), '--kind', 'items', '--database', shown]);
      assert.equal(r.code, 1, `rows were rejected, so exit 1:\n${r.stdout}${r.stderr}`);
      const bars = [...r.stdout.matchAll(BAR)];
      assert.ok(bars.length > 1, `more than one redraw of the bar:\n${JSON.stringify(r.stdout)}`);
      const counted = bars.filter((b) => b[3] !== undefined);
      assert.ok(counted.length > 0, 'once the rows are counted, the bar shows N/M rows and a percentage');
      for (const b of counted) assert.equal(Math.floor((num(b[2]!) / num(b[3]!)) * 100), Number(b[1]), 'the percentage is of the counted total');
      const last = bars.at(-1)!;
      assert.deepEqual([last[1], num(last[2]!), num(last[3]!), last[4], num(last[5]!)], ['100', ROWS, ROWS, '0:00', REJECTED]);
      // The bar is cleared before the summary, which ends the output on a line of its own.
      assert.match(
        r.stdout,
        new RegExp(
          `\\r\\x1b\\[KImported .*big\\.csv as items \\(job \\d+\\): ${(ROWS - REJECTED).toLocaleString('en')} of ${ROWS.toLocaleString('en')} rows imported, ${REJECTED} rejected, in [\\d.]+ s, [\\d,]+ rows/s\\.\\r\\n`,
        ),
      );
      assert.doesNotMatch(r.stdout, /^import: /m, 'no counter lines on a terminal');
    });

    test('without a terminal: a line of counters instead of the bar, no escape codes, the summary on stdout', async () => {
      const r = await mtc(['import', file('big.csv'), '--kind', 'items', '--database', shown], { env: ENV });
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /[\x1b\r]/, 'no escape codes or carriage returns on a pipe');
      const lines = r.stderr.trimEnd().split('\n');
      assert.ok(lines.length > 0 && lines.every((l) => COUNTER.test(l)), `only counter lines on stderr:\n${r.stderr}`);
      assert.match(
        lines.at(-1)!,
        new RegExp(
          `^import: ${ROWS.toLocaleString('en')}/${ROWS.toLocaleString('en')} rows \\(100%\\), ${(ROWS - REJECTED).toLocaleString('en')} imported, ${REJECTED} rejected, [\\d,]+ rows/s, ETA 0:00$`,
        ),
      );
      assert.match(
        r.stdout,
        new RegExp(
          `^Imported .*big\\.csv as items \\(job \\d+\\): ${(ROWS - REJECTED).toLocaleString('en')} of ${ROWS.toLocaleString('en')} rows imported, ${REJECTED} rejected`,
        ),
      );
    });

    test('--json: stdout is one JSON document, progress stays on stderr as counter lines', async () => {
      const r = await mtc(['import', file('small.csv'), '--kind', 'items', '--database', shown, '--json'], { env: ENV });
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as { status: string; processedRows: number; successCount: number; failureCount: number };
      assert.deepEqual([out.status, out.processedRows, out.successCount, out.failureCount], ['completed_with_errors', 300, 300 - 42, 42]);
      assert.doesNotMatch(r.stderr, /[\x1b\r]/);
      assert.ok(
        r.stderr
          .trimEnd()
          .split('\n')
          .every((l) => COUNTER.test(l)),
        r.stderr,
      );
    });

    test('Ctrl-C stops after the batch being written: cancelled, exit 1, exactly the committed rows kept; importing again ends as an uninterrupted import', async () => {
      const url = interrupted;
      const run = startMtc(['import', file('big.csv'), '--kind', 'items', '--database', url], { env: ENV });
      const seen = await stderrMatch(run.child, /^import: ([1-9][\d,]*)/m);
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 1, `exit 1, not killed by the signal (${r.signal}):\n${r.stderr}`);
      assert.match(r.stderr, /import: stopping after the batch being written; the job will be cancelled, what is committed stays/);
      assert.match(r.stdout, new RegExp(`^Import of .*big\\.csv \\(job \\d+\\) was stopped after [\\d,]+ rows of ${ROWS.toLocaleString('en')}: `));

      const { job, errors, tables } = await inspect(url, async (db) => jobAccount(db, await lastJob(db)));
      assert.deepEqual([job.status, job.message, job.total, job.finished], ['cancelled', 'cancelled: interrupted from the command line', ROWS, true]);
      // The cancel is the person at the terminal's move, recorded as theirs (no import end follows it).
      const events = await inspect(url, async (db) =>
        (
          await db.query<{ action: string; via: string; status: string }>(
            `SELECT action, via, after->>'status' AS status FROM public.audit_events WHERE entity = 'import_job' AND entity_id = $1::text ORDER BY id`,
            [await lastJob(db)],
          )
        ).rows.map((e) => [e.action, e.via, e.status]),
      );
      assert.deepEqual(events, [
        ['create', 'cli', 'pending'],
        ['transition', 'cli', 'cancelled'],
      ]);
      assert.ok(job.processed >= num(seen[1]!) && job.processed < ROWS, `stopped between the rows seen (${seen[1]}) and the end: ${job.processed}`);
      assert.match(r.stdout, new RegExp(`stopped after ${job.processed.toLocaleString('en')} rows`));
      assert.equal(job.success + job.failure, job.processed);
      assert.equal(job.failure, Math.floor(job.processed / BAD_EVERY), 'every bad row among those processed, and no other, is rejected');
      // Every row of the file is a new variant: the tables hold the processed rows, no more.
      assert.equal(tables.variants, job.success);
      assert.equal(errors.n, job.failure);
      assert.ok(
        errors.last === null || errors.last <= job.processed + 1,
        `no error row past the processed rows (row numbers are lines; the header is 1): ${errors.last}`,
      );
      assert.equal(tables.ledger, tables.stocked, 'one opening entry per variant with stock');
      assert.equal(tables.quantity, tables.stock);

      const again = await mtc(['import', file('big.csv'), '--kind', 'items', '--database', url], { env: ENV });
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stdout, new RegExp(`${(ROWS - REJECTED).toLocaleString('en')} of ${ROWS.toLocaleString('en')} rows imported`));
      assert.equal(
        await inspect(url, itemsState),
        await uninterrupted(backend),
        'the same variants, stock and ledger (stock counted once) as an uninterrupted import',
      );
    });

    test('a second Ctrl-C while stopping does not kill the run: the job still ends cancelled, its counters and error rows agreeing', async () => {
      // On the database the test above left as an uninterrupted import leaves it: the rows are
      // all there already, so the batches change nothing, and the state must not change either.
      const run = startMtc(['import', file('big.csv'), '--kind', 'items', '--database', interrupted], { env: ENV });
      await stderrMatch(run.child, /^import: [1-9]/m);
      run.child.kill('SIGINT');
      await stderrMatch(run.child, /^import: stopping after the batch being written/m);
      run.child.kill('SIGINT');
      const r = await run.done;
      // Whenever the second signal lands (while the batch in flight commits, or after, while
      // the summary is made), it neither kills the process nor leaves the job running. When it
      // lands while stopping, a line says so ("already stopping"); whether it does is a matter
      // of timing, so that line is not asserted.
      assert.equal(r.code, 1, `exit 1, not killed by the second signal (${r.signal}):\n${r.stderr}`);
      assert.equal(r.signal, null);
      const { job, errors, state } = await inspect(interrupted, async (db) => ({ ...(await jobAccount(db, await lastJob(db))), state: await itemsState(db) }));
      assert.deepEqual([job.status, job.finished], ['cancelled', true]);
      assert.ok(job.processed > 0 && job.processed < ROWS, String(job.processed));
      assert.equal(job.success + job.failure, job.processed);
      assert.equal(job.failure, Math.floor(job.processed / BAD_EVERY));
      assert.equal(errors.n, job.failure);
      assert.equal(state, await uninterrupted(backend));
    });
  });
}
