// Import jobs over HTTP, on PGlite and on the server: upload (waiting for a start, or started at
// once), preview, progress, the rejected rows as JSON pages and as a CSV download, cancel, and
// the refusals (415, 413, 400, 404, 409). A worker runs beside the API as in `mtc serve`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { waitFor } from '../helpers/wait.ts';
import { ROOT } from '../helpers/cli.ts';
import { itemsCsv, itemsState } from '../helpers/import-jobs.ts';
import { startImportWorker } from '../../src/app/imports/worker.ts';
import type { ImportWorker } from '../../src/app/imports/worker.ts';
import { IMPORT_KINDS } from '../../src/app/imports/kinds/index.ts';
import { FINAL_STATUSES, IMPORT_ACTIONS, IMPORT_MACHINE, IMPORT_STATUSES } from '../../src/app/imports/status.ts';
import { offeredMoves } from '../../src/app/rules/machine.ts';
import { moveImportJob } from '../../src/app/imports/moves.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`import jobs over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let worker: ImportWorker | undefined;
    before(async () => {
      api = await testApi(backend, { importQueued: () => worker?.wake() });
      worker = startImportWorker(api.db, { pollMs: 100 });
    });
    after(async () => {
      await worker?.stop();
      await api?.close();
    });

    /** Sends a file as the body of POST /api/imports. */
    const upload = (body: string | Buffer, query: string, contentType = 'text/csv', as: 'admin' | 'planner' | 'operator' | 'viewer' = 'planner') =>
      api.call('POST', `/api/imports?${query}`, { as, body, headers: { 'content-type': contentType } });

    /** The audit events of job `id`, oldest first. */
    const eventsOf = async (id: number) =>
      (
        await api.db.query<{
          action: string;
          via: string;
          userId: number | null;
          requestId: string | null;
          before: Record<string, any> | null;
          after: Record<string, any>;
        }>(
          `SELECT action, via, user_id AS "userId", request_id AS "requestId", before, after FROM public.audit_events WHERE entity = 'import_job' AND entity_id = $1 ORDER BY id`,
          [String(id)],
        )
      ).rows;

    const job = async (id: number) => json(await api.call('GET', `/api/imports/${id}`, { as: 'viewer' }));
    const ended = (id: number) => waitFor(async () => !['pending', 'running'].includes((await job(id)).status), `job ${id} to end`, 60_000);

    test('GET /api/imports/kinds: every kind with its label and the columns its import reads, required first; for any role, not without a session', async () => {
      const r = await api.call('GET', '/api/imports/kinds', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const { kinds } = json(r) as { kinds: { name: string; label: string; about: string; listPath: string; required: string[]; optional: string[] }[] };
      assert.deepEqual(
        kinds.map((k) => k.name),
        Object.keys(IMPORT_KINDS),
      );
      for (const k of kinds) {
        const columns = IMPORT_KINDS[k.name as keyof typeof IMPORT_KINDS].columns;
        assert.ok(columns.length > 0 && k.label.length > 0 && k.about.length > 0 && k.listPath.startsWith('/'), k.name);
        assert.deepEqual(
          k.required,
          columns.filter((c) => c.required).map((c) => c.label),
          k.name,
        );
        assert.deepEqual(
          k.optional,
          columns.filter((c) => !c.required).map((c) => c.label),
          k.name,
        );
      }
      assert.deepEqual(kinds.find((k) => k.name === 'suppliers')?.required, ['Firm Name']);
      assert.equal((await api.call('GET', '/api/imports/kinds')).statusCode, 401);
    });

    test('an upload without start=true waits: a preview shows its first rows with their errors and writes nothing; start runs it', async () => {
      const csv = itemsCsv(30, { badEvery: 7, prefix: 'Wait' });
      const r = await upload(csv, 'kind=items&fileName=stock.csv');
      assert.equal(r.statusCode, 201, r.body);
      const made = json(r);
      assert.equal(r.headers.location, `/api/imports/${made.id}`);
      assert.equal(made.status, 'pending');
      assert.equal(made.awaitingStart, true);
      assert.equal(made.fileName, 'stock.csv');
      assert.equal(made.format, 'csv');
      assert.equal(made.sizeBytes, Buffer.byteLength(csv));
      assert.equal(made.kind, 'items');

      // No worker takes it, however long it waits.
      worker!.wake();
      await new Promise((res) => setTimeout(res, 400));
      const waiting = await job(made.id);
      assert.equal(waiting.status, 'pending');
      assert.equal(waiting.processedRows, 0);
      assert.equal(waiting.startedAt, null);

      const p = await api.call('GET', `/api/imports/${made.id}/preview?rows=8`, { as: 'planner' });
      assert.equal(p.statusCode, 200, p.body);
      const preview = json(p);
      assert.equal(preview.problem, null);
      assert.equal(preview.rows.length, 8);
      assert.equal(preview.rows[0].rowNumber, 2);
      assert.equal(preview.rows[0].values.item, 'Wait 1');
      assert.deepEqual(preview.rows[0].errors, []);
      assert.ok(preview.rows[0].outcome);
      assert.equal(preview.rows[6].errors[0].field, 'stock');
      assert.equal(preview.rows[6].outcome, null);
      assert.equal((await api.db.query(`SELECT 1 FROM public.item_master WHERE name LIKE 'Wait %'`)).rowCount, 0, 'a preview writes nothing');

      const s = await api.call('POST', `/api/imports/${made.id}/start`, { as: 'planner' });
      assert.equal(s.statusCode, 200, s.body);
      assert.equal(json(s).awaitingStart, false);
      await ended(made.id);
      const done = await job(made.id);
      assert.equal(done.status, 'completed_with_errors');
      assert.deepEqual([done.totalRows, done.processedRows, done.successCount, done.failureCount], [30, 30, 26, 4]);
      assert.match(done.message, /4 of 30 rows rejected/);
      assert.equal(done.awaitingStart, false);
      assert.ok(done.startedAt && done.finishedAt, 'started and finished are kept');
      assert.equal(done.worker.split(':')[1], String(process.pid));
      assert.equal(done.etaSeconds, null);

      const again = await api.call('POST', `/api/imports/${made.id}/start`, { as: 'planner' });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(json(again).error.code, 'IMPORT_NOT_AWAITING_START');
      const cancel = await api.call('POST', `/api/imports/${made.id}/cancel`, { as: 'planner' });
      assert.equal(cancel.statusCode, 409);
      assert.equal(json(cancel).error.code, 'IMPORT_FINISHED');

      // The upload and the start as the planner did them through the API; the end as the
      // import did it for them, with what it wrote. The refused start and cancel left nothing.
      const planner = (await api.db.query<{ id: number }>(`SELECT user_id AS id FROM public.users WHERE email = 'planner@example.com'`)).rows[0]!.id;
      const events = await eventsOf(made.id);
      assert.deepEqual(
        events.map((e) => [e.action, e.via, e.userId, e.before?.status ?? null, e.after.status]),
        [
          ['create', 'http', planner, null, 'pending'],
          ['transition', 'http', planner, 'pending', 'pending'],
          ['transition', 'import', planner, 'running', 'completed_with_errors'],
        ],
      );
      assert.ok(events[0]!.requestId && events[1]!.requestId, 'an API change names its request');
      assert.deepEqual([events[1]!.before!.awaitingStart, events[1]!.after.awaitingStart], [true, false]);
      assert.deepEqual(events[2]!.after, {
        kind: 'items',
        fileName: 'stock.csv',
        format: 'csv',
        sizeBytes: Buffer.byteLength(csv),
        status: 'completed_with_errors',
        awaitingStart: false,
        message: '4 of 30 rows rejected',
        rows: { processed: 30, imported: 26, rejected: 4 },
      });
    });

    test('start=true runs at once; its rejected rows come as JSON pages in row order and as one CSV download with formulas neutralised', async () => {
      const r = await upload(itemsCsv(100, { badEvery: 10, prefix: 'Now', formulaAt: 50 }), 'kind=items&fileName=now.csv&start=true');
      assert.equal(r.statusCode, 201, r.body);
      const id = json(r).id as number;
      assert.equal(json(r).awaitingStart, false);
      await ended(id);
      const done = await job(id);
      assert.equal(done.status, 'completed_with_errors');
      assert.deepEqual([done.processedRows, done.successCount, done.failureCount], [100, 90, 10]);
      assert.ok(done.rowsPerSecond === null || done.rowsPerSecond > 0);

      const page1 = json(await api.call('GET', `/api/imports/${id}/errors?limit=4`, { as: 'operator' }));
      assert.equal(page1.total, 10);
      assert.deepEqual(
        page1.errors.map((e: { rowNumber: number }) => e.rowNumber),
        [11, 21, 31, 41],
      );
      assert.equal(page1.errors[0].field, 'stock');
      assert.match(page1.errors[0].rawRow, /^Now 1,M1,,"Made, of steel",Frames,Colour 0,L,lots,pcs,3$/);
      const page3 = json(await api.call('GET', `/api/imports/${id}/errors?limit=4&offset=8`, { as: 'operator' }));
      assert.deepEqual(
        page3.errors.map((e: { rowNumber: number }) => e.rowNumber),
        [91, 101],
      );
      // q finds rows by what was wrong or what they held, whatever its case.
      const found = json(await api.call('GET', `/api/imports/${id}/errors?q=${encodeURIComponent('NOW 3,')}`, { as: 'operator' }));
      assert.deepEqual(
        found.errors.map((e: { rowNumber: number }) => e.rowNumber),
        [31],
      );
      assert.equal(json(await api.call('GET', `/api/imports/${id}/errors?q=stock`, { as: 'operator' })).total, 10);
      assert.equal(json(await api.call('GET', `/api/imports/${id}/errors?q=no-such-thing`, { as: 'operator' })).total, 0);

      const csv = await api.call('GET', `/api/imports/${id}/errors.csv`, { as: 'viewer' });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), new RegExp(`attachment; filename="import-${id}-errors.csv"`));
      const lines = csv.body.split('\r\n');
      assert.equal(lines[0], '\uFEFFrow,field,message,raw_row');
      assert.equal(lines.length, 12, 'a header, ten rows and the empty string after the last CRLF');
      // The raw row of row 51 starts with a formula: a spreadsheet would run it, so it is guarded.
      const formulaLine = lines.find((l) => l.startsWith('51,'));
      assert.ok(formulaLine, csv.body);
      assert.ok(formulaLine.endsWith(`,"'=2+5,M2,,""Made, of steel"",Frames,Colour 0,L,lots,pcs,1"`), formulaLine);
      assert.doesNotMatch(formulaLine, /(^|,)"?[=+@-]/, 'no cell starts with a formula');
      assert.equal(await itemsState(api.db).then((s) => s.split('\n').filter((l) => l.startsWith('Now ')).length), 90);
    });

    test('a quote left open costs its own line only: the total is every data line, the rejected row is that line with what to do', async () => {
      const r = await upload(readFileSync(join(ROOT, 'test', 'fixtures', 'imports', 'open-quote.csv')), 'kind=items&fileName=open-quote.csv&start=true');
      assert.equal(r.statusCode, 201, r.body);
      const id = json(r).id as number;
      await ended(id);
      const done = await job(id);
      assert.deepEqual([done.status, done.totalRows, done.processedRows, done.successCount, done.failureCount], ['completed_with_errors', 6, 6, 5, 1]);
      const errors = json(await api.call('GET', `/api/imports/${id}/errors`, { as: 'viewer' })).errors;
      assert.equal(errors.length, 1);
      assert.deepEqual([errors[0].rowNumber, errors[0].field, errors[0].rawRow], [3, null, '"Fork,R1,,Steel fork,Forks,Black,L,1,pcs,1']);
      assert.match(errors[0].message, /^a quote opened in field 1 \("Item"\) is never closed on line 3 .*Close the quote on line 3/);
    });

    test('a file that is not UTF-8 is read as its Content-Type charset says', async () => {
      const text = 'Item,Color,Size,Stock\nCafé crème,Écru,M,3\n';
      const r = await upload(iconv.encode(text, 'windows-1252'), 'kind=items&fileName=latin.csv&start=true', 'text/csv; charset=windows-1252');
      assert.equal(r.statusCode, 201, r.body);
      await ended(json(r).id);
      assert.equal((await job(json(r).id)).status, 'completed');
      const row = await api.db.query<{ name: string }>(`SELECT name FROM public.item_master WHERE name LIKE 'Caf%'`);
      assert.deepEqual(
        row.rows.map((x) => x.name),
        ['Café crème'],
      );
    });

    test('a job is cancelled while it waits (it never runs) and while it runs (it stops after a batch; what was committed stays)', async () => {
      const waiting = json(await upload(itemsCsv(10, { prefix: 'Never' }), 'kind=items&fileName=never.csv'));
      const c = await api.call('POST', `/api/imports/${waiting.id}/cancel`, { as: 'admin', body: { reason: 'wrong file' } });
      assert.equal(c.statusCode, 200, c.body);
      assert.deepEqual(json(c).actions, [], 'nothing more can be done to a cancelled job');
      assert.equal(json(c).status, 'cancelled');
      assert.equal(json(c).message, 'cancelled: wrong file');
      assert.ok(json(c).finishedAt);
      const s = await api.call('POST', `/api/imports/${waiting.id}/start`, { as: 'planner' });
      assert.equal(s.statusCode, 409);
      // A refused move leaves no event: the upload and the cancel only.
      const refusedAgain = await api.call('POST', `/api/imports/${waiting.id}/cancel`, { as: 'admin', body: { reason: 'twice' } });
      assert.equal(refusedAgain.statusCode, 409);
      assert.equal(json(refusedAgain).error.code, 'IMPORT_FINISHED');
      assert.equal(json(await api.call('GET', `/api/imports/${waiting.id}`, { as: 'viewer' })).message, 'cancelled: wrong file');
      assert.deepEqual(
        (await eventsOf(waiting.id)).map((e) => [e.action, e.before?.status ?? null, e.after.status, e.after.message]),
        [
          ['create', null, 'pending', null],
          ['transition', 'pending', 'cancelled', 'cancelled: wrong file'],
        ],
      );

      const big = json(await upload(itemsCsv(60_000, { prefix: 'Big' }), 'kind=items&fileName=big.csv&start=true'));
      await waitFor(async () => (await job(big.id)).processedRows > 0, 'the first batch', 60_000);
      const c2 = await api.call('POST', `/api/imports/${big.id}/cancel`, { as: 'planner' });
      assert.equal(c2.statusCode, 200, c2.body);
      await waitFor(async () => worker!.running().length === 0, 'the worker to let go', 30_000);
      const stopped = await job(big.id);
      assert.equal(stopped.status, 'cancelled');
      assert.ok(stopped.processedRows < 60_000, `processed ${stopped.processedRows}`);
      const written = Number(
        (
          await api.db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM public.item_variant v JOIN public.item_master i USING (item_id) WHERE i.name LIKE 'Big %'`,
          )
        ).rows[0]!.n,
      );
      assert.equal(written, stopped.successCount, 'every committed row, and only those');
      // The cancel is the planner's event; a job a person stopped gets no end of the import's own.
      assert.deepEqual(
        (await eventsOf(big.id)).map((e) => [e.action, e.via, e.after.status]),
        [
          ['create', 'http', 'pending'],
          ['transition', 'http', 'cancelled'],
        ],
      );
    });

    test('jobs are listed newest first, by status and kind', async () => {
      // four jobs of its own, uploaded and cancelled (waiting, they would never end), whatever the tests before it made
      for (let i = 1; i <= 4; i++) {
        const made = json(await upload(itemsCsv(2, { prefix: `Listed ${i}` }), `kind=items&fileName=listed-${i}.csv`));
        assert.equal((await api.call('POST', `/api/imports/${made.id}/cancel`, { as: 'planner' })).statusCode, 200);
      }
      const all = json(await api.call('GET', '/api/imports?limit=500', { as: 'viewer' }));
      assert.ok(all.total >= 4);
      const ids = all.jobs.map((j: { id: number }) => j.id);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
      );
      const cancelled = json(await api.call('GET', '/api/imports?status=cancelled', { as: 'viewer' }));
      assert.ok(cancelled.total >= 2);
      assert.ok(cancelled.jobs.every((j: { status: string }) => j.status === 'cancelled'));
      assert.equal(json(await api.call('GET', '/api/imports?kind=suppliers', { as: 'viewer' })).total, 0);
      // q: a part of the file's name, whatever its case.
      const named = all.jobs.find((j: { fileName: string | null }) => j.fileName);
      const byName = json(await api.call('GET', `/api/imports?q=${encodeURIComponent(named.fileName.toUpperCase())}&limit=500`, { as: 'viewer' }));
      assert.ok(
        byName.total >= 1 && byName.jobs.every((j: { fileName: string }) => j.fileName.toLowerCase().includes(named.fileName.toLowerCase())),
        JSON.stringify(byName.jobs.map((j: { fileName: string }) => j.fileName)),
      );
      assert.equal(json(await api.call('GET', '/api/imports?q=no-such-file-anywhere', { as: 'viewer' })).total, 0);
      const bad = await api.call('GET', '/api/imports?status=queued', { as: 'viewer' });
      assert.equal(bad.statusCode, 400);
    });

    test('refusals: no file body (415), a file too large (413), an unknown kind or encoding (400), a job that does not exist (404)', async () => {
      const asJson = await api.call('POST', '/api/imports?kind=items&fileName=x.csv', { as: 'planner', body: { rows: [] } });
      assert.equal(asJson.statusCode, 415, asJson.body);
      assert.equal(json(asJson).error.code, 'UNSUPPORTED_MEDIA_TYPE');
      const huge = await api.call('POST', '/api/imports?kind=items&fileName=x.csv', {
        as: 'planner',
        body: 'Item,Color,Size\n',
        headers: { 'content-type': 'text/csv', 'content-length': String(300 * 1024 * 1024) },
      });
      assert.equal(huge.statusCode, 413, huge.body);
      const noKind = await upload('Item\n', 'fileName=x.csv');
      assert.equal(noKind.statusCode, 400);
      assert.deepEqual(
        json(noKind).error.details.fields.map((f: { path: string }) => f.path),
        ['querystring/kind'],
      );
      const unknownKind = await upload('Item\n', 'kind=widgets&fileName=x.csv');
      assert.equal(unknownKind.statusCode, 400);
      assert.equal(json(unknownKind).error.code, 'IMPORT_UNKNOWN_KIND');
      // a kind is looked up among the kinds themselves, never among what every object inherits
      const jobs = async () => Number((await api.db.query<{ n: string }>('SELECT count(*)::text AS n FROM public.import_jobs')).rows[0]!.n);
      const jobsBefore = await jobs();
      for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype']) {
        const r = await upload('Item\n', `kind=${name}&fileName=x.csv`);
        assert.equal(r.statusCode, 400, `${name}: ${r.body}`);
        assert.equal(json(r).error.code, 'IMPORT_UNKNOWN_KIND');
        assert.equal(json(r).error.message, `unknown import kind "${name}": use items, suppliers, rates`);
        const exported = await api.call('GET', `/api/exports/${name}.csv`, { as: 'viewer' });
        assert.equal(exported.statusCode, 400, `${name}: ${exported.body}`);
        assert.equal(json(exported).error.code, 'IMPORT_UNKNOWN_KIND');
      }
      assert.equal(await jobs(), jobsBefore, 'no job was made for a kind that does not exist');
      const badEncoding = await upload('Item\n', 'kind=items&fileName=x.csv&encoding=klingon');
      assert.equal(badEncoding.statusCode, 400);
      assert.equal(json(badEncoding).error.code, 'IMPORT_BAD_OPTION');
      for (const [method, url] of [
        ['GET', '/api/imports/999999'],
        ['GET', '/api/imports/999999/preview'],
        ['GET', '/api/imports/999999/errors'],
        ['GET', '/api/imports/999999/errors.csv'],
        ['POST', '/api/imports/999999/start'],
        ['POST', '/api/imports/999999/cancel'],
      ] as const) {
        const r = await api.call(method, url, { as: 'admin' });
        assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
        assert.equal(json(r).error.code, 'NOT_FOUND');
      }
    });

    test('an operator and a viewer may follow jobs but not upload, preview, start or cancel them', async () => {
      for (const role of ['operator', 'viewer'] as const) {
        const r = await upload('Item,Color,Size\n', 'kind=items&fileName=x.csv', 'text/csv', role);
        assert.equal(r.statusCode, 403);
      }
      const ok = await upload('Item,Color,Size\nA,B,C\n', 'kind=items&fileName=x.csv', 'text/csv', 'admin');
      assert.equal(ok.statusCode, 201);
      assert.equal((await api.call('GET', `/api/imports/${json(ok).id}/preview`, { as: 'viewer' })).statusCode, 403);
      assert.equal((await api.call('POST', `/api/imports/${json(ok).id}/start`, { as: 'operator' })).statusCode, 403);
      assert.equal((await api.call('GET', `/api/imports/${json(ok).id}`, { as: 'viewer' })).statusCode, 200);
    });

    test('every job returned carries the moves its caller may make: a planner may start or cancel a waiting job, a viewer nothing', async () => {
      const start = { action: 'start', label: 'Start import', to: 'pending', needsReason: false, confirm: null };
      const cancel = { action: 'cancel', label: 'Cancel import', to: 'cancelled', needsReason: false, confirm: IMPORT_MACHINE.moves.cancel.confirm };
      const made = await upload(itemsCsv(3, { prefix: 'Acts' }), 'kind=items&fileName=acts.csv');
      assert.equal(made.statusCode, 201, made.body);
      const id = json(made).id as number;
      assert.deepEqual(json(made).actions, [start, cancel], 'the upload’s body');
      assert.equal(json(made).statusLabel, 'Waiting for a start');
      assert.equal(json(made).ended, false);
      const detail = (as: 'planner' | 'viewer') => api.call('GET', `/api/imports/${id}`, { as }).then(json);
      const row = async (as: 'planner' | 'viewer') =>
        (await api.call('GET', '/api/imports?limit=500', { as }).then(json)).jobs.find((j: { id: number }) => j.id === id);
      assert.deepEqual((await detail('planner')).actions, [start, cancel]);
      assert.deepEqual((await row('planner')).actions, [start, cancel]);
      assert.deepEqual((await detail('viewer')).actions, []);
      assert.deepEqual((await row('viewer')).actions, []);
      assert.equal((await row('viewer')).statusLabel, 'Waiting for a start');

      const started = await api.call('POST', `/api/imports/${id}/start`, { as: 'planner' });
      assert.equal(started.statusCode, 200, started.body);
      // Started, it waits for a server (or runs, or has already ended): no second start; cancel while it has not ended.
      assert.ok(!json(started).actions.some((a: { action: string }) => a.action === 'start'), started.body);
      await ended(id);
      const done = await detail('planner');
      assert.deepEqual([done.status, done.statusLabel, done.ended, done.actions], ['completed', 'Completed', true, []]);
    });

    test('the routes of the moves are the table’s: one POST per move a person makes, none for the system’s', async () => {
      const person = offeredMoves(IMPORT_MACHINE).map(([a]) => a);
      assert.deepEqual(person, ['start', 'cancel']);
      for (const action of IMPORT_ACTIONS) {
        const registered = api.app.hasRoute({ method: 'POST', url: `/api/imports/:id/${action}` });
        assert.equal(registered, person.includes(action), `POST /api/imports/:id/${action}`);
      }
      // The app layer refuses a system move asked for by a person.
      await assert.rejects(moveImportJob(api.db, 1, 'complete', CLI_ACTOR), { code: 'IMPORT_MOVE_NOT_OFFERED' });
    });

    test('GET /api/imports/statuses: every status in order with its label and whether it is final', async () => {
      const r = await api.call('GET', '/api/imports/statuses', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const { statuses } = json(r) as { statuses: { name: string; label: string; final: boolean }[] };
      assert.deepEqual(
        statuses.map((s) => s.name),
        [...IMPORT_STATUSES],
      );
      assert.deepEqual(
        statuses.filter((s) => s.final).map((s) => s.name),
        [...FINAL_STATUSES],
      );
      assert.equal(statuses.find((s) => s.name === 'completed_with_errors')?.label, 'Completed with errors');
    });
  });
}
