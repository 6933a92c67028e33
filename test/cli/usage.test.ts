// How mtc is called: help, usage errors (exit 2), connection failures (exit 3), lint on its own.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { mtc } from '../helpers/cli.ts';

const FIX = 'test/fixtures/migrations';

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('mtc command line', () => {
  test('--help lists every command, and every command has its own --help', async () => {
    const help = await mtc(['--help']);
    assert.equal(help.code, 0);
    for (const c of ['migrate', 'status', 'plan', 'lint', 'render', 'graph', 'verify', 'check', 'diff', 'squash']) {
      assert.match(help.stdout, new RegExp(`\\n  ${c} `));
      const own = await mtc([c, '--help']);
      assert.equal(own.code, 0, c);
      assert.match(own.stdout, new RegExp(`^Usage: mtc ${c}`));
    }
  });

  test('an unknown command or option is a usage error: exit 2', async () => {
    const r = await mtc(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    const none = await mtc([]);
    assert.equal(none.code, 2);
    // commands are looked up among the commands, never among what every object inherits
    for (const name of ['constructor', '__proto__', 'toString']) {
      const inherited = await mtc([name]);
      assert.equal(inherited.code, 2, `${name}: ${inherited.stderr}`);
      assert.match(inherited.stderr, new RegExp(`unknown command "${name}"`));
    }
    const kind = await mtc(['import', 'test/fixtures/imports/ragged.csv', '--kind', 'constructor', '--database', 'memory://']);
    assert.equal(kind.code, 2, kind.stderr);
    assert.match(kind.stderr, /unknown import kind "constructor": use items, suppliers, rates/);
  });

  test('a missing migrations directory is a usage error: exit 2, naming it', async () => {
    const r = await mtc(['lint', '--migrations', 'no/such/dir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /migrations directory no\/such\/dir does not exist/);
  });

  test('a server that cannot be reached: exit 3, with --json an error object', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`;
    const r = await mtc(['migrate', '--database', url, '--migrations', `${FIX}/five-third-fails`]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /could not connect to the database: .*ECONNREFUSED/);
    const s = await mtc(['status', '--json', '--database', url, '--migrations', `${FIX}/five-third-fails`]);
    assert.equal(s.code, 3);
    const out = JSON.parse(s.stdout) as { error: { code: string; message: string } };
    assert.equal(out.error.code, 'CONNECTION_FAILED');
  });

  test('mtc lint: exit 0 on clean files, 1 on errors, --json findings, FILES narrows the report', async () => {
    const clean = await mtc(['lint', '--migrations', `${FIX}/alter-before-create-fixed`]);
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /3 files checked: 0 errors/);
    const broken = await mtc(['lint', '--json', '--migrations', `${FIX}/alter-before-create-broken`]);
    assert.equal(broken.code, 1);
    const report = JSON.parse(broken.stdout) as { errors: number; findings: { code: string; file: string; line: number; relation?: string }[] };
    assert.equal(report.errors, 1);
    assert.equal(report.findings[0]?.code, 'UNDECLARED_DEPENDENCY');
    assert.match(report.findings[0]?.file ?? '', /0002_fix_lot_status\.sql$/);
    const one = await mtc(['lint', '--migrations', `${FIX}/alter-before-create-broken`, `${FIX}/alter-before-create-broken/0001_users.sql`]);
    assert.equal(one.code, 0, one.stdout);
    assert.match(one.stdout, /1 file checked: 0 errors/);
    const unknown = await mtc(['lint', '--migrations', `${FIX}/alter-before-create-broken`, 'nope.sql']);
    assert.equal(unknown.code, 2);
  });

  test('mtc render without a database: --all and --from ID in plan order; an unknown --from is exit 2', async () => {
    const all = await mtc(['render', '--all', '--migrations', `${FIX}/alter-before-create-fixed`]);
    assert.equal(all.code, 0, all.stderr);
    const order = [...all.stdout.matchAll(/^-- ===== (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(order, ['0001_users', '0003_production_lots', '0002_fix_lot_status']);
    assert.match(all.stdout, /\\if :mtc_pending/);
    const from = await mtc(['render', '--from', '0003_production_lots', '--migrations', `${FIX}/alter-before-create-fixed`]);
    assert.deepEqual(
      [...from.stdout.matchAll(/^-- ===== (\S+)/gm)].map((m) => m[1]),
      ['0003_production_lots', '0002_fix_lot_status'],
    );
    const bad = await mtc(['render', '--from', 'nope', '--migrations', `${FIX}/alter-before-create-fixed`]);
    assert.equal(bad.code, 2);
  });
});
