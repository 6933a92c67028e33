// The embedded database is one process's at a time: a directory lock stands in for the server's advisory lock.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pgliteBackend } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc, startMtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';

describe('mtc migrate on an embedded database', () => {
  let db: TestDatabase | undefined;
  after(async () => {
    await db?.drop();
  });

  test('a second process waits for the directory, exits 3 naming the holder, and takes over once the holder is killed', async () => {
    db = await pgliteBackend.create();
    const dir = await copyFixture('slow');
    await writeFile(join(dir, '0002_slow.sql'), '-- requires: 0001_first\nCREATE TABLE during_sleep (id int);\nSELECT pg_sleep(20);\n');
    const first = startMtc(['migrate', '--database', db.url, '--migrations', dir]);
    const lockFile = `${db.url}.lock`;
    const until = Date.now() + 30_000;
    while (!existsSync(lockFile)) {
      assert.ok(Date.now() < until, 'the first run never locked the directory');
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await mtc(['migrate', '--lock-timeout', '1', '--database', db.url, '--migrations', dir]);
    assert.equal(second.code, 3, second.stderr);
    assert.match(second.stderr, new RegExp(`in use by process ${first.child.pid} \\(since \\d{4}-`));

    first.child.kill('SIGKILL');
    await first.done;
    await writeFile(join(dir, '0002_slow.sql'), '-- requires: 0001_first\nCREATE TABLE during_sleep (id int);\n');
    const third = await mtc(['migrate', '--json', '--database', db.url, '--migrations', dir]);
    assert.equal(third.code, 0, third.stderr);
    const status = JSON.parse((await mtc(['status', '--json', '--database', db.url, '--migrations', dir])).stdout) as {
      applied: { id: string }[];
      pending: unknown[];
    };
    assert.deepEqual(status.applied.map((a) => a.id).sort(), ['0001_first', '0002_slow', '0003_after']);
    assert.equal(status.pending.length, 0);
  });
});
