// What login limits and account deactivation promise when many requests, or many servers,
// come at once: the allowance is counted as the account lookup folds an email, per address
// over all accounts, and in the database that every server shares; a session or token made
// while its account is being deactivated does not outlive the deactivation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/open.ts';
import type { Database } from '../../src/db/types.ts';
import { buildServer } from '../../src/http/server.ts';
import type { App } from '../../src/http/server.ts';
import { createApiToken, createUser } from '../../src/app/access/accounts.ts';
import { backends } from '../helpers/backends.ts';
import { PASSWORD, testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

/** One login attempt through `app`, from `address`. */
const attempt = (app: App, email: string, password = 'not the password', address = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: address, payload: { email, password } });

for (const backend of backends) {
  describe(`login limits and deactivation races on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let serial = 0;
    /** A server of its own on the test's database, with these limits (each test its own addresses). */
    const servers: App[] = [];
    const server = async (db: Database, perAccount: number, perAddress: number) => {
      const app = await buildServer({ db, plan: api.plan, loginLimits: { perAccount, perAddress } });
      servers.push(app);
      return app;
    };
    const address = () => `10.0.${Math.floor(++serial / 250)}.${serial % 250}`;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      for (const s of servers) await s.close();
      await api?.close();
    });

    test('the allowance of an account is counted as PostgreSQL folds its email: "vİewer@…" and "VIEWER@…" spend viewer@…’s tries', async () => {
      const app = await server(api.db, 3, 1000);
      const from = address();
      for (let i = 0; i < 3; i++) assert.equal((await attempt(app, 'viewer@example.com', 'wrong password', from)).statusCode, 401);
      // the account lookup finds viewer@example.com for each of these (lower() folds İ to i), so each is a fourth try at it
      for (const spelling of ['vİewer@example.com', 'VIEWER@EXAMPLE.COM', 'Viewer@Example.com']) {
        const same = await api.db.query<{ same: boolean }>('SELECT lower($1) = lower($2) AS same', [spelling, 'viewer@example.com']);
        assert.equal(same.rows[0]?.same, true, `PostgreSQL folds ${spelling} to viewer@example.com`);
        const r = await attempt(app, spelling, PASSWORD, from);
        assert.equal(r.statusCode, 429, `${spelling}: ${r.body}`);
        assert.equal(json(r).error.code, 'RATE_LIMITED');
        assert.match(String(r.headers['retry-after']), /^\d+$/);
        assert.ok(Number(r.headers['retry-after']) >= 1 && Number(r.headers['retry-after']) <= 60);
      }
      // another account from the same address is not held back by viewer's count
      assert.equal((await attempt(app, 'planner@example.com', PASSWORD, from)).statusCode, 200);
      // nor is viewer from another address
      assert.equal((await attempt(app, 'viewer@example.com', PASSWORD, address())).statusCode, 200);
    });

    test('one address has an allowance over all accounts: trying many emails is refused past it', async () => {
      const app = await server(api.db, 1000, 5);
      const from = address();
      const answers: number[] = [];
      for (let i = 0; i < 8; i++) answers.push((await attempt(app, `someone${i}@example.com`, 'x', from)).statusCode);
      assert.deepEqual(answers, [401, 401, 401, 401, 401, 429, 429, 429]);
      // a refused attempt is refused before any password is checked: even the right one
      assert.equal((await attempt(app, 'admin@example.com', PASSWORD, from)).statusCode, 429);
      assert.equal((await attempt(app, 'admin@example.com', PASSWORD, address())).statusCode, 200);
    });

    test('two servers on one database share one allowance instead of doubling it', async () => {
      // on a server, the second one has a connection of its own, as a second `mtc serve` would;
      // an embedded database is opened by one process only, so there the two share it
      const second: Database = backend.name === 'postgres' ? await openDatabase(api.url) : api.db;
      try {
        const one = await server(api.db, 4, 1000);
        const two = await server(second, 4, 1000);
        const from = address();
        const answers: number[] = [];
        for (let i = 0; i < 6; i++) answers.push((await attempt(i % 2 === 0 ? one : two, 'operator@example.com', 'wrong', from)).statusCode);
        assert.deepEqual(answers, [401, 401, 401, 401, 429, 429]);
      } finally {
        if (second !== api.db) {
          await servers.pop()!.close();
          await second.close();
        }
      }
    });

    test('counters of ended windows are swept as logins come, so the table does not grow with every address ever seen', async () => {
      await api.db.query(
        `INSERT INTO public.login_attempts (key, window_start, attempts) SELECT 'address 192.0.2.' || g, now() - interval '2 minutes', 1 FROM generate_series(1, 150) g`,
      );
      const app = await server(api.db, 1000, 1000);
      await attempt(app, 'nobody@example.com', 'x', address());
      const stale = await api.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.login_attempts WHERE window_start <= now() - interval '1 minute'`);
      assert.ok(stale.rows[0]!.n <= 50, `${stale.rows[0]!.n} ended windows left after one login`);
    });

    test('API tokens made while their owner is being deactivated do not survive it: after reactivation none of them works', async () => {
      const user = await createUser(api.db, { name: 'Racer', email: `racer${++serial}@example.com`, role: 'operator', password: PASSWORD }, CLI_ACTOR);
      const own = (await createApiToken(api.db, user.userId, 'first', CLI_ACTOR)).token;
      const made = Array.from({ length: 30 }, (_, i) =>
        api.app.inject({ method: 'POST', url: '/api/tokens', headers: { authorization: `Bearer ${own}` }, payload: { name: `race ${i}` } }),
      );
      const deactivated = api.call('POST', `/api/users/${user.userId}/deactivate`, { as: 'admin' });
      const answers = await Promise.all(made);
      assert.equal((await deactivated).statusCode, 200);
      for (const r of answers) assert.ok([201, 401].includes(r.statusCode), `${r.statusCode} ${r.body}`);
      assert.equal((await api.call('POST', `/api/users/${user.userId}/reactivate`, { as: 'admin' })).statusCode, 200);
      const live = await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.api_tokens WHERE user_id = $1 AND revoked_at IS NULL', [
        user.userId,
      ]);
      assert.equal(live.rows[0]!.n, 0, 'a token made during the deactivation outlived it');
      for (const r of answers.filter((a) => a.statusCode === 201)) {
        const me = await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${json(r).token}` } });
        assert.equal(me.statusCode, 401);
      }
    });

    test('two admins adding one email at once (any case) get one user and a 409 each other time, never a 500', async () => {
      const email = `same${++serial}@example.com`;
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          api.call('POST', '/api/users', {
            as: 'admin',
            body: { name: `Same ${i}`, email: i % 2 ? email.toUpperCase() : email, role: 'viewer', password: PASSWORD },
          }),
        ),
      );
      assert.deepEqual(answers.map((r) => r.statusCode).sort(), [201, ...Array(11).fill(409)]);
      for (const r of answers.filter((a) => a.statusCode === 409)) assert.equal(json(r).error.code, 'EMAIL_TAKEN');
      const rows = await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.users WHERE lower(email) = lower($1)', [email]);
      assert.equal(rows.rows[0]!.n, 1);
    });

    test('sessions opened while their account is being deactivated do not survive it either', async () => {
      const email = `racer${++serial}@example.com`;
      const user = await createUser(api.db, { name: 'Racer', email, role: 'operator', password: PASSWORD }, CLI_ACTOR);
      const app = await server(api.db, 1000, 1000);
      // logins started one after another over the moment the deactivation happens, so that some
      // are between their password check and their session when it commits
      const pause = () => new Promise((r) => setTimeout(r, 5));
      const logins: ReturnType<typeof attempt>[] = [];
      for (let i = 0; i < 20; i++) {
        logins.push(attempt(app, email, PASSWORD, address()));
        await pause();
      }
      const deactivated = api.call('POST', `/api/users/${user.userId}/deactivate`, { as: 'admin' });
      for (let i = 0; i < 20; i++) {
        logins.push(attempt(app, email, PASSWORD, address()));
        await pause();
      }
      const answers = await Promise.all(logins);
      assert.equal((await deactivated).statusCode, 200);
      for (const r of answers) assert.ok([200, 401].includes(r.statusCode), `${r.statusCode} ${r.body}`);
      assert.equal((await api.call('POST', `/api/users/${user.userId}/reactivate`, { as: 'admin' })).statusCode, 200);
      const live = await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.user_sessions WHERE user_id = $1', [user.userId]);
      assert.equal(live.rows[0]!.n, 0, 'a session opened during the deactivation outlived it');
    });
  });
}
