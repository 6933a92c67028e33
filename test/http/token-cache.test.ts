import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '../../src/app/access/accounts.ts';
import { TokenCache } from '../../src/http/token-cache.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

const HOUR = 3_600_000;
const userId = async (api: TestApi, email: string) =>
  (await api.db.query<{ user_id: number }>('SELECT user_id FROM public.users WHERE email = $1', [email])).rows[0]!.user_id;

for (const backend of backends) {
  describe(`API token lookups kept for a moment on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let clock = 0;
    before(async () => {
      // A cache that would trust a lookup for an hour: only its emptying can make these tests pass.
      api = await testApi(backend, { tokenCache: { maxAgeMs: HOUR, now: () => clock } });
    });
    after(async () => {
      await api?.close();
    });

    test('a token revoked through this server is refused on its very next request', async () => {
      const made = JSON.parse((await api.call('POST', '/api/tokens', { as: 'operator', body: { name: 'burst' } })).body) as { id: number; token: string };
      const bearer = { authorization: `Bearer ${made.token}` };
      assert.equal((await api.call('GET', '/api/items', { headers: bearer })).statusCode, 200);
      assert.equal((await api.call('GET', '/api/items', { headers: bearer })).statusCode, 200);
      assert.equal((await api.call('DELETE', `/api/tokens/${made.id}`, { headers: bearer })).statusCode, 204);
      const after = await api.call('GET', '/api/items', { headers: bearer });
      assert.equal(after.statusCode, 401);
      assert.equal(JSON.parse(after.body).error.code, 'UNAUTHENTICATED');
    });

    test("a user's new role and their deactivation through this server hold from the next request", async () => {
      const planner = await userId(api, 'planner@example.com');
      assert.equal((await api.call('POST', '/api/items', { as: 'planner', body: { name: 'Cache shelf' } })).statusCode, 201);
      assert.equal((await api.call('PATCH', `/api/users/${planner}`, { as: 'admin', body: { role: 'viewer' } })).statusCode, 200);
      const asViewer = await api.call('POST', '/api/items', { as: 'planner', body: { name: 'Cache shelf 2' } });
      assert.equal(asViewer.statusCode, 403, asViewer.body);
      assert.equal((await api.call('GET', '/api/items', { as: 'planner' })).statusCode, 200);
      assert.equal((await api.call('POST', `/api/users/${planner}/deactivate`, { as: 'admin' })).statusCode, 200);
      assert.equal((await api.call('GET', '/api/items', { as: 'planner' })).statusCode, 401);
    });

    test('a token revoked elsewhere (another server, the command line, SQL) is refused here once the lookup is older than its limit', async () => {
      assert.equal((await api.call('GET', '/api/items', { as: 'viewer' })).statusCode, 200);
      await api.db.query(
        "UPDATE public.api_tokens SET revoked_at = now() WHERE user_id = (SELECT user_id FROM public.users WHERE email = 'viewer@example.com')",
      );
      // Within the limit this server has not heard of it: the documented trade-off.
      assert.equal((await api.call('GET', '/api/items', { as: 'viewer' })).statusCode, 200);
      clock += HOUR;
      assert.equal((await api.call('GET', '/api/items', { as: 'viewer' })).statusCode, 401);
    });

    test('an unknown token is asked about every time, never kept', async () => {
      const bearer = { authorization: 'Bearer mtc_nothing_of_the_kind' };
      assert.equal((await api.call('GET', '/api/items', { headers: bearer })).statusCode, 401);
      assert.equal((await api.call('GET', '/api/items', { headers: bearer })).statusCode, 401);
    });
  });
}

describe('the token cache itself', () => {
  const user = { userId: 1, name: 'A', email: 'a@example.com', role: 'admin', hasPassword: false, createdAt: '', deactivatedAt: null } satisfies User;

  test('a lookup under way when the cache is emptied is not kept: the next request asks again', async () => {
    const cache = new TokenCache({ maxAgeMs: HOUR, now: () => 0 });
    let asked = 0;
    let answer!: (u: User) => void;
    const slow = cache.user('h', () => {
      asked++;
      return new Promise<User>((resolve) => {
        answer = resolve;
      });
    });
    cache.clear();
    answer(user);
    assert.equal(await slow, user);
    await cache.user('h', async () => (asked++, null));
    assert.equal(asked, 2);
  });

  test('a fresh lookup is reused; an expired one is asked again', async () => {
    let clock = 0;
    const cache = new TokenCache({ maxAgeMs: 1000, now: () => clock });
    let asked = 0;
    const lookUp = async () => (asked++, user);
    await cache.user('h', lookUp);
    clock = 999;
    await cache.user('h', lookUp);
    assert.equal(asked, 1);
    clock = 1000;
    await cache.user('h', lookUp);
    assert.equal(asked, 2);
  });
});
