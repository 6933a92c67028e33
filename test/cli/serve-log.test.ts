// mtc serve's log as a person and as a machine read it: on a terminal (a real pseudo-terminal,
// from util-linux `script`) one short line per request (time, method, path, status,
// milliseconds, request id); piped, pino's JSON lines as before; --log-format chooses either
// way whatever stdout is. On both backends.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { MTC, ROOT, migratedByMtc } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** A running `mtc serve --port 0`: everything it has written so far, its address, and a way to stop it. */
interface Running {
  output(): string;
  address: string;
  stop(): Promise<void>;
}

/**
 * Starts `mtc serve` on the database, on a pseudo-terminal (stdout and stderr both go to it,
 * and come back as one text) or piped (stdout alone is what output() gives); resolves once it
 * listens.
 */
async function serve(url: string, args: readonly string[], on: 'terminal' | 'pipe'): Promise<Running> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.NO_COLOR;
  delete env.LOG_LEVEL;
  const argv = [MTC, 'serve', '--port', '0', '--import-workers', '0', '--database', url, ...args];
  // -e: script exits with the command's code; -f: output flushed as written; -q: no banner.
  const child =
    on === 'terminal'
      ? spawn('script', ['-qefc', [process.execPath, ...argv].map(shellQuote).join(' '), '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const seen = () => out + err;
  await waitFor(async () => /listening on http:\/\/[\d.:]+/.test(seen()) || child.exitCode !== null, 'mtc serve to listen', 90_000);
  const address = /listening on (http:\/\/[\d.:]+)/.exec(seen())?.[1];
  if (!address) throw new Error(`mtc serve did not start:\n${seen()}`);
  return {
    output: () => out,
    address,
    async stop() {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

/** Asks the server for `path` with a request id of the test's choosing, so its log line can be found. */
async function request(address: string, path: string, requestId: string): Promise<number> {
  const res = await fetch(`${address}${path}`, { headers: { 'x-request-id': requestId } });
  await res.arrayBuffer();
  return res.status;
}

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').replaceAll('\r', '');

for (const backend of backends) {
  describe(`mtc serve's log on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    before(async () => {
      db = await migratedByMtc(backend);
    });
    after(async () => {
      await db?.drop();
    });

    test('on a terminal: one coloured line per request with its time, method, path, status, milliseconds and request id; no JSON', {
      skip: hasScript ? false : 'util-linux script is not installed',
    }, async () => {
      const s = await serve(db.url, [], 'terminal');
      try {
        assert.equal(await request(s.address, '/health', 'tty-health-1'), 200);
        assert.equal(await request(s.address, '/api/items?q=bell', 'tty-items-1'), 401);
        await waitFor(async () => s.output().includes('tty-items-1'), 'the request lines');
      } finally {
        await s.stop();
      }
      const text = plain(s.output());
      assert.match(text, /^\d\d:\d\d:\d\d GET \/health 200 \d+ ms {2}tty-health-1$/m);
      assert.match(text, /^\d\d:\d\d:\d\d GET \/api\/items\?q=bell 401 \d+ ms {2}tty-items-1$/m);
      // The status in colour: green for success, yellow for a client's mistake.
      assert.match(s.output(), /\x1b\[32m200\x1b\[0m/);
      assert.match(s.output(), /\x1b\[33m401\x1b\[0m/);
      assert.doesNotMatch(text, /"level":|incoming request|Server listening at/);
      assert.match(text, /mtc serve: listening on http:\/\/[\d.:]+ \(the web app at/);
    });

    test('on a terminal with --log-format json: JSON lines all the same', { skip: hasScript ? false : 'util-linux script is not installed' }, async () => {
      const s = await serve(db.url, ['--log-format', 'json'], 'terminal');
      try {
        await request(s.address, '/health', 'tty-json-1');
        await waitFor(async () => /"request completed"/.test(s.output()), 'the request completed line');
      } finally {
        await s.stop();
      }
      const completed = plain(s.output())
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { reqId?: string; msg: string; res?: { statusCode: number } })
        .find((e) => e.reqId === 'tty-json-1' && e.msg === 'request completed');
      assert.equal(completed?.res?.statusCode, 200);
    });

    test('piped: pino JSON lines with the request id, as machines and log collectors read them', async () => {
      const s = await serve(db.url, [], 'pipe');
      try {
        await request(s.address, '/health', 'pipe-health-1');
        await waitFor(async () => s.output().includes('"request completed"'), 'the request completed line');
      } finally {
        await s.stop();
      }
      const entries = s
        .output()
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              level: number;
              reqId?: string;
              msg: string;
              req?: { method: string; url: string };
              res?: { statusCode: number };
              responseTime?: number;
            },
        );
      const mine = entries.filter((e) => e.reqId === 'pipe-health-1');
      assert.deepEqual(
        mine.map((e) => e.msg),
        ['incoming request', 'request completed'],
      );
      assert.deepEqual(mine[0]!.req && { method: mine[0]!.req.method, url: mine[0]!.req.url }, { method: 'GET', url: '/health' });
      assert.equal(mine[1]!.res?.statusCode, 200);
      assert.equal(typeof mine[1]!.responseTime, 'number');
    });

    test('piped with --log-format pretty (human): the human lines, without colour', async () => {
      const s = await serve(db.url, ['--log-format', 'pretty'], 'pipe');
      try {
        await request(s.address, '/nowhere', 'pipe-human-1');
        await waitFor(async () => s.output().includes('pipe-human-1'), 'the request line');
      } finally {
        await s.stop();
      }
      assert.match(s.output(), /^\d\d:\d\d:\d\d GET \/nowhere 404 \d+ ms {2}pipe-human-1$/m);
      assert.ok(!s.output().includes('\x1b['), 'no colour when stdout is not a terminal');
      assert.doesNotMatch(s.output(), /^\{/m);
    });
  });
}
