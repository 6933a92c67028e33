// Imports in a real browser, as a storekeeper runs one: upload a CSV of a few hundred rows
// with bad ones among them, read the preview (each row with its errors, nothing written yet),
// start it, watch the progress bar and counters reach the end, then the rejected rows a page at
// a time and as a CSV download; and the refusals (no file, an empty file, a file that is not a
// spreadsheet), each with the message that says what to do. Both pages at tablet width too.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { itemsCsv } from '../../helpers/import-jobs.ts';
import { waitFor } from '../../helpers/wait.ts';
import { TABLET, apiGet, arrive, figures, section, settled, status, submitLogin, webArea } from '../harness.ts';

interface Job {
  id: number;
  status: string;
  totalRows: number;
  processedRows: number;
  successCount: number;
  failureCount: number;
  message: string | null;
}

const ROWS = 400;
/** Every 7th data row has a stock that is not a number: rows 8, 15, 22, … of the file. */
const BAD_EVERY = 7;
const BAD = Math.floor(ROWS / BAD_EVERY);
const PREFIX = 'Webimport';

/** Whether the page is wider than its viewport (something cut off or scrolling sideways). */
const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** The job id in a /imports/{id} address. */
const jobIdOf = (page: Page) => Number(/^\/imports\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtc-web-imports-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

webArea('imports in a real browser', ({ adminAt, open, checkPage }) => {
  test('run an import and watch progress: upload, preview with errors, start, counters to the end, rejected rows and their CSV', async () => {
    const file = join(dir, 'stock.csv');
    await writeFile(file, itemsCsv(ROWS, { badEvery: BAD_EVERY, prefix: PREFIX }));

    const w = await adminAt('/imports');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Imports', exact: true }).waitFor();
    await settled(page);
    // The demo ran no import: the list says what to do.
    assert.match(await section(page, 'Imports so far').innerText(), /No imports yet: upload a file/);
    // Each kind says the columns it reads and offers the current data in them.
    const upload = section(page, 'Upload a file');
    await upload.getByLabel('What the file holds').selectOption({ label: 'Suppliers' });
    await upload.getByText(/Firm Name \(required\)/).waitFor();
    assert.equal(await upload.getByRole('link', { name: 'Download the current suppliers as CSV' }).getAttribute('href'), '/api/exports/suppliers.csv');
    await upload.getByLabel('What the file holds').selectOption({ label: 'Items and variants' });
    const exportLink = upload.getByRole('link', { name: 'Download the current items and variants as CSV' });
    assert.equal(await exportLink.getAttribute('href'), '/api/exports/items.csv');
    const exported = await page.request.get('/api/exports/items.csv');
    assert.equal(exported.status(), 200);
    assert.match(await exported.text(), /^\uFEFF?Item,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold/);

    // Upload: the job waits, and its page shows the preview.
    await upload.getByLabel(/^File/).setInputFiles(file);
    await upload.getByRole('button', { name: 'Upload and preview', exact: true }).click();
    await arrive(page, (u) => /^\/imports\/\d+$/.test(u.pathname), '/imports/{id}');
    const id = jobIdOf(page);
    await main.getByRole('heading', { level: 1, name: `Import ${id}: stock.csv` }).waitFor();
    const preview = section(page, 'Preview');
    await preview.getByRole('table').waitFor();
    await settled(page);
    const rows = preview.getByRole('table').locator('tbody tr');
    assert.equal(await rows.count(), 20, 'the first 20 rows');
    assert.deepEqual(
      (await preview.getByRole('columnheader').allTextContents()).slice(0, 2),
      ['Row', 'Result'],
      'what each row would do is read first, before its values',
    );
    const first = await rows.nth(0).innerText();
    assert.ok(first.includes(`${PREFIX} 1`) && /item created/i.test(first), `row 2 would create its item: ${first}`);
    const bad = rows.filter({ has: page.getByRole('rowheader', { name: '8', exact: true }) });
    assert.match(await bad.innerText(), /Stock:.*"lots" is not a stock level/, 'row 8 shows its error, on its field');
    assert.match(await preview.innerText(), /18 would be imported, 2 rejected\. Nothing has been written yet/);
    assert.equal((await apiGet<{ total: number }>(page, `/api/items?q=${PREFIX}`)).total, 0, 'a preview writes nothing');
    assert.equal((await apiGet<Job>(page, `/api/imports/${id}`)).status, 'pending');
    await checkPage(w, 'import-preview');
    await page.setViewportSize(TABLET);
    assert.equal(await overflows(page), false, 'the preview fits a tablet (its table scrolls inside its box)');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Start: the progress bar and counters follow the job to its end.
    await preview.getByRole('button', { name: 'Start import', exact: true }).click();
    const progress = section(page, 'Progress');
    const bar = progress.getByRole('progressbar', { name: 'Rows processed' });
    await bar.waitFor();
    // Followed to the end (how many states show on the way depends on the machine: not asserted).
    await waitFor(async () => /Completed with errors/.test(await progress.innerText()), 'the import to end', 60_000);
    const job = await apiGet<Job>(page, `/api/imports/${id}`);
    assert.deepEqual(
      [job.status, job.totalRows, job.processedRows, job.successCount, job.failureCount],
      ['completed_with_errors', ROWS, ROWS, ROWS - BAD, BAD],
    );
    assert.equal(await bar.getAttribute('max'), String(ROWS));
    assert.equal(await bar.getAttribute('value'), String(ROWS));
    const counters = await figures(progress);
    for (const expected of [`Processed${ROWS}of${ROWS}`, `Imported${ROWS - BAD}`, `Rejected${BAD}`, 'Rowspersecond'])
      assert.ok(counters.includes(expected), `the counters show ${expected}: ${await progress.innerText()}`);
    assert.match(await progress.getByRole('status').innerText(), new RegExp(`Completed with errors.*${ROWS - BAD} of ${ROWS} rows imported, ${BAD} rejected`));
    assert.equal(await progress.getByRole('button', { name: 'Cancel import' }).count(), 0, 'an ended import cannot be cancelled');
    // The good rows are in: an item is its name and model (itemsCsv: name i/10, model i%3).
    const items = new Set<string>();
    for (let i = 1; i <= ROWS; i++) if (i % BAD_EVERY !== 0) items.add(`${Math.ceil(i / 10)} M${i % 3}`);
    const stored = await apiGet<{ total: number; items: { name: string; model: string | null }[] }>(page, `/api/items?q=${PREFIX}&limit=500`);
    assert.deepEqual(new Set(stored.items.map((it) => `${it.name.replace(`${PREFIX} `, '')} ${it.model}`)), items);

    // The rejected rows, a page at a time, naming row, field and message.
    const errors = section(page, 'Rejected rows');
    const table = errors.getByRole('table');
    await table.waitFor();
    await errors.getByText(`Page 1 of 3 · ${BAD} problems`).waitFor();
    const firstError = await table.locator('tbody tr').first().innerText();
    assert.match(firstError, /^8\s+stock\s+"lots" is not a stock level/, firstError);
    await errors.getByRole('button', { name: 'Next', exact: true }).click();
    await errors.getByText(`Page 2 of 3 · ${BAD} problems`).waitFor();
    // The 21st bad row is data row 147: file row 148.
    assert.match(await table.locator('tbody tr').first().innerText(), /^148\s+stock/);
    await checkPage(w, 'import-done');
    // A search finds a rejected row by what it held; cleared, all of them come back.
    const errorSearch = errors.getByLabel('Search rejected rows', { exact: true });
    await errorSearch.fill(`${PREFIX} 15,`);
    await arrive(page, (u) => u.searchParams.get('q') === `${PREFIX} 15,`, '?q= the row searched for');
    await errors.getByText('Page 1 of 1 · 1 problem').waitFor();
    assert.match(await table.locator('tbody tr').first().innerText(), /^148\s+stock/);
    await errorSearch.fill('');
    await errors.getByText(`Page 1 of 3 · ${BAD} problems`).waitFor();

    // The errors as one CSV download.
    const [download] = await Promise.all([page.waitForEvent('download'), errors.getByRole('link', { name: 'Download errors (CSV)' }).click()]);
    assert.equal(download.suggestedFilename(), `import-${id}-errors.csv`);
    const csv = (await readFile(await download.path())).toString('utf8').split('\r\n');
    assert.equal(csv[0], '\uFEFFrow,field,message,raw_row');
    assert.equal(csv.length, BAD + 2, 'a header, a line per rejected row and the empty string after the last line');
    assert.match(csv[1]!, new RegExp(`^8,stock,.*${PREFIX} 1,`));

    await page.setViewportSize(TABLET);
    assert.equal(await overflows(page), false, 'the finished import fits a tablet');
    await checkPage(w, 'import-done-tablet');

    // The list: the job, newest first, filtered by status and kind.
    await page.setViewportSize({ width: 1280, height: 800 });
    await main.getByRole('link', { name: 'Imports', exact: true }).click();
    await arrive(page, (u) => u.pathname === '/imports', '/imports');
    const list = section(page, 'Imports so far');
    const link = list.getByRole('link', { name: `${id}: stock.csv` });
    await link.waitFor();
    assert.match(await list.locator('tbody tr').first().innerText(), new RegExp(`Completed with errors\\s+${ROWS} of ${ROWS}\\s+${ROWS - BAD}\\s+${BAD}`));
    await list.getByLabel('Search imports', { exact: true }).fill('STOCK.CSV');
    await arrive(page, (u) => u.searchParams.get('q') === 'STOCK.CSV', '?q=STOCK.CSV');
    await link.waitFor();
    await list.getByLabel('Search imports', { exact: true }).fill('');
    await arrive(page, (u) => !u.searchParams.has('q'), 'no ?q=');
    await list.getByLabel('Status').selectOption({ label: 'Completed with errors' });
    await arrive(page, (u) => u.searchParams.get('status') === 'completed_with_errors', '?status=completed_with_errors');
    await link.waitFor();
    await list.getByLabel('Kind').selectOption({ label: 'Suppliers' });
    await arrive(page, (u) => u.searchParams.get('kind') === 'suppliers', '?kind=suppliers');
    await list.getByText('No import matches these filters.').waitFor();
    await list.getByRole('link', { name: 'Show all imports' }).click();
    await link.waitFor();
    await settled(page);
    await checkPage(w, 'imports-list');
    await page.setViewportSize(TABLET);
    assert.equal(await overflows(page), false, 'the imports page fits a tablet');
    await checkPage(w, 'imports-list-tablet');
  });

  test('refusals say what to do: no file, a file that is not a spreadsheet, an empty file (whose import can only be cancelled)', async () => {
    const w = await adminAt('/imports');
    const { page } = w;
    const upload = section(page, 'Upload a file');
    const submit = upload.getByRole('button', { name: 'Upload and preview', exact: true });
    await submit.waitFor();

    await submit.click();
    assert.match(await upload.getByRole('alert').innerText(), /Choose the file to import/);
    assert.equal(new URL(page.url()).pathname, '/imports');

    // A picture: the API refuses its type (415), and the form says what to choose instead.
    await w.expecting(status(415), async () => {
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/imports' && r.request().method() === 'POST');
      await upload
        .getByLabel(/^File/)
        .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\nnot a spreadsheet', 'binary') });
      await submit.click();
      const refused = await answer;
      assert.equal(refused.status(), 415);
      const message = ((await refused.json()) as { error: { message: string } }).error.message;
      await waitFor(async () => (await upload.getByRole('alert').innerText()).includes(message), 'the API’s message');
      assert.match(await upload.getByRole('alert').innerText(), /choose a CSV or XLSX file/);
    });
    await checkPage(w, 'imports-refused');

    // An empty file is taken, but its preview says why it cannot be imported, and Start is off.
    await upload.getByLabel(/^File/).setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    await submit.click();
    await arrive(page, (u) => /^\/imports\/\d+$/.test(u.pathname), '/imports/{id}');
    const id = jobIdOf(page);
    const preview = section(page, 'Preview');
    const problem = (await apiGet<{ problem: string | null }>(page, `/api/imports/${id}/preview`)).problem;
    assert.ok(problem, 'the API names the problem');
    await preview.getByRole('alert').filter({ hasText: problem }).waitFor();
    assert.equal(await preview.getByRole('button', { name: 'Start import', exact: true }).isDisabled(), true);
    await checkPage(w, 'import-empty-file');

    // The buttons are the moves the API offers, in its words; cancel asks the API's sentence
    // first; "No" keeps the job, "Yes" cancels it.
    const offered = (await apiGet<{ actions: { label: string; confirm: string | null }[] }>(page, `/api/imports/${id}`)).actions;
    assert.deepEqual(
      offered.map((a) => a.label),
      ['Start import', 'Cancel import'],
    );
    await preview.getByRole('button', { name: 'Cancel import', exact: true }).click();
    await preview.getByRole('group', { name: `${offered[1]!.confirm!} Nothing of the file has been imported yet.` }).waitFor();
    await preview.getByRole('button', { name: 'No, go back', exact: true }).click();
    assert.equal((await apiGet<Job>(page, `/api/imports/${id}`)).status, 'pending');
    await preview.getByRole('button', { name: 'Cancel import', exact: true }).click();
    await preview.getByRole('button', { name: 'Yes, cancel import', exact: true }).click();
    await page.getByRole('main').getByText('Cancelled before it started: nothing was imported.').waitFor();
    assert.equal((await apiGet<Job>(page, `/api/imports/${id}`)).status, 'cancelled');
    assert.equal(await page.getByRole('main').getByRole('button').count(), 0, 'a cancelled job offers nothing');
    await settled(page);
    w.assertNoProblems();
  });

  test('a viewer follows imports but is offered no upload and no move: the page shows what the API allows', async () => {
    const w = await adminAt('/imports');
    const { page } = w;
    const me = await apiGet<{ csrfToken: string }>(page, '/api/auth/me');
    const headers = { 'x-csrf-token': me.csrfToken };
    const password = 'a viewer’s password';
    const made = await page.request.post('/api/users', { headers, data: { name: 'Vera Viewer', email: 'vera@example.com', role: 'viewer', password } });
    assert.equal(made.status(), 201, await made.text());
    const uploaded = await page.request.post('/api/imports?kind=items&fileName=waiting.csv', {
      headers: { ...headers, 'content-type': 'text/csv' },
      data: itemsCsv(3, { prefix: 'Viewed' }),
    });
    assert.equal(uploaded.status(), 201, await uploaded.text());
    const id = ((await uploaded.json()) as Job).id;

    const v = await open();
    await v.expecting(status(401), async () => {
      await v.page.goto('/login');
      await v.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
      await submitLogin(v.page, 'vera@example.com', password);
      await arrive(v.page, (u) => u.pathname === '/', '/');
    });
    assert.deepEqual((await apiGet<{ actions: unknown[] }>(v.page, `/api/imports/${id}`)).actions, []);
    await v.page.goto('/imports');
    const main = v.page.getByRole('main');
    await section(v.page, 'Upload a file').getByText('Importing needs the permission to run imports').waitFor();
    assert.equal(await section(v.page, 'Upload a file').getByRole('button').count(), 0, 'no upload for a viewer');
    await section(v.page, 'Imports so far')
      .getByRole('link', { name: `${id}: waiting.csv` })
      .click();
    await arrive(v.page, (u) => u.pathname === `/imports/${id}`, `/imports/${id}`);
    await section(v.page, 'Preview').getByText('This file waits for someone who may run imports to preview and start it.').waitFor();
    await settled(v.page);
    assert.equal(await main.getByRole('button').count(), 0, 'no start and no cancel for a viewer');
    v.assertNoProblems();
  });
});
