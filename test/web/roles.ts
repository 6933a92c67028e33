// A user of a given role, logged in, for the browser tests of what each role is shown: the
// admin makes the account through the API (once per server: an area after another finds it
// made), and a fresh page logs in as it before opening its first page.
import assert from 'node:assert/strict';
import type { WatchedPage } from '../helpers/browser.ts';
import { apiGet, arrive } from './harness.ts';
import type { WebSuite } from './harness.ts';

const PASSWORD = 'a password for the role tests';

/**
 * A fresh page logged in as a `role` user ("Web viewer", web.viewer@example.com), at `path`.
 * The account is made by the admin's session the first time it is asked for.
 */
export async function pageAsRole(s: WebSuite, role: string, path: string): Promise<WatchedPage> {
  const admin = await s.adminAt('/');
  const email = `web.${role}@example.com`;
  const me = await apiGet<{ csrfToken: string }>(admin.page, '/api/auth/me');
  const made = await admin.page.request.post('/api/users', {
    data: { name: `Web ${role}`, email, role, password: PASSWORD },
    headers: { 'x-csrf-token': me.csrfToken },
  });
  assert.ok(made.status() === 201 || made.status() === 409, `POST /api/users as ${role}: ${made.status()} ${await made.text()}`);
  await admin.page.context().close();

  const w = await s.open();
  const login = await w.page.request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  assert.equal(login.status(), 200, `the ${role}'s login: ${await login.text()}`);
  await w.page.goto(path);
  const target = new URL(path, s.server().url);
  await arrive(w.page, (u) => u.pathname === target.pathname, path);
  return w;
}
