// Hostile XLSX files uploaded to a running `mtc serve`, on PGlite and on the server: each
// fails its own job, saying which limit it passed, while the server goes on answering and its
// memory stays under a bound (without the limits and the reading thread, the first of them
// took the server past 2.7 GB and down).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { listeningAddress, startMtc } from '../helpers/cli.ts';
import { databaseToServe } from '../helpers/imports.ts';
import { waitFor } from '../helpers/wait.ts';
import { hostile } from '../helpers/xlsx-files.ts';

/**
 * The most reading the files may add to the server's peak resident set (the whole process,
 * the reading threads included). Measured: 45 to 70 MB, on either backend (storing the files
 * on PGlite costs more, before they are read: PGlite's own). The first of these files alone
 * used to take the server past 2.7 GB, and down.
 */
const READING_RSS_MB = 200;

/**
 * How long /health may take to answer while the files are read, at the most. Generous: an
 * embedded server on a loaded 2-core machine once took more than 5 s (its database runs on
 * the thread that answers, beside the reading threads). Reading the first of these files on
 * that thread, as it used to be read, held it for more than a minute.
 */
const HEALTH_TIMEOUT_MS = 10_000;

/** Each file, and what its failed job must say. */
const FILES = [
  {
    name: 'sharedStrings',
    says: /^the workbook's texts \(its shared strings, kept in memory while it is read\) take more than 128 MiB: save the sheet to import as CSV/,
  },
  { name: 'manyRows', says: /^worksheet 1 \(xl\/worksheets\/sheet1\.xml\) has more than 1,048,576 rows, more than Excel itself allows: split it/ },
  {
    name: 'hugeCell',
    says: /^a cell in row 2 of worksheet 1 \(xl\/worksheets\/sheet1\.xml\) takes more than 1 MiB \(Excel's own cells hold at most 32,767 characters\)/,
  },
  { name: 'deflate', says: /^the workbook unpacks to more than 2 GiB \(counted as its parts are inflated, whatever sizes the zip declares\)/ },
] as const;

/** Process `pid`'s resident set now (VmRSS) and at its peak so far (VmHWM), in MB (Linux). */
function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
  return { now: mb('VmRSS'), peak: mb('VmHWM') };
}

/**
 * Asks `api`/health again and again until stopped, and samples process `pid`'s resident set
 * meanwhile: how many answered, what went wrong, and the largest resident set seen.
 */
function watch(api: string, pid: number): { stop(): Promise<{ answered: number; failures: string[]; rss: number }> } {
  let running = true;
  const failures: string[] = [];
  let answered = 0;
  let rss = 0;
  const loop = (async () => {
    while (running) {
      rss = Math.max(rss, rssMb(pid).now);
      try {
        const r = await fetch(`${api}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
        if (r.status === 200) answered++;
        else failures.push(`status ${r.status}`);
        await r.arrayBuffer();
      } catch (err) {
        failures.push((err as Error).message);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { answered, failures, rss };
    },
  };
}

for (const backend of backends) {
  describe(`hostile XLSX files uploaded to mtc serve on ${backend.name}`, { skip: backend.skip, timeout: 300_000 }, () => {
    let t: Awaited<ReturnType<typeof databaseToServe>>;
    before(async () => {
      t = await databaseToServe(backend);
    });
    after(async () => {
      await t?.drop();
    });

    test(`each fails its job with the limit it passed, while /health answers throughout and reading them adds less than ${READING_RSS_MB} MB to the server`, async () => {
      const server = startMtc(['serve', '--port', '0', '--database', t.url], { env: { LOG_LEVEL: 'warn', MTC_IMPORT_POLL_MS: '100' } });
      const api = await listeningAddress(server.child);
      const headers = { authorization: `Bearer ${t.token}` };
      let watching: ReturnType<typeof watch> | null = null;
      try {
        // Stored first, started together: what is watched is their reading.
        const jobs: { id: number; says: RegExp }[] = [];
        for (const file of FILES) {
          const r = await fetch(`${api}/api/imports?kind=items&fileName=${file.name}.xlsx`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/octet-stream' },
            body: new Uint8Array(hostile[file.name]()),
          });
          assert.equal(r.status, 201, await r.clone().text());
          jobs.push({ id: ((await r.json()) as { id: number }).id, says: file.says });
        }
        const pid = server.child.pid!;
        const stored = rssMb(pid);
        watching = watch(api, pid);
        for (const { id } of jobs) assert.equal((await fetch(`${api}/api/imports/${id}/start`, { method: 'POST', headers })).status, 200);
        const job = async (id: number) =>
          (await (await fetch(`${api}/api/imports/${id}`, { headers })).json()) as { status: string; message: string | null; processedRows: number };
        // Looked at twice a second, in one request: an embedded server's database has
        // enough to do.
        await waitFor(
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 500));
            const list = (await (await fetch(`${api}/api/imports?limit=10`, { headers })).json()) as { jobs: { status: string }[] };
            return list.jobs.every((j) => !['pending', 'running'].includes(j.status));
          },
          'every job to end',
          240_000,
        );
        const watched = await watching.stop();
        const after = rssMb(pid);
        for (const { id, says } of jobs) {
          const end = await job(id);
          assert.equal(end.status, 'failed', JSON.stringify(end));
          assert.match(end.message ?? '', says);
          assert.equal(end.processedRows, 0);
        }
        assert.deepEqual(watched.failures, [], `/health did not answer within ${HEALTH_TIMEOUT_MS} ms`);
        assert.ok(watched.answered >= 10, `/health answered ${watched.answered} times`);
        // Sampled, and the peak (which a spike between two samples cannot escape, but which
        // storing the files on PGlite may have set higher already).
        const added = Math.max(watched.rss - stored.now, after.peak - stored.peak);
        process.stderr.write(
          `# ${backend.name}: resident set ${Math.round(stored.now)} MB with the files stored (peak ${Math.round(stored.peak)}), at most ${Math.round(watched.rss)} MB while reading (peak ${Math.round(after.peak)}); /health answered ${watched.answered} times\n`,
        );
        assert.ok(added < READING_RSS_MB, `reading the files added ${Math.round(added)} MB to the server's resident set`);
      } finally {
        await watching?.stop();
        server.child.kill('SIGTERM');
        await server.done;
      }
    });
  });
}
