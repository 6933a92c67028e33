import type { CommandContext } from '../command.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';
import type { Settings } from '../../app/settings/settings.ts';

export const options = {
  currency: { type: 'string' },
  'date-format': { type: 'string' },
  'target-margin': { type: 'string' },
} as const;

export const help = `Usage: mtc settings [show] [--database URL] [--json]
       mtc settings set [--currency CODE] [--date-format FORMAT] [--target-margin PERCENT] [--database URL] [--json]

show (the default) prints the installation's currency, date format and default target
margin. set changes one or more, as an admin does on the web app's Settings page; the change
is audited as the CLI's.

Every page of the web app shows money in the currency (₹1,234.50 for INR) and days in the
date format; the exports write days in it and name the currency in their amounts' headers;
the import reads days in it and as YYYY-MM-DD whatever it is. The target margin is what every
process aims at unless it sets its own: costing, the what-if of a rate and the dashboard's
margin watch name the processes whose worst-case margin is below it.

Options:
  --currency CODE       an ISO 4217 code: INR (the default), USD, EUR, GBP…
  --date-format FORMAT  DD/MM/YYYY (the default), MM/DD/YYYY or YYYY-MM-DD
  --target-margin PERCENT  from 0 to 99.99, at most 2 decimals (15 unless changed)

Exit codes: 0 shown or set; 2 a value not accepted or a usage error; 3 could not connect.`;

export async function run(ctx: CommandContext): Promise<number> {
  const [sub = 'show', ...rest] = ctx.positionals;
  if (rest.length > 0) throw new UsageError(`mtc settings ${sub} takes no more arguments (got ${rest.join(' ')}); see mtc settings --help`);
  if (sub === 'show') {
    for (const option of ['currency', 'date-format', 'target-margin'] as const)
      if (ctx.values[option] !== undefined) throw new UsageError(`--${option} is for mtc settings set: mtc settings show only prints them`);
    const { getSettings } = await import('../../app/settings/settings.ts');
    return print(ctx, await withDatabase(ctx, (db) => getSettings(db)), null);
  }
  if (sub !== 'set') throw new UsageError(`mtc settings ${sub}: the subcommands are "show" and "set"; see mtc settings --help`);
  const currency = ctx.values.currency as string | undefined;
  const dateFormat = ctx.values['date-format'] as string | undefined;
  const targetMargin = ctx.values['target-margin'] as string | undefined;
  if (currency === undefined && dateFormat === undefined && targetMargin === undefined)
    throw new UsageError('mtc settings set needs --currency CODE, --date-format FORMAT, --target-margin PERCENT or several');
  const { changeSettings, getSettings } = await import('../../app/settings/settings.ts');
  const { CLI_ACTOR } = await import('../../app/audit/actor.ts');
  const [before, after] = await withDatabase(ctx, async (db) => {
    const was = await getSettings(db);
    return [
      was,
      await changeSettings(
        db,
        {
          ...(currency === undefined ? {} : { currency }),
          ...(dateFormat === undefined ? {} : { dateFormat }),
          ...(targetMargin === undefined ? {} : { targetMargin }),
        },
        CLI_ACTOR,
      ),
    ];
  });
  return print(ctx, after, before);
}

function print(ctx: CommandContext, settings: Settings, before: Settings | null): number {
  const changed = before !== null && before.updatedAt !== settings.updatedAt;
  if (ctx.json) {
    ctx.out(JSON.stringify({ settings, ...(before ? { changed } : {}) }, null, 2));
    return 0;
  }
  if (before && !changed) ctx.out('Nothing changed: the settings were already these.');
  else if (before) ctx.out('Changed the settings.');
  ctx.out(`Currency:      ${settings.currency}`);
  ctx.out(`Date format:   ${settings.dateFormat}`);
  ctx.out(`Target margin: ${settings.targetMargin}% (every process's, unless it sets its own)`);
  return 0;
}
