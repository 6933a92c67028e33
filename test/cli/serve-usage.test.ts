// mtc serve refuses a bad setting before it opens the database: exit 2, naming the setting
// and what it takes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mtc } from '../helpers/cli.ts';

test('a bad port, import worker count, log format, first admin email, login attempt limit or import batch size is a usage error (exit 2) that names it', async () => {
  for (const [args, env, named] of [
    [['--port', 'abc'], {}, /--port abc: expected a port number, 0 to 65535/],
    [['--import-workers', '3'], {}, /--import-workers 3: expected 0 .* or 1/],
    [['--log-format', 'xml'], {}, /--log-format xml: expected json, or human \(also called pretty\)/],
    [['--first-admin', 'admin'], {}, /--first-admin admin: expected an email address, such as admin@localhost/],
    [[], { MTC_LOGIN_ATTEMPTS_PER_MINUTE: '0' }, /MTC_LOGIN_ATTEMPTS_PER_MINUTE=0: expected a whole number of login attempts, 1 or more/],
    [[], { MTC_LOGIN_ATTEMPTS_PER_MINUTE: 'lots' }, /MTC_LOGIN_ATTEMPTS_PER_MINUTE=lots/],
    [[], { MTC_IMPORT_BATCH_ROWS: '0' }, /MTC_IMPORT_BATCH_ROWS=0: expected a whole number of rows per import batch, 1 to 100,000/],
    [[], { MTC_IMPORT_BATCH_ROWS: '2.5' }, /MTC_IMPORT_BATCH_ROWS=2\.5: expected a whole number of rows per import batch/],
  ] as const) {
    const r = await mtc(['serve', ...args, '--database', 'memory://'], { env });
    assert.equal(r.code, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`);
    assert.match(r.stderr, named);
    assert.doesNotMatch(r.stderr, /listening/);
  }
});
