// mtc serve --first-admin (npm start passes it on the embedded database): while no one can
// log in it makes the admin and prints the address, email and password once the server
// listens; afterwards it only says where to log in and what to do about a lost password.
// Without the option nobody is made. On both backends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../src/app/access/accounts.ts';
import { backends, withOpen } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { listeningAddress, migratedByMtc, startMtc } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';

/** The start-up summary's last part: what it says about logging in. */
const ADVICE = /listening on [^\n]*\n[^]*?(?:note it now[^\n]*\n[^\n]*\n|mtc serve: (?:log in at|no one can log in)[^\n]*\n)/;

/** Runs `mtc serve` on the database until it has said how to log in, runs `whileServing` with its address and what it said, stops it; what it wrote. */
async function serve(
  url: string,
  args: readonly string[],
  whileServing: (address: string, said: string) => Promise<void> = async () => {},
): Promise<CliResult> {
  const s = startMtc(['serve', '--port', '0', '--import-workers', '0', '--log-format', 'json', '--database', url, ...args], { env: { LOG_LEVEL: 'warn' } });
  let said = '';
  s.child.stderr?.on('data', (d: Buffer) => (said += d.toString()));
  try {
    const address = await listeningAddress(s.child);
    await waitFor(async () => ADVICE.test(said), 'the advice on logging in');
    await whileServing(address, said);
  } finally {
    s.child.kill('SIGTERM');
  }
  const r = await s.done;
  assert.equal(r.code, 0, r.stderr);
  return r;
}

const loginStatus = async (address: string, email: string, password: string) =>
  (await fetch(`${address}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }))
    .status;

for (const backend of backends) {
  describe(`mtc serve --first-admin on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    const userCount = () => withOpen(db, async (d) => (await d.query<{ n: number }>('SELECT count(*)::int AS n FROM public.users')).rows[0]!.n);
    before(async () => {
      db = await migratedByMtc(backend);
    });
    after(async () => {
      await db?.drop();
    });

    test('without it no one is made: the server says how to make the first admin', async () => {
      const r = await serve(db.url, []);
      assert.match(r.stderr, /mtc serve: no one can log in yet: create the first admin with +npx mtc user add --role admin/);
      assert.equal(await userCount(), 0);
    });

    test('with it: the first start makes the admin and prints address, email and password after listening; the next prints no password', async () => {
      let password = '';
      const first = await serve(db.url, ['--first-admin', 'owner@localhost'], async (address, said) => {
        const m = /Log in at (http:\/\/[\d.:]+)\/ as the first admin:\n {4}email {5}owner@localhost\n {4}password {2}(\S+)\n/.exec(said);
        assert.ok(m);
        assert.equal(m[1], address);
        password = m[2]!;
        assert.equal(await loginStatus(address, 'owner@localhost', password), 200);
      });
      assert.match(first.stderr, /listening on [^\n]+\n\n {2}Log in at/, 'the login follows the address');
      assert.match(first.stderr, /The password is shown only this once/);
      assert.equal(await userCount(), 1);

      const second = await serve(db.url, ['--first-admin', 'owner@localhost'], async (address) => {
        assert.equal(await loginStatus(address, 'owner@localhost', password), 200);
      });
      assert.ok(!second.stderr.includes(password), second.stderr);
      assert.match(
        second.stderr,
        /mtc serve: log in at http:\/\/[\d.:]+\/ as owner@localhost \(the password shown on the first start; lost it\? run +npx mtc user set-password --email owner@localhost +\(it works while the server runs\)\)/,
      );
      assert.equal(await userCount(), 1);

      // Someone else can log in: a first admin by another address is not made either, and not named.
      const other = await serve(db.url, ['--first-admin', 'someone@localhost']);
      assert.match(other.stderr, /mtc serve: log in at http:\/\/[\d.:]+\/\n/);
      assert.equal(await userCount(), 1);
    });

    test('when no one can log in and the email is taken by an account without a password, it makes nobody, says how to set one, and serves', async () => {
      await withOpen(db, async (d) => {
        await d.exec('TRUNCATE public.users CASCADE');
        await createUser(d, { name: 'Owner', email: 'owner@localhost', role: 'admin' }, CLI_ACTOR);
      });
      const r = await serve(db.url, ['--first-admin', 'owner@localhost'], async (address) => {
        assert.equal((await fetch(`${address}/health`)).status, 200);
      });
      assert.match(
        r.stderr,
        /mtc serve: no one can log in, and owner@localhost exists without a password \(or is deactivated\), so no first admin was made: run +npx mtc user set-password --email owner@localhost +\(it works while the server runs\)/,
      );
      assert.doesNotMatch(r.stderr, /password {2}/);
      assert.equal(await userCount(), 1);
    });
  });
}
