// The README's walk from a purchase order to finished goods in stock, run as a newcomer would: a migrated
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
  describe(`the README's walk from a purchase order to finished goods on ${backend.name}`, { skip: backend.skip }, () => {
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

    test('examples/lot-walkthrough.sh runs from a purchase order to finished goods in stock, and prints the figures the README shows', async () => {
      const run = await bash(join(ROOT, 'examples', 'lot-walkthrough.sh'), { API: api, EMAIL: 'you@example.com', PASSWORD: password });
      assert.equal(run.code, 0, run.out);
      const lines = run.out.trim().split('\n');
      assert.deepEqual(lines.slice(0, 4), [
        // The order at Bolt & Sons' rates: 50 × 1150 less 2 % = 56350, plus 12 % GST; 50 × 180 = 9000, plus 12 %.
        '["Steel frame 50.000 at 1150.0000 less 2.00 %: 63112","Saddle 50.000 at 180.0000 less 0.00 %: 10080"]',
        '["sent","73192"]',
        // Received at the price paid: the frame's price less its discount (the GST is recovered, not a cost).
        '["Steel frame 50 at 1127","Saddle 50 at 180"]',
        'received',
      ]);
      assert.deepEqual(lines.slice(4, 6), [
        // One bicycle: frame 1200.00 (the dearer supplier) + leather saddle 450.00 + labour 150.00 + freight 500.00; best 1150 + foam 180 + 150 + 500.
        '{"worst":"2300.00","best":"1980.00"}',
        // Ten: (1800 × 10 + 500) / 10 and (1480 × 10 + 500) / 10: the freight spread over the run.
        '{"worst":"1850.00","best":"1530.00"}',
      ]);
      assert.deepEqual(lines.slice(6, 10), [
        '["Saddle: needs 10.000, has 50.000","Steel frame: needs 10.000, has 50.000"]',
        'ready',
        'in_progress',
        'completed',
      ]);
      // Estimate 1800 × 10 + 500; actual with what was consumed at the price paid: (1127 + 180 + 150) × 10 + 500 = 15070, 1507 a bicycle.
      assert.match(lines[10]!, /^\["LOT-\d{8}-\d{6}","18500\.00","15070\.00","-3430\.00","10","1507"\]$/);
      assert.equal(lines[11], '["production -10.000","receipt 50.000"]');
      // 40 frames × 1127, the 10 bicycles at the lot's actual cost, 40 saddles × 180: 65350 bought − 13070 consumed + 15070 made.
      assert.equal(
        lines[12],
        '["Steel frame Black M: 40 worth 45080","City bicycle Black M: 10 worth 15070","Saddle Black Foam: 40 worth 7200","total 67350"]',
      );
      assert.equal(lines.length, 13, run.out);
    });
  });
}
