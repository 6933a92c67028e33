// The README's walk from a process to a completed lot, run as a newcomer would: a migrated
// database, the first admin made with `mtc user add`, `mtc serve`, and the curl script in
// examples/ against it. What it prints is what the README says it prints.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { ROOT, listeningAddress, mtc, startMtc } from '../helpers/cli.ts';

/** Runs a bash script to its end; its output and exit code. */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const child = spawn('bash', [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

for (const backend of backends) {
  describe(`the README's walk from a process to a completed lot on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: ReturnType<typeof startMtc> | undefined;
    let api = '';
    let password = '';
    before(async () => {
      db = await backend.create();
      const migrated = await mtc(['migrate', '--database', db.url]);
      assert.equal(migrated.code, 0, migrated.stderr);
      const made = await mtc(['user', 'add', '--role', 'admin', '--email', 'you@example.com', '--name', 'You', '--json', '--database', db.url]);
      assert.equal(made.code, 0, made.stderr);
      password = (JSON.parse(made.stdout) as { password: string }).password;
      server = startMtc(['serve', '--port', '0', '--database', db.url], { env: { LOG_LEVEL: 'warn' } });
      api = await listeningAddress(server.child);
    });
    after(async () => {
      server?.child.kill('SIGTERM');
      await server?.done;
      await db?.drop();
    });

    test('examples/lot-walkthrough.sh runs from materials to a completed lot, and prints the figures the README shows', async () => {
      const run = await bash(join(ROOT, 'examples', 'lot-walkthrough.sh'), { API: api, EMAIL: 'you@example.com', PASSWORD: password });
      assert.equal(run.code, 0, run.out);
      const lines = run.out.trim().split('\n');
      assert.deepEqual(lines.slice(0, 2), [
        // One bicycle: frame 1200.00 (the dearer supplier) + leather saddle 450.00 + labour 150.00 + freight 500.00; best 1150 + foam 180 + 150 + 500.
        '{"worst":"2300.00","best":"1980.00"}',
        // Ten: (1800 × 10 + 500) / 10 and (1480 × 10 + 500) / 10: the freight spread over the run.
        '{"worst":"1850.00","best":"1530.00"}',
      ]);
      assert.deepEqual(lines.slice(2, 6), [
        '["Saddle: needs 10.000, has 50.000","Steel frame: needs 10.000, has 50.000"]',
        'ready',
        'in_progress',
        'completed',
      ]);
      // Estimate 1800 × 10 + 500; actual with the foam saddle at the frame's dearer rate: (1200 + 180 + 150) × 10 + 500.
      assert.match(lines[6]!, /^\["LOT-\d{8}-\d{6}","18500\.00","15800\.00","-2700\.00"\]$/);
      assert.equal(lines[7], '["production -10.000","opening 50.000"]');
      assert.equal(lines.length, 8, run.out);
    });
  });
}
