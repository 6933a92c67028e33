// mtc lint, check and migrate told by the migrations (-- mtc:allow RULE: reason) and by
// mtc.config.json ("lint": {"rules": {...}}); a database migrated before an acknowledgement
// was added to a migration still finds it unchanged.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends, type TestDatabase } from '../helpers/backends.ts';
import { loadConfig } from '../../src/cli/config.ts';
import type { MtcError } from '../../src/errors.ts';
import { mtc } from '../helpers/cli.ts';
import { ledgerIds } from '../helpers/db-state.ts';

const LOTS = 'CREATE TABLE lots (id bigint PRIMARY KEY, qty integer, note varchar(100));\n';
const WIDEN =
  '-- requires: 0001_lots\n-- mtc:allow TABLE_REWRITE: varchar(100) to varchar(200) rewrites nothing\nALTER TABLE lots ALTER COLUMN note TYPE varchar(200);\n';
const CHECK = '-- requires: 0001_lots\nALTER TABLE lots ADD CONSTRAINT qty_max CHECK (qty <= 1000);\n';

interface LintJson {
  errors: number;
  warnings: number;
  findings: { code: string; severity: string; file: string; line: number }[];
  acknowledged: { code: string; severity: string; file: string; line: number; reason: string; allowLine: number }[];
}

describe('mtc lint and mtc check, told', () => {
  let work: string;
  const lint = (...args: string[]) => mtc(['lint', '--migrations', 'migrations', ...args], { cwd: work });
  const config = (value: unknown) => writeFile(join(work, 'mtc.config.json'), JSON.stringify(value));
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mtc-lint-told-'));
    await mkdir(join(work, 'migrations'));
    await writeFile(join(work, 'migrations', '0001_lots.sql'), LOTS);
    await writeFile(join(work, 'migrations', '0002_widen.sql'), WIDEN);
    await writeFile(join(work, 'migrations', '0003_check.sql'), CHECK);
  });
  after(() => rm(work, { recursive: true, force: true }));

  test('lists acknowledged findings with their reason, in text and --json, apart from the warnings', async () => {
    const text = await lint();
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^migrations\/0002_widen\.sql:3:\d+: acknowledged TABLE_REWRITE: ALTER COLUMN note TYPE rewrites lots.*\n {4}reason \(line 2\): varchar\(100\) to varchar\(200\) rewrites nothing$/m,
    );
    assert.match(text.stdout, /^migrations\/0003_check\.sql:2:\d+: warning CONSTRAINT_WITHOUT_NOT_VALID/m);
    assert.match(text.stdout, /3 files checked: 0 errors, 1 warning, 1 acknowledged/);
    const json = await lint('--json');
    const report = JSON.parse(json.stdout) as LintJson;
    assert.deepEqual(
      report.findings.map((f) => f.code),
      ['CONSTRAINT_WITHOUT_NOT_VALID'],
    );
    assert.deepEqual(
      report.acknowledged.map((a) => [a.code, a.severity, a.file, a.line, a.reason, a.allowLine]),
      [['TABLE_REWRITE', 'warning', 'migrations/0002_widen.sql', 3, 'varchar(100) to varchar(200) rewrites nothing', 2]],
    );
  });

  test('a wrong acknowledgement is a lint error naming file and line: exit 1', async () => {
    const file = join(work, 'migrations', '0003_check.sql');
    await writeFile(file, CHECK.replace('ALTER', '-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID:\nALTER'));
    try {
      const r = await lint();
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /^migrations\/0003_check\.sql:2:1: error ALLOW_INVALID: -- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID gives no reason/m);
    } finally {
      await writeFile(file, CHECK);
    }
  });

  test('mtc.config.json sets a rule off or to error, for mtc lint and mtc check', async () => {
    try {
      await config({ lint: { rules: { CONSTRAINT_WITHOUT_NOT_VALID: 'off' } } });
      const off = await lint();
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stdout, /0 errors, 0 warnings, 1 acknowledged/);

      await config({ lint: { rules: { CONSTRAINT_WITHOUT_NOT_VALID: 'error', TABLE_REWRITE: 'error' } } });
      const strict = await lint();
      assert.equal(strict.code, 1);
      assert.match(strict.stdout, /0003_check\.sql:2:\d+: error CONSTRAINT_WITHOUT_NOT_VALID/);
      assert.match(strict.stdout, /1 error, 0 warnings, 1 acknowledged/, 'an acknowledged finding stays acknowledged at level error');

      const check = await mtc(['check', '--json', '--migrations', 'migrations'], { cwd: work });
      assert.equal(check.code, 1, check.stderr);
      const out = JSON.parse(check.stdout) as { ok: boolean; lint: { errors: number; acknowledged: { code: string }[] }; replay?: unknown };
      assert.deepEqual([out.ok, out.lint.errors, out.lint.acknowledged.map((a) => a.code), out.replay], [false, 1, ['TABLE_REWRITE'], undefined]);
    } finally {
      await rm(join(work, 'mtc.config.json'), { force: true });
    }
  });

  test('a wrong "lint" in mtc.config.json is a config error (exit 2) naming the key', async () => {
    const cases: [unknown, RegExp][] = [
      [{ lint: { rules: { TABLE_REWRIT: 'off' } } }, /"lint\.rules\.TABLE_REWRIT": unknown lint rule "TABLE_REWRIT" \(rules that can be set: TABLE_REWRITE, /],
      [{ lint: { rules: { TABLE_REWRITE: 'quiet' } } }, /"lint\.rules\.TABLE_REWRITE": "quiet" is not a level; use "off", "warning" or "error"/],
      [{ lint: { rules: { SQL_SYNTAX: 'off' } } }, /"lint\.rules\.SQL_SYNTAX": SQL_SYNTAX is always an error .* cannot be set to "off"/],
      [{ lint: { rule: {} } }, /unknown field "lint\.rule" \(known: lint\.rules\)/],
      [{ lint: { rules: ['TABLE_REWRITE'] } }, /"lint\.rules" must be an object/],
      [{ lint: 'strict' }, /"lint" must be an object/],
    ];
    try {
      for (const [value, message] of cases) {
        await config(value);
        await assert.rejects(
          loadConfig(join(work, 'mtc.config.json')),
          (err: MtcError) => {
            assert.equal(err.category, 'usage');
            assert.match(err.message, new RegExp(`^${join(work, 'mtc.config.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${message.source}`));
            return true;
          },
          JSON.stringify(value),
        );
      }
      assert.deepEqual((await loadConfig(join(work, 'mtc.config.json.absent'))).lint, { rules: {} });
      // as mtc lint reports it
      await config(cases[0]?.[0]);
      const r = await lint();
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /mtc\.config\.json: "lint\.rules\.TABLE_REWRIT": unknown lint rule/);
    } finally {
      await rm(join(work, 'mtc.config.json'), { force: true });
    }
  });
});

for (const backend of backends) {
  describe(`acknowledgements and rule levels in mtc migrate on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let work: string;
    const dir = () => join(work, 'migrations');
    before(async () => {
      db = await backend.create();
      work = await mkdtemp(join(tmpdir(), 'mtc-lint-told-db-'));
      await mkdir(dir());
      await writeFile(join(dir(), '0001_lots.sql'), LOTS);
      await writeFile(join(dir(), '0002_widen.sql'), WIDEN.replace(/^-- mtc:allow.*\n/m, ''));
    });
    after(async () => {
      await db?.drop();
      await rm(work, { recursive: true, force: true });
    });

    test('a database migrated before an acknowledgement was added finds the migration unchanged; everything else still counts', async () => {
      const first = await mtc(['migrate', '--database', db.url, '--migrations', dir()]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /warning TABLE_REWRITE/, 'the migration was applied unacknowledged');

      await writeFile(join(dir(), '0002_widen.sql'), WIDEN);
      assert.match(await readFile(join(dir(), '0002_widen.sql'), 'utf8'), /-- mtc:allow TABLE_REWRITE/);
      const status = await mtc(['status', '--json', '--database', db.url, '--migrations', dir()]);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      const s = JSON.parse(status.stdout) as { applied: { id: string }[]; changed: unknown[]; pending: unknown[] };
      assert.deepEqual([s.applied.map((a) => a.id), s.changed, s.pending], [['0001_lots', '0002_widen'], [], []]);
      const again = await mtc(['migrate', '--database', db.url, '--migrations', dir()]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /up to date/i);

      await writeFile(join(dir(), '0002_widen.sql'), WIDEN.replace('TYPE varchar(200)', 'TYPE varchar(250)'));
      const changed = await mtc(['status', '--database', db.url, '--migrations', dir()]);
      assert.equal(changed.code, 1, 'a change to the SQL is still a change');
      await writeFile(join(dir(), '0002_widen.sql'), WIDEN);
    });

    test('a rule set to "error" stops mtc migrate with nothing applied; once acknowledged it applies without a warning', async (ctx) => {
      // a database and migrations of its own, 0001 and 0002 applied: the test above changes its own as it goes
      const own = await backend.create();
      const mine = await mkdtemp(join(tmpdir(), 'mtc-lint-told-db-'));
      ctx.after(async () => {
        await own.drop();
        await rm(mine, { recursive: true, force: true });
      });
      await mkdir(join(mine, 'migrations'));
      await writeFile(join(mine, 'migrations', '0001_lots.sql'), LOTS);
      await writeFile(join(mine, 'migrations', '0002_widen.sql'), WIDEN);
      const first = await mtc(['migrate', '--database', own.url, '--migrations', 'migrations'], { cwd: mine });
      assert.equal(first.code, 0, first.stderr);

      await writeFile(join(mine, 'mtc.config.json'), JSON.stringify({ lint: { rules: { CONSTRAINT_WITHOUT_NOT_VALID: 'error' } } }));
      await writeFile(join(mine, 'migrations', '0003_check.sql'), CHECK);
      const refused = await mtc(['migrate', '--database', own.url, '--migrations', 'migrations'], { cwd: mine });
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /0003_check\.sql:2:\d+: error CONSTRAINT_WITHOUT_NOT_VALID/);
      assert.match(refused.stderr, /1 lint error in pending migrations; nothing was applied/);
      assert.deepEqual(await ledgerIds(own), ['0001_lots', '0002_widen']);

      await writeFile(
        join(mine, 'migrations', '0003_check.sql'),
        CHECK.replace('ALTER', '-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: lots holds a few rows\nALTER'),
      );
      const applied = await mtc(['migrate', '--database', own.url, '--migrations', 'migrations'], { cwd: mine });
      assert.equal(applied.code, 0, applied.stderr);
      assert.doesNotMatch(applied.stderr, /CONSTRAINT_WITHOUT_NOT_VALID|warning/);
      assert.deepEqual(await ledgerIds(own), ['0001_lots', '0002_widen', '0003_check']);
    });
  });
}
