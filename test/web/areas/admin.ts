// The admin's pages in a real browser: users (add one with a password given once and see
// them log in, change a role, deactivate them and see their login refused, the API's
// refusals shown) and schema health (every migration applied, no difference, then a change
// made by hand named); the dashboard's charts and every admin page at tablet width.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../../src/db/open.ts';
import { waitFor } from '../../helpers/wait.ts';
import { TABLET, apiGet, arrive, section, settled, status, submitLogin, webArea } from '../harness.ts';

interface Account {
  userId: number;
  name: string;
  email: string;
  role: string;
  deactivatedAt: string | null;
}

/** Whether the page is wider than its viewport (something cut off or scrolling sideways). */
const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

webArea('the admin pages in a real browser', ({ backend, server, open, adminAt, checkPage }) => {
  test('users: an admin adds a user who then logs in, changes their role, and deactivates them; refusals are shown', async () => {
    const w = await adminAt('/users');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Users', exact: true }).waitFor();
    await settled(page);
    const table = main.getByRole('table', { name: 'Users' });
    await table.getByRole('cell', { name: server().admin.email, exact: true }).waitFor();
    await checkPage(w, 'users');

    // Add a planner, with a generated password; the page says it is shown once.
    await main.getByRole('button', { name: 'Add user', exact: true }).click();
    const form = main.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Name', { exact: true }).fill('Priya Planner');
    await form.getByLabel('Email', { exact: true }).fill('priya@example.com');
    // The roles offered are the API's, each with what it is for; a new user starts with the one that may do least.
    const roles = await apiGet<{ role: string; description: string; permissions: string[] }[]>(page, '/api/roles');
    const picker = form.getByLabel('Role', { exact: true });
    assert.deepEqual(
      await picker.locator('option').allInnerTexts(),
      roles.map((r) => `${r.role}: ${r.description}`),
    );
    assert.equal(await picker.inputValue(), [...roles].sort((a, b) => a.permissions.length - b.permissions.length)[0]!.role);
    await picker.selectOption('planner');
    await form.getByText(`Planner: ${roles.find((r) => r.role === 'planner')!.description}.`).waitFor();
    await form.getByRole('button', { name: 'Generate a password', exact: true }).click();
    const password = await form.getByLabel('Password', { exact: true }).inputValue();
    assert.equal(password.length, 16, `a generated password: ${password}`);
    await form.getByRole('button', { name: 'Add user', exact: true }).click();
    await form.getByRole('status').filter({ hasText: 'Added Priya Planner' }).waitFor();
    await table.getByRole('cell', { name: 'priya@example.com', exact: true }).waitFor();
    const users = await apiGet<Account[]>(page, '/api/users');
    const priya = users.find((u) => u.email === 'priya@example.com');
    assert.equal(priya?.role, 'planner');

    // The same email again: the API's refusal, naming what to do, and no second account.
    await w.expecting(status(409), async () => {
      await form.getByRole('button', { name: 'Add user', exact: true }).click();
      const alert = form.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /email|exists|already/i);
    });
    assert.equal((await apiGet<Account[]>(page, '/api/users')).filter((u) => u.email === 'priya@example.com').length, 1);
    await checkPage(w, 'users-add-refused');

    // She logs in with the password she was given.
    const other = await open();
    // The login page asks who is signed in (401) while it shows: that answer may come after
    // the form, so the whole login is inside the expected 401.
    await other.expecting(status(401), async () => {
      await other.page.goto('/login');
      await other.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
      await submitLogin(other.page, 'priya@example.com', password);
      await arrive(other.page, (u) => u.pathname === '/', '/');
    });
    // A planner is not shown the admin's sections.
    const nav = other.page.getByRole('navigation', { name: 'Main' });
    await nav.getByText('Priya Planner').waitFor();
    await nav.getByRole('button', { name: 'More', exact: true }).click();
    assert.deepEqual(
      await nav.getByRole('list', { name: 'More' }).getByRole('link').allInnerTexts(),
      ['Imports', 'Settings'],
      'no Users or Schema health for a planner (the settings to read)',
    );
    await settled(other.page);
    other.assertNoProblems();

    // Make her a viewer.
    await table.getByRole('button', { name: 'Edit Priya Planner', exact: true }).click();
    const edit = main.getByRole('form', { name: 'Edit Priya Planner' });
    await edit.getByLabel('Role', { exact: true }).selectOption('viewer');
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    await edit.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await waitFor(
      async () => (await apiGet<Account[]>(page, '/api/users')).find((u) => u.email === 'priya@example.com')?.role === 'viewer',
      'Priya to be a viewer',
    );
    await edit.getByRole('button', { name: 'Close', exact: true }).click();

    // The admin cannot deactivate themselves: the API says to ask another admin.
    await w.expecting(status(409), async () => {
      await table.getByRole('button', { name: `Deactivate ${server().admin.name}`, exact: true }).click();
      await table.getByRole('button', { name: 'Yes, deactivate', exact: true }).click();
      await main.getByRole('alert').filter({ hasText: 'another admin' }).waitFor();
    });

    // Deactivate Priya (confirmed): her session ends, and she cannot log in again.
    // It asks first: No keeps her active, Yes deactivates her.
    await table.getByRole('button', { name: 'Deactivate Priya Planner', exact: true }).click();
    const asked = table.getByRole('group', { name: /^Deactivate Priya Planner \(viewer\)\? Their 1 live session ends now/ });
    await asked.getByRole('button', { name: 'No, keep them active', exact: true }).click();
    assert.equal((await apiGet<Account[]>(page, '/api/users')).find((u) => u.email === 'priya@example.com')?.deactivatedAt, null, 'No keeps her active');
    await table.getByRole('button', { name: 'Deactivate Priya Planner', exact: true }).click();
    await asked.getByRole('button', { name: 'Yes, deactivate', exact: true }).click();
    await table.getByRole('button', { name: 'Reactivate Priya Planner', exact: true }).waitFor();
    assert.ok((await apiGet<Account[]>(page, '/api/users')).find((u) => u.email === 'priya@example.com')?.deactivatedAt, 'deactivated in the API');
    assert.equal((await other.page.request.get('/api/auth/me')).status(), 401, 'her session ended');

    // Search narrows the list and the address keeps it.
    await main.getByLabel('Search users', { exact: true }).fill('priya');
    await arrive(page, (u) => u.searchParams.get('q') === 'priya', '?q=priya');
    await waitFor(async () => (await table.getByRole('row').count()) === 2, 'the search to list only Priya');
    await checkPage(w, 'users-search');
  });

  test('schema health: every migration applied and no difference; a change made by hand is named with what to do', async () => {
    const w = await adminAt('/schema');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Schema health', exact: true }).waitFor();
    await settled(page);
    const health = await apiGet<{ migrations: { total: number; applied: unknown[] } }>(page, '/api/schema/health');
    const summary = section(page, 'Summary');
    await summary.getByText('Healthy: nothing to do.').waitFor();
    assert.match(await summary.innerText(), new RegExp(`${health.migrations.applied.length} of ${health.migrations.total} migrations applied`));
    assert.match(await section(page, 'Verify findings').innerText(), /No differences/);
    const migrations = section(page, 'Migrations').getByRole('table');
    assert.equal(await migrations.getByRole('row').count(), health.migrations.total + 1, 'a row per migration');
    await checkPage(w, 'schema-health');

    // Someone adds an index by hand: Check again names it, and says what to do. (Only on the
    // server: an embedded database is open to the one process serving it.)
    if (backend.name !== 'postgres') return;
    const db = await openDatabase(server().databaseUrl);
    try {
      await db.exec('CREATE INDEX made_by_hand ON public.suppliers (phone)');
      await main.getByRole('button', { name: 'Check again', exact: true }).click();
      await summary.getByRole('alert').filter({ hasText: 'differs' }).waitFor();
      const findings = section(page, 'Verify findings');
      const row = findings.getByRole('row').filter({ hasText: 'made_by_hand' });
      await row.waitFor();
      assert.match(await row.innerText(), /extra[\s\S]*put it in a migration, or drop it/);
      await checkPage(w, 'schema-health-drift');
    } finally {
      await db.exec('DROP INDEX IF EXISTS public.made_by_hand');
      await db.close();
    }
  });

  test('at tablet width the dashboard draws its charts and no admin page is wider than the screen', async () => {
    const w = await adminAt('/', TABLET);
    const { page } = w;
    await page.getByRole('heading', { level: 1, name: 'Dashboard', exact: true }).waitFor();
    await settled(page);
    // The charts read as tables of figures: a row per status, a row per process.
    const lots = section(page, 'Lots by status').getByRole('table', { name: 'Lots by status' });
    assert.equal(await lots.getByRole('row').count(), 7, 'a header and a row per status');
    const costs = section(page, 'Cost variance').getByRole('table', { name: 'Worst-case estimate and actual cost by process' });
    assert.ok((await costs.getByRole('row').count()) >= 2, 'a bar per process with a completed lot');
    for (const [path, name] of [
      ['/', 'dashboard'],
      ['/users', 'users'],
      ['/schema', 'schema-health'],
    ] as const) {
      if (path !== '/') {
        // On a tablet the navigation is folded behind Menu; Users and Schema health are under More.
        const nav = page.getByRole('navigation', { name: 'Main' });
        await nav.getByRole('button', { name: 'Menu', exact: true }).click();
        await nav.getByRole('button', { name: 'More', exact: true }).click();
        await nav.getByRole('link', { name: name === 'users' ? 'Users' : 'Schema health', exact: true }).click();
        await arrive(page, (u) => u.pathname === path, path);
      }
      await settled(page);
      assert.equal(await overflows(page), false, `${path} fits a tablet's width`);
      await checkPage(w, `tablet-${name}`);
    }
  });
});
