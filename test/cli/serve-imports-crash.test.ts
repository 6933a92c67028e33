// kill -9 of `mtc serve` in the middle of an import, on PGlite and on the server: started
// again, the server resumes the job from its last committed batch, and the end state is the
// one an uninterrupted import of the same file gives (no row lost, none written twice).
// Killed twice while running one job, the third server fails the job instead of running it.
//
// The servers commit BATCH_ROWS rows a batch (MTC_IMPORT_BATCH_ROWS): a file of a few
// thousand rows is then hundreds of batches, so a kill lands between two of them, well before
// the end, as it would in a file of hundreds of thousands of rows at the default 2,000.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { Backend, TestDatabase } from '../helpers/backends.ts';
import { listeningAddress, startMtc } from '../helpers/cli.ts';
import { itemsCsv, itemsState } from '../helpers/import-jobs.ts';
import { databaseToServe } from '../helpers/imports.ts';
import { waitFor } from '../helpers/wait.ts';
import { createApiToken, createUser } from '../../src/app/access/accounts.ts';
import { createImportJob, runImport } from '../../src/app/imports/engine.ts';
import type { Database } from '../../src/db/types.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { migrateProject } from '../helpers/migrated.ts';

const ROWS = 3_000;
/** Rows per batch: 150 batches in the file. */
const BATCH_ROWS = 20;
const BAD_EVERY = 97;
const csv = itemsCsv(ROWS, { prefix: 'Big', badEvery: BAD_EVERY });

async function migrated(t: TestDatabase): Promise<Database> {
  const db = await t.open();
  await migrateProject(db);
  return db;
}

/**
 * The state an uninterrupted import of the file leaves, computed once (on the server when
 * there is one: quicker, and the state is the same text on either backend).
 */
let reference: Promise<string> | undefined;
function uninterrupted(asking: Backend): Promise<string> {
  const backend = backends.find((b) => b.name === 'postgres' && !b.skip) ?? asking;
  reference ??= (async () => {
    const t = await backend.create();
    const db = await migrated(t);
    try {
      const { jobId } = await createImportJob(db, { kind: 'items', fileName: 'big.csv', bytes: Buffer.from(csv) }, CLI_ACTOR);
      assert.equal((await runImport(db, jobId)).status, 'completed_with_errors');
      return await itemsState(db);
    } finally {
      await db.close();
      await t.drop();
    }
  })();
  return reference;
}

async function serve(url: string): Promise<{ api: string; kill(signal: NodeJS.Signals): Promise<void> }> {
  const s = startMtc(['serve', '--port', '0', '--database', url], {
    env: { LOG_LEVEL: 'warn', MTC_IMPORT_POLL_MS: '100', MTC_IMPORT_BATCH_ROWS: String(BATCH_ROWS) },
  });
  const api = await listeningAddress(s.child);
  return {
    api,
    async kill(signal) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
      await s.done;
    },
  };
}

for (const backend of backends) {
  describe(`kill -9 of mtc serve during a ${ROWS.toLocaleString('en')}-row import (${ROWS / BATCH_ROWS} batches) on ${backend.name}`, {
    skip: backend.skip,
    timeout: 300_000,
  }, () => {
    let t: TestDatabase;
    let token = '';
    before(async () => {
      t = await backend.create();
      const db = await migrated(t);
      const admin = await createUser(db, { name: 'Admin', email: 'admin@example.com', role: 'admin', password: 'correct horse battery' }, CLI_ACTOR);
      token = (await createApiToken(db, admin.userId, 'tests', CLI_ACTOR)).token;
      await db.close(); // an embedded database is the server's alone
    });
    after(async () => {
      await t?.drop();
    });

    test('started again, the server resumes the job and ends in the state of an uninterrupted import', async () => {
      const expected = uninterrupted(backend);
      const headers = { authorization: `Bearer ${token}` };
      const progress = async (api: string, id: number) => (await (await fetch(`${api}/api/imports/${id}`, { headers })).json()) as Record<string, any>;

      let server = await serve(t.url);
      const r = await fetch(`${server.api}/api/imports?kind=items&fileName=big.csv&start=true`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: csv,
      });
      assert.equal(r.status, 201, await r.clone().text());
      const id = ((await r.json()) as { id: number }).id;
      await waitFor(async () => (await progress(server.api, id)).processedRows >= ROWS / 4, 'a quarter of the rows', 120_000);
      await server.kill('SIGKILL');

      server = await serve(t.url);
      try {
        const resumed = await progress(server.api, id);
        assert.ok(resumed.processedRows >= ROWS / 4 && resumed.processedRows < ROWS, `resumed at ${resumed.processedRows}`);
        await waitFor(async () => !['pending', 'running'].includes((await progress(server.api, id)).status), 'the job to end', 120_000);
        const end = await progress(server.api, id);
        const failures = Math.floor(ROWS / BAD_EVERY);
        assert.deepEqual(
          [end.status, end.totalRows, end.processedRows, end.successCount, end.failureCount],
          ['completed_with_errors', ROWS, ROWS, ROWS - failures, failures],
        );
        const errors = (await (await fetch(`${server.api}/api/imports/${id}/errors?limit=500`, { headers })).json()) as {
          total: number;
          errors: { rowNumber: number }[];
        };
        assert.equal(errors.total, failures, 'one error per rejected row, none written twice');
        assert.deepEqual(
          errors.errors.map((e) => e.rowNumber),
          Array.from({ length: failures }, (_, i) => (i + 1) * BAD_EVERY + 1),
        );
      } finally {
        await server.kill('SIGTERM');
      }
      const db = await t.open();
      try {
        assert.equal(await itemsState(db), await expected);
      } finally {
        await db.close();
      }
    });
  });
}

for (const backend of backends) {
  describe(`kill -9 of mtc serve twice during one import on ${backend.name}`, { skip: backend.skip, timeout: 300_000 }, () => {
    let t: Awaited<ReturnType<typeof databaseToServe>>;
    before(async () => {
      t = await databaseToServe(backend);
    });
    after(async () => {
      await t?.drop();
    });

    test('the job is failed when the third server finds it, saying what happened and what to do, and is not run again', async () => {
      const headers = { authorization: `Bearer ${t.token}` };
      const progress = async (api: string, id: number) => (await (await fetch(`${api}/api/imports/${id}`, { headers })).json()) as Record<string, any>;
      let server = await serve(t.url);
      const r = await fetch(`${server.api}/api/imports?kind=items&fileName=twice.csv&start=true`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: itemsCsv(ROWS, { prefix: 'Twice' }),
      });
      assert.equal(r.status, 201, await r.clone().text());
      const id = ((await r.json()) as { id: number }).id;
      await waitFor(async () => (await progress(server.api, id)).processedRows > 0, 'a first batch', 120_000);
      const first = await progress(server.api, id);
      await server.kill('SIGKILL');

      // The second takes it over (a batch of its own committed: more rows than the first
      // server left, read once it was dead), and dies too.
      server = await serve(t.url);
      const left = await progress(server.api, id);
      assert.ok(left.processedRows < ROWS, `the first server was killed after ${left.processedRows} rows, not before the end`);
      await waitFor(
        async () => {
          const now = await progress(server.api, id);
          return now.worker !== first.worker && now.processedRows > left.processedRows;
        },
        'the second server to run it',
        120_000,
      );
      const second = await progress(server.api, id);
      await server.kill('SIGKILL');

      server = await serve(t.url);
      try {
        await waitFor(async () => (await progress(server.api, id)).status === 'failed', 'the third server to fail it', 60_000);
        const failed = await progress(server.api, id);
        assert.ok(
          failed.processedRows >= second.processedRows && failed.processedRows < ROWS,
          `killed mid-import the second time: ${failed.processedRows} rows kept`,
        );
        assert.match(
          failed.message,
          /^the server or command running this import stopped before it ended, 2 times; [\d,]+( of 3,000)? rows were imported, and stay\. It is not run again, in case the file is what stops the server: look in the server’s log for why it stopped/,
        );
        await new Promise((resolve) => setTimeout(resolve, 500)); // five looks for work
        const later = await progress(server.api, id);
        assert.deepEqual([later.status, later.processedRows], ['failed', failed.processedRows], 'not run again');
      } finally {
        await server.kill('SIGTERM');
      }
    });
  });
}
