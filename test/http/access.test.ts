import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PERMISSIONS } from '../../src/app/access/roles.ts';
import type { Permission, Role } from '../../src/app/access/roles.ts';
import { buildServer } from '../../src/http/server.ts';
import { backends } from '../helpers/backends.ts';
import { PASSWORD, testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

/** Logs in and returns what a browser would keep: the session cookie and the CSRF token. */
async function login(api: TestApi, email: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const r = await api.call('POST', '/api/auth/login', { body: { email, password } });
  assert.equal(r.statusCode, 200, r.body);
  const setCookie = String(r.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0]!, csrf: json(r).csrfToken as string };
}

for (const backend of backends) {
  describe(`the HTTP API's access control on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend, { loginLimits: { perAccount: 5, perAddress: 1000 } });
    });
    after(async () => {
      await api?.close();
    });

    test('/health and /ready answer anyone; every other route refuses an anonymous caller with 401', async () => {
      assert.deepEqual(json(await api.call('GET', '/health')), { status: 'ok' });
      assert.deepEqual(json(await api.call('GET', '/ready')), { ready: true });
      const routes = api.app.routeTable.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'));
      assert.ok(routes.length >= 10, `only ${routes.length} routes`);
      for (const r of routes) {
        const res = await api.call(r.method, r.url.replace(/:\w+/g, '1'), r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} });
        if (r.permission === 'public') assert.notEqual(res.statusCode, 401, `${r.method} ${r.url}`);
        else {
          assert.equal(res.statusCode, 401, `${r.method} ${r.url} answered an anonymous caller with ${res.statusCode}`);
          assert.equal(json(res).error.code, 'UNAUTHENTICATED');
        }
      }
    });

    test('every route enforces the permission table: a role it does not list gets 403, one it lists gets past it', async () => {
      const routes = api.app.routeTable.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.permission !== 'public');
      for (const r of routes) {
        assert.ok(r.permission && r.permission in PERMISSIONS, `${r.method} ${r.url} has no known permission`);
        for (const role of ['admin', 'planner', 'operator', 'viewer'] as const) {
          if (r.url === '/api/auth/logout') continue; // would end nothing for a token, but is "self" for all
          const res = await api.call(r.method, r.url.replace(/:\w+/g, '999999'), {
            as: role,
            ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }),
          });
          const allowed = (PERMISSIONS[r.permission as Permission] as readonly Role[]).includes(role);
          if (allowed) assert.ok(res.statusCode !== 401 && res.statusCode !== 403, `${role} ${r.method} ${r.url}: ${res.statusCode} ${res.body}`);
          else {
            assert.equal(res.statusCode, 403, `${role} ${r.method} ${r.url}: ${res.statusCode}`);
            assert.equal(json(res).error.code, 'FORBIDDEN');
          }
        }
      }
    });

    test('login: a session cookie that scripts cannot read, a CSRF token required on unsafe requests, and logout ends the session', async () => {
      const r = await api.call('POST', '/api/auth/login', { body: { email: 'PLANNER@example.com', password: PASSWORD } });
      assert.equal(r.statusCode, 200, r.body);
      const cookie = String(r.headers['set-cookie']);
      assert.match(cookie, /^mtc_session=s_[\w-]{43};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      const session = { cookie: cookie.split(';')[0]!, csrf: json(r).csrfToken as string };
      const me = await api.call('GET', '/api/auth/me', { headers: { cookie: session.cookie } });
      assert.equal(json(me).user.email, 'planner@example.com');
      // what the web app offers comes from here: the planner's permissions, as the table has them, at login and after
      const planner = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => (PERMISSIONS[p] as readonly string[]).includes('planner'));
      assert.ok(planner.includes('lot.plan') && !planner.includes('users.manage'), 'the table gives planners lot.plan and not users.manage');
      assert.deepEqual(json(r).permissions, planner);
      assert.deepEqual(json(me).permissions, planner);
      const noCsrf = await api.call('POST', '/api/tokens', { headers: { cookie: session.cookie }, body: { name: 'x' } });
      assert.equal(noCsrf.statusCode, 403);
      assert.equal(json(noCsrf).error.code, 'CSRF_INVALID');
      const wrongCsrf = await api.call('POST', '/api/tokens', { headers: { cookie: session.cookie, 'x-csrf-token': `${session.csrf}x` }, body: { name: 'x' } });
      assert.equal(wrongCsrf.statusCode, 403);
      const ok = await api.call('POST', '/api/tokens', { headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: { name: 'x' } });
      assert.equal(ok.statusCode, 201, ok.body);
      const out = await api.call('POST', '/api/auth/logout', { headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
      assert.equal(out.statusCode, 204);
      const after = await api.call('GET', '/api/auth/me', { headers: { cookie: session.cookie } });
      assert.equal(after.statusCode, 401);
      assert.equal(json(after).error.code, 'SESSION_EXPIRED');
    });

    test('a wrong password and an unknown email get the same 401; too many attempts get 429', async () => {
      const wrong = await api.call('POST', '/api/auth/login', { body: { email: 'viewer@example.com', password: 'not the password' } });
      const unknown = await api.call('POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: 'not the password' } });
      assert.equal(wrong.statusCode, 401);
      assert.deepEqual(json(wrong), json(unknown));
      assert.equal(json(wrong).error.code, 'LOGIN_FAILED');
      let last = wrong;
      for (let i = 0; i < 6; i++) last = await api.call('POST', '/api/auth/login', { body: { email: 'viewer@example.com', password: 'not the password' } });
      assert.equal(last.statusCode, 429);
      assert.equal(json(last).error.code, 'RATE_LIMITED');
    });

    test('API tokens: shown once, stored only as a hash, listed by prefix, refused once revoked', async () => {
      const made = await api.call('POST', '/api/tokens', { as: 'operator', body: { name: 'nightly import' } });
      assert.equal(made.statusCode, 201, made.body);
      const token = json(made).token as string;
      assert.match(token, /^mtc_[\w-]{43}$/);
      const stored = await api.db.query<{ token_hash: string }>('SELECT token_hash FROM public.api_tokens WHERE id = $1', [json(made).id]);
      assert.notEqual(stored.rows[0]?.token_hash, token);
      assert.doesNotMatch(JSON.stringify((await api.db.query('SELECT * FROM public.api_tokens')).rows), new RegExp(token));
      const listed = json(await api.call('GET', '/api/tokens', { as: 'operator' })) as unknown as { name: string; prefix: string; token?: string }[];
      assert.ok(listed.some((t) => t.name === 'nightly import' && token.startsWith(t.prefix) && t.token === undefined));
      const me = await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal(json(me).user.role, 'operator');
      assert.equal((await api.call('DELETE', `/api/tokens/${json(made).id}`, { as: 'operator' })).statusCode, 204);
      const revoked = await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal(revoked.statusCode, 401);
      assert.equal((await api.call('DELETE', `/api/tokens/${json(made).id}`, { as: 'operator' })).statusCode, 404);
      const malformed = await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Basic abc' } });
      assert.equal(malformed.statusCode, 401);
    });

    test('users: admins create and change them, with field errors, a 409 for a taken email, and every change audited without the password', async () => {
      const bad = await api.call('POST', '/api/users', { as: 'admin', body: { name: '', email: 'not-an-email', role: 'king', password: 'short', extra: 1 } });
      assert.equal(bad.statusCode, 400);
      const paths = (json(bad).error.details.fields as { path: string; message: string }[]).map((f) => f.path);
      for (const p of ['body/name', 'body/email', 'body/role', 'body/password', 'body/extra']) assert.ok(paths.includes(p), `${p} not in ${paths.join(', ')}`);
      assert.ok(
        (json(bad).error.details.fields as { path: string; message: string }[]).some(
          (f) => f.path === 'body/role' && f.message === 'choose one of: admin, planner, operator, viewer',
        ),
      );

      const made = await api.call('POST', '/api/users', {
        as: 'admin',
        body: { name: 'Store Keeper', email: 'keeper@example.com', role: 'operator', password: 'a long enough password' },
      });
      assert.equal(made.statusCode, 201, made.body);
      assert.equal(json(made).hasPassword, true);
      assert.equal('password_hash' in json(made), false);
      const taken = await api.call('POST', '/api/users', {
        as: 'admin',
        body: { name: 'Again', email: 'KEEPER@example.com', role: 'viewer', password: 'a long enough password' },
      });
      assert.equal(taken.statusCode, 409);
      assert.equal(json(taken).error.code, 'EMAIL_TAKEN');

      const keeper = await login(api, 'keeper@example.com', 'a long enough password');
      const changed = await api.call('PATCH', `/api/users/${json(made).userId}`, { as: 'admin', body: { role: 'planner', password: 'another long password' } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(json(changed).role, 'planner');
      assert.equal((await api.call('GET', '/api/auth/me', { headers: { cookie: keeper.cookie } })).statusCode, 401, 'a new password ends the old sessions');
      assert.equal((await api.call('PATCH', '/api/users/999999', { as: 'admin', body: { name: 'x' } })).statusCode, 404);

      const audit = json(await api.call('GET', `/api/audit?entity=user&entityId=${json(made).userId}`, { as: 'admin' }));
      assert.deepEqual(
        (audit.events as { action: string }[]).map((e) => e.action),
        ['update', 'create'],
      );
      const update = audit.events[0] as { before: { role: string }; after: { role: string }; userId: number };
      assert.equal(update.before.role, 'operator');
      assert.equal(update.after.role, 'planner');
      assert.doesNotMatch(JSON.stringify(audit), /argon2|password_hash|another long password/);
      assert.equal((await api.call('GET', '/api/audit', { as: 'planner' })).statusCode, 403);
    });

    test('sessions: admins list the live ones without their tokens, and revoking one makes its cookie get 401 and is audited', async () => {
      const first = await login(api, 'operator@example.com');
      const second = await login(api, 'operator@example.com');
      const operatorId = json(await api.call('GET', '/api/auth/me', { headers: { cookie: first.cookie } })).user.userId as number;
      const listed = await api.call('GET', `/api/sessions?userId=${operatorId}`, { as: 'admin' });
      assert.equal(listed.statusCode, 200, listed.body);
      const sessions = json(listed) as unknown as { id: number; userId: number; email: string; createdAt: string; expiresAt: string; lastSeenAt: string }[];
      assert.equal(sessions.length, 2);
      for (const s of sessions) {
        assert.deepEqual(Object.keys(s).sort(), ['createdAt', 'email', 'expiresAt', 'id', 'lastSeenAt', 'userId']);
        assert.equal(s.userId, operatorId);
        assert.equal(s.email, 'operator@example.com');
        assert.ok(Date.parse(s.expiresAt) > Date.now());
      }
      for (const secret of [first.cookie.split('=')[1]!, first.csrf, second.cookie.split('=')[1]!, second.csrf])
        assert.ok(!listed.body.includes(secret), 'a session secret was listed');
      const everyone = json(await api.call('GET', '/api/sessions', { as: 'admin' })) as unknown as { id: number }[];
      assert.ok(sessions.every((s) => everyone.some((e) => e.id === s.id)));
      assert.equal((await api.call('GET', '/api/sessions', { as: 'planner' })).statusCode, 403);
      assert.equal((await api.call('GET', '/api/sessions', { headers: { cookie: first.cookie } })).statusCode, 403, 'an operator cannot list sessions');

      // Newest first: the second login is listed first.
      const [newer, older] = sessions;
      assert.equal((await api.call('DELETE', `/api/sessions/${older!.id}`, { as: 'admin' })).statusCode, 204);
      const refused = await api.call('GET', '/api/auth/me', { headers: { cookie: first.cookie } });
      assert.equal(refused.statusCode, 401);
      assert.equal(json(refused).error.code, 'SESSION_EXPIRED');
      assert.equal((await api.call('GET', '/api/auth/me', { headers: { cookie: second.cookie } })).statusCode, 200, 'the other session lives on');
      assert.deepEqual(
        (json(await api.call('GET', `/api/sessions?userId=${operatorId}`, { as: 'admin' })) as unknown as { id: number }[]).map((s) => s.id),
        [newer!.id],
      );

      const again = await api.call('DELETE', `/api/sessions/${older!.id}`, { as: 'admin' });
      assert.equal(again.statusCode, 404);
      assert.equal(json(again).error.code, 'NOT_FOUND');
      assert.equal((await api.call('DELETE', '/api/sessions/999999', { as: 'admin' })).statusCode, 404);

      const adminId = json(await api.call('GET', '/api/auth/me', { as: 'admin' })).user.userId as number;
      const audit = json(await api.call('GET', `/api/audit?entity=session&entityId=${older!.id}`, { as: 'admin' }));
      assert.deepEqual(
        (audit.events as { action: string; userId: number; before: { userId: number } }[]).map((e) => [e.action, e.userId, e.before.userId]),
        [['delete', adminId, operatorId]],
      );
      assert.ok(!JSON.stringify(audit).includes(first.csrf));
    });

    test('failed logins are audited with the email tried and the address, as the account they name if any, never with the password', async () => {
      const planner = json(await api.call('GET', '/api/auth/me', { as: 'planner' })).user.userId as number;
      const secret = 'not-the-planner-password';
      assert.equal(
        (await api.call('POST', '/api/auth/login', { body: { email: ' Planner@Example.com', password: secret } })).statusCode,
        400,
        'an email with a space is not an email',
      );
      assert.equal((await api.call('POST', '/api/auth/login', { body: { email: 'Planner@Example.com', password: secret } })).statusCode, 401);
      assert.equal((await api.call('POST', '/api/auth/login', { body: { email: 'ghost@example.com', password: secret } })).statusCode, 401);
      const rows = await api.db.query<{ user_id: number | null; entity: string; after: { email: string; ip: string }; text: string }>(
        `SELECT user_id, entity, after, row_to_json(a)::text AS text FROM public.audit_events a WHERE action = 'login_failed' AND after->>'email' IN ('planner@example.com', 'ghost@example.com') ORDER BY id`,
      );
      assert.deepEqual(
        rows.rows.map((r) => [r.user_id, r.entity, r.after.email, r.after.ip]),
        [
          [planner, 'session', 'planner@example.com', '127.0.0.1'],
          [null, 'session', 'ghost@example.com', '127.0.0.1'],
        ],
      );
      for (const r of rows.rows) assert.ok(!r.text.includes(secret), 'the password tried was stored');
      const listed = await api.call('GET', '/api/audit?action=login_failed', { as: 'admin' });
      assert.equal(listed.statusCode, 200, listed.body);
      const emails = (json(listed).events as { action: string; after: { email: string } }[]).map((e) => [e.action, e.after.email]);
      assert.deepEqual(
        emails.slice(0, 2),
        [
          ['login_failed', 'ghost@example.com'],
          ['login_failed', 'planner@example.com'],
        ],
        'admins filter the trail by action',
      );
    });

    test('deactivating an account ends its sessions and tokens and refuses its logins until it is reactivated; both audited', async () => {
      const made = json(
        await api.call('POST', '/api/users', { as: 'admin', body: { name: 'Leaving', email: 'leaving@example.com', role: 'operator', password: PASSWORD } }),
      );
      const session = await login(api, 'leaving@example.com');
      const token = json(await api.call('POST', '/api/tokens', { headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: { name: 'script' } }))
        .token as string;
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await api.call('GET', '/api/auth/me', { headers: bearer })).statusCode, 200);

      const off = await api.call('POST', `/api/users/${made.userId}/deactivate`, { as: 'admin' });
      assert.equal(off.statusCode, 200, off.body);
      assert.ok(Date.parse(json(off).deactivatedAt) > 0);
      assert.equal((await api.call('GET', '/api/auth/me', { headers: { cookie: session.cookie } })).statusCode, 401, 'the session outlived the account');
      assert.equal((await api.call('GET', '/api/auth/me', { headers: bearer })).statusCode, 401, 'the token outlived the account');
      const refused = await api.call('POST', '/api/auth/login', { body: { email: 'leaving@example.com', password: PASSWORD } });
      assert.equal(refused.statusCode, 401);
      assert.equal(json(refused).error.code, 'LOGIN_FAILED', 'a deactivated account answers like a wrong password');

      const twice = await api.call('POST', `/api/users/${made.userId}/deactivate`, { as: 'admin' });
      assert.equal(twice.statusCode, 409);
      assert.equal(json(twice).error.code, 'ALREADY_DEACTIVATED');
      const adminId = json(await api.call('GET', '/api/auth/me', { as: 'admin' })).user.userId as number;
      const self = await api.call('POST', `/api/users/${adminId}/deactivate`, { as: 'admin' });
      assert.equal(self.statusCode, 409);
      assert.equal(json(self).error.code, 'SELF_DEACTIVATION');
      assert.equal((await api.call('POST', '/api/users/999999/deactivate', { as: 'admin' })).statusCode, 404);
      assert.equal((await api.call('POST', `/api/users/${made.userId}/deactivate`, { as: 'planner' })).statusCode, 403);

      const on = await api.call('POST', `/api/users/${made.userId}/reactivate`, { as: 'admin' });
      assert.equal(on.statusCode, 200, on.body);
      assert.equal(json(on).deactivatedAt, null);
      await login(api, 'leaving@example.com');
      assert.equal((await api.call('GET', '/api/auth/me', { headers: bearer })).statusCode, 401, 'a revoked token stays revoked');
      const again = await api.call('POST', `/api/users/${made.userId}/reactivate`, { as: 'admin' });
      assert.equal(again.statusCode, 409);
      assert.equal(json(again).error.code, 'NOT_DEACTIVATED');

      const audit = json(await api.call('GET', `/api/audit?entity=user&entityId=${made.userId}`, { as: 'admin' }));
      assert.deepEqual(
        (audit.events as { action: string; userId: number }[]).map((e) => [e.action, e.userId]),
        [
          ['reactivate', adminId],
          ['deactivate', adminId],
          ['create', adminId],
        ],
      );
    });

    test('a role change applies to the user’s live sessions at once: the role is read on every request', async () => {
      const made = json(
        await api.call('POST', '/api/users', { as: 'admin', body: { name: 'Shifting', email: 'shifting@example.com', role: 'planner', password: PASSWORD } }),
      );
      const session = await login(api, 'shifting@example.com');
      assert.equal((await api.call('GET', '/api/audit', { headers: { cookie: session.cookie } })).statusCode, 403);
      assert.equal((await api.call('PATCH', `/api/users/${made.userId}`, { as: 'admin', body: { role: 'admin' } })).statusCode, 200);
      assert.equal((await api.call('GET', '/api/audit', { headers: { cookie: session.cookie } })).statusCode, 200);
      assert.equal((await api.call('PATCH', `/api/users/${made.userId}`, { as: 'admin', body: { role: 'viewer' } })).statusCode, 200);
      assert.equal((await api.call('GET', '/api/audit', { headers: { cookie: session.cookie } })).statusCode, 403);
    });

    test('one error shape: unknown routes, malformed JSON, wrong content type', async () => {
      const missing = await api.call('GET', '/api/nothing-here', { as: 'admin' });
      assert.equal(missing.statusCode, 404);
      assert.equal(json(missing).error.code, 'NOT_FOUND');
      const broken = await api.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email": ' });
      assert.equal(broken.statusCode, 400);
      assert.deepEqual(json(broken).error, { code: 'INVALID_JSON', message: 'the body is not valid JSON: check its quotes, commas and brackets', details: {} });
      const empty = await api.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' });
      assert.equal(json(empty).error.code, 'INVALID_JSON');
      assert.match(json(empty).error.message, /it is empty/);
      const text = await api.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
      assert.equal(text.statusCode, 400);
      assert.equal(json(text).error.code, 'INVALID_INPUT');
      const xml = await api.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
      assert.equal(xml.statusCode, 415);
      assert.equal(json(xml).error.code, 'UNSUPPORTED_MEDIA_TYPE');
    });

    test('each request has an id: taken from x-request-id or made, sent back, and on every log line of the request', async () => {
      const lines: string[] = [];
      const logged = await buildServer({ db: api.db, plan: api.plan, logger: { level: 'info', stream: { write: (l: string) => void lines.push(l) } } });
      try {
        const r = await logged.inject({ method: 'GET', url: '/api/users', headers: { 'x-request-id': 'support-ticket-42' } });
        assert.equal(r.statusCode, 401);
        assert.equal(r.headers['x-request-id'], 'support-ticket-42');
        const mine = lines.map((l) => JSON.parse(l) as { reqId?: string; msg: string }).filter((l) => l.reqId === 'support-ticket-42');
        assert.ok(mine.some((l) => l.msg === 'incoming request') && mine.some((l) => l.msg === 'request completed'), lines.join(''));
        const made = await logged.inject({ method: 'GET', url: '/health' });
        assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);
        // an id a caller sends is echoed, logged and kept in the audit trail: only a well-formed one is taken
        for (const bad of ['<script>alert(1)</script>', 'x'.repeat(129), 'two words', 'ticket\t42', 'ünïcode', '"quoted"', '']) {
          const r = await logged.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': bad } });
          assert.match(String(r.headers['x-request-id']), /^[0-9a-f-]{36}$/, `${JSON.stringify(bad)} was taken as the request id`);
        }
        for (const good of ['support-ticket-42', 'b7f3c1d2-5e6a-4b8c-9d0e-1f2a3b4c5d6e', '01HZX3K8Q9V7T2', 'trace.span:1', 'x'.repeat(128)]) {
          const r = await logged.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': good } });
          assert.equal(r.headers['x-request-id'], good);
        }
        // and what the audit trail keeps is the id the request had
        const login = await logged.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'x-request-id': '<b>hi</b>' },
          payload: { email: 'viewer@example.com', password: 'wrong password' },
        });
        const kept = await api.db.query<{ request_id: string }>(
          `SELECT request_id FROM public.audit_events WHERE action = 'login_failed' ORDER BY id DESC LIMIT 1`,
        );
        assert.equal(kept.rows[0]?.request_id, login.headers['x-request-id']);
        assert.match(kept.rows[0]!.request_id, /^[0-9a-f-]{36}$/);
      } finally {
        await logged.close();
      }
    });

    test('the API explorer at /api/docs runs only its own scripts and is never framed; nothing else is framed either', async () => {
      const page = await api.app.inject({ method: 'GET', url: '/api/docs' });
      assert.equal(page.statusCode, 200);
      const csp = String(page.headers['content-security-policy']);
      for (const directive of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"])
        assert.ok(csp.includes(directive), `${directive} not in ${csp}`);
      assert.equal(page.headers['x-frame-options'], 'DENY');
      // the page's scripts are files of its own origin: an inline one would be blocked by that policy
      const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.ok(scripts.length > 0);
      for (const [, attributes, inline] of scripts) {
        assert.match(attributes!, /src="\.?\/?[\w./-]+"/, 'a script with no src');
        assert.equal(inline!.trim(), '', 'an inline script');
      }
      for (const url of ['/api/docs/json', '/health', '/api/users'])
        assert.equal((await api.app.inject({ method: 'GET', url })).headers['x-frame-options'], 'DENY', url);
    });

    test('a URL that is not one (a broken %-escape) is a 400 in the one error shape', async () => {
      for (const url of ['/api/items/%E0%A4%A', '/api/items?q=%', '/%ZZ']) {
        const r = await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${api.tokens.admin}` } });
        if (r.statusCode === 200) continue; // a query string's stray % is read as it is
        assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
        assert.deepEqual(Object.keys(json(r)), ['error']);
        assert.equal(json(r).error.code, 'BAD_URL');
        assert.match(json(r).error.message, /each % must start an escape/);
      }
      const r = await api.app.inject({ method: 'GET', url: '/api/items/%E0%A4%A', headers: { authorization: `Bearer ${api.tokens.admin}` } });
      assert.equal(json(r).error.code, 'BAD_URL');
    });

    test('the OpenAPI document at /api/docs/json lists every route with its schemas', async () => {
      const doc = json(await api.call('GET', '/api/docs/json'));
      assert.equal(doc.openapi.startsWith('3.'), true);
      for (const r of api.app.routeTable.filter((x) => x.url.startsWith('/api/') && !x.url.startsWith('/api/docs'))) {
        const path = r.url.replace(/:(\w+)/g, '{$1}');
        assert.ok(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path} is not in the document`);
      }
    });

    test('the document says which request bodies may be left out, truly: a body it marks required is refused when missing (400), one it marks optional is not', async () => {
      const doc = json(await api.call('GET', '/api/docs/json'));
      const optional: string[] = [];
      let required = 0;
      for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { requestBody?: { required?: boolean; content: object } }>>)) {
        for (const [method, op] of Object.entries(operations)) {
          if (!op.requestBody || !('application/json' in op.requestBody.content)) continue;
          // No such row: a request that passes validation is answered 404 (or 409 for what is not there to change), never 400.
          const res = await api.call(method.toUpperCase(), path.replace(/\{\w+\}/g, '999999'), { as: 'admin' });
          const said = `${method.toUpperCase()} ${path} without a body: ${res.statusCode} ${res.body.slice(0, 200)}`;
          if (op.requestBody.required === false) {
            optional.push(`${method.toUpperCase()} ${path}`);
            assert.notEqual(res.statusCode, 400, said);
          } else {
            required++;
            assert.equal(op.requestBody.required, true, `${method.toUpperCase()} ${path} says whether its body is required`);
            assert.equal(res.statusCode, 400, said);
          }
        }
      }
      assert.ok(required > 20, `${required} routes require a body`);
      // Completing a lot (what it yielded, and why, both optional) and an import's moves with an optional reason.
      assert.ok(optional.includes('POST /api/lots/{id}/complete'), `the bodies the document marks optional: ${optional.join(', ')}`);
    });

    test('/ready says 503 when the schema was changed by hand since the last migration', async () => {
      await api.db.exec('CREATE INDEX hand_made ON public.users (name)');
      try {
        const r = await api.call('GET', '/ready');
        assert.equal(r.statusCode, 503);
        assert.match(json(r).reason, /changed by hand/);
      } finally {
        await api.db.exec('DROP INDEX public.hand_made');
      }
      assert.equal((await api.call('GET', '/ready')).statusCode, 200);
    });
  });
}
