// `mtc settings` as an admin at a terminal uses it: show (the default) prints the currency and
// date format, set changes one or both (audited as the CLI's), --json answers as JSON, and a
// value not accepted exits 2 naming the field and what it takes. On both backends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends, withOpen } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { migratedByMtc, mtc } from '../helpers/cli.ts';

for (const backend of backends) {
  describe(`mtc settings on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    const settings = (...args: string[]) => mtc(['settings', ...args, '--database', db.url]);
    before(async () => {
      db = await migratedByMtc(backend);
    });
    after(async () => {
      await db?.drop();
    });

    test('show prints INR and DD/MM/YYYY on a new database, as text and as JSON', async () => {
      const shown = await settings();
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal(shown.stdout, "Currency:      INR\nDate format:   DD/MM/YYYY\nTarget margin: 15.00% (every process's, unless it sets its own)\n");
      const asJson = await settings('show', '--json');
      assert.equal(asJson.code, 0, asJson.stderr);
      const { settings: s } = JSON.parse(asJson.stdout) as { settings: { currency: string; dateFormat: string } };
      assert.deepEqual([s.currency, s.dateFormat], ['INR', 'DD/MM/YYYY']);
    });

    test('set changes the currency and the date format, audited as the CLI’s; the same again changes and records nothing', async () => {
      const set = await settings('set', '--currency', 'usd', '--date-format', 'MM/DD/YYYY');
      assert.equal(set.code, 0, set.stderr);
      assert.equal(
        set.stdout,
        "Changed the settings.\nCurrency:      USD\nDate format:   MM/DD/YYYY\nTarget margin: 15.00% (every process's, unless it sets its own)\n",
      );
      const again = await settings('set', '--currency', 'USD', '--json');
      assert.equal(again.code, 0, again.stderr);
      const answer = JSON.parse(again.stdout) as { settings: { currency: string; dateFormat: string }; changed: boolean };
      assert.deepEqual([answer.settings.currency, answer.settings.dateFormat, answer.changed], ['USD', 'MM/DD/YYYY', false]);
      const trail = await withOpen(
        db,
        async (d) =>
          (
            await d.query<{ userId: number | null; via: string; currency: string }>(
              `SELECT user_id AS "userId", via, after->>'currency' AS currency FROM public.audit_events WHERE entity = 'settings' ORDER BY id`,
            )
          ).rows,
      );
      assert.deepEqual(trail, [{ userId: null, via: 'cli', currency: 'USD' }]);
      assert.equal((await settings('set', '--date-format', 'YYYY-MM-DD')).code, 0);
      assert.equal(
        (await settings()).stdout,
        "Currency:      USD\nDate format:   YYYY-MM-DD\nTarget margin: 15.00% (every process's, unless it sets its own)\n",
      );
      const target = await settings('set', '--target-margin', '12.5', '--json');
      assert.equal(target.code, 0, target.stderr);
      assert.equal((JSON.parse(target.stdout) as { settings: { targetMargin: string } }).settings.targetMargin, '12.50');
      assert.equal((await settings('set', '--target-margin', '15')).code, 0);
    });

    test('a value not accepted exits 2 naming it and what is accepted; set without a value and unknown subcommands are usage errors', async () => {
      const currency = await settings('set', '--currency', 'dollars');
      assert.equal(currency.code, 2);
      assert.match(currency.stderr, /currency "dollars" is not an ISO 4217 currency code: write its three letters, such as INR, USD, EUR or GBP/);
      const format = await settings('set', '--date-format', 'DD.MM.YYYY');
      assert.equal(format.code, 2);
      assert.match(format.stderr, /date format "DD\.MM\.YYYY" is not one MTC writes: choose DD\/MM\/YYYY, MM\/DD\/YYYY, YYYY-MM-DD/);
      const nothing = await settings('set');
      assert.equal(nothing.code, 2);
      assert.match(nothing.stderr, /mtc settings set needs --currency CODE, --date-format FORMAT, --target-margin PERCENT or several/);
      const target = await settings('set', '--target-margin', '100');
      assert.equal(target.code, 2);
      assert.match(target.stderr, /target margin "100" is not a percentage MTC keeps: write one from 0 to 99\.99 with at most 2 decimals/);
      const other = await settings('reset');
      assert.equal(other.code, 2);
      assert.match(other.stderr, /the subcommands are "show" and "set"/);
      const showWithValue = await settings('show', '--currency', 'EUR');
      assert.equal(showWithValue.code, 2);
      assert.equal(
        (await settings()).stdout,
        "Currency:      USD\nDate format:   YYYY-MM-DD\nTarget margin: 15.00% (every process's, unless it sets its own)\n",
        'nothing changed',
      );
    });
  });
}
