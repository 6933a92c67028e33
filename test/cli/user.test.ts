// `mtc user add` and `mtc user set-password` as an admin uses them: the password made and
// shown once, or read from standard input; a lost password replaced (the old one and the
// user's sessions end); mistakes named, with exit 2 for usage and 1 for a user that is not
// there. On both backends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { checkPassword, openSession, sessionUser } from '../../src/app/access/accounts.ts';
import { backends, withOpen } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { MTC, ROOT, migratedByMtc, mtc } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';

/** Runs `mtc ARGS` with `input` on its standard input. */
function mtcWithInput(args: readonly string[], input: string): Promise<CliResult> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [MTC, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

for (const backend of backends) {
  describe(`mtc user on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    const user = (...args: string[]) => mtc(['user', ...args, '--database', db.url]);
    /** Whether the password logs in, checked the way the API's login checks it. */
    const logsIn = (email: string, password: string) => withOpen(db, async (d) => (await checkPassword(d, email, password)).ok);
    before(async () => {
      db = await migratedByMtc(backend);
    });
    after(async () => {
      await db?.drop();
    });

    test('user add makes a password and shows it once; --password-stdin takes the first line of input', async () => {
      const made = await user('add', '--email', 'ann@example.com', '--role', 'planner', '--name', 'Ann');
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, /^Created user \d+: Ann <ann@example.com>, planner\.$/m);
      const password = /^Password \(shown once, note it now\): (\S+)$/m.exec(made.stdout)?.[1];
      assert.ok(password, made.stdout);
      assert.equal(await logsIn('ann@example.com', password), true);
      // Made at a terminal: the audit trail names the CLI, with no user behind it.
      const trail = await withOpen(
        db,
        async (d) =>
          (
            await d.query<{ userId: number | null; via: string; email: string }>(
              `SELECT user_id AS "userId", via, after->>'email' AS email FROM public.audit_events WHERE entity = 'user' AND action = 'create'`,
            )
          ).rows,
      );
      assert.deepEqual(trail, [{ userId: null, via: 'cli', email: 'ann@example.com' }]);

      const given = await mtcWithInput(
        ['user', 'add', '--email', 'bob@example.com', '--role', 'viewer', '--password-stdin', '--database', db.url],
        'a long enough secret\nignored\n',
      );
      assert.equal(given.code, 0, given.stderr);
      assert.doesNotMatch(given.stdout, /Password/);
      assert.equal(await logsIn('bob@example.com', 'a long enough secret'), true);

      const short = await mtcWithInput(['user', 'add', '--email', 'cy@example.com', '--role', 'viewer', '--password-stdin', '--database', db.url], 'short\n');
      assert.equal(short.code, 2);
      assert.match(short.stderr, /the password from standard input must be at least 10 characters/);
    });

    test('user set-password gives a user a new password, shown once, and ends their sessions; the old password no longer logs in', async () => {
      const made = await user('add', '--email', 'lost@example.com', '--role', 'admin', '--json');
      assert.equal(made.code, 0, made.stderr);
      const { user: created, password: old } = JSON.parse(made.stdout) as { user: { userId: number }; password: string };
      const session = await withOpen(db, (d) => openSession(d, created.userId));

      const reset = await user('set-password', '--email', 'LOST@example.com');
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /^Set a new password for user \d+: lost <lost@example.com>, admin; their sessions were ended\.$/m);
      const fresh = /^Password \(shown once, note it now\): (\S+)$/m.exec(reset.stdout)?.[1];
      assert.ok(fresh && fresh !== old, reset.stdout);
      assert.equal(await logsIn('lost@example.com', fresh), true);
      assert.equal(await logsIn('lost@example.com', old), false);
      assert.equal(await withOpen(db, (d) => sessionUser(d, session.token)), null, 'the session opened with the old password is over');

      const given = await mtcWithInput(
        ['user', 'set-password', '--email', 'lost@example.com', '--password-stdin', '--json', '--database', db.url],
        'chosen by the admin\n',
      );
      assert.equal(given.code, 0, given.stderr);
      assert.equal((JSON.parse(given.stdout) as { password?: string }).password, undefined, 'a password given is not echoed');
      assert.equal(await logsIn('lost@example.com', 'chosen by the admin'), true);
    });

    test('user set-password names what is wrong: no such user (exit 1), no --email, or options that belong to user add (exit 2)', async () => {
      const missing = await user('set-password', '--email', 'nobody@example.com');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no user has the email nobody@example.com: .*mtc user add/);
      assert.equal(missing.stdout, '', 'no password is shown for no one');

      const noEmail = await user('set-password');
      assert.equal(noEmail.code, 2);
      assert.match(noEmail.stderr, /mtc user set-password needs --email/);

      const withRole = await user('set-password', '--email', 'ann@example.com', '--role', 'admin');
      assert.equal(withRole.code, 2);
      assert.match(withRole.stderr, /--role is for mtc user add/);

      const unknown = await user('reset');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /mtc user reset: the subcommands are "add" and "set-password"/);
    });
  });
}
