import type { AdoptResult } from '../../schema/adopt/types.ts';
import { formatFinding } from '../../schema/catalog/compare.ts';
import type { CommandContext } from '../command.ts';
import { loadConfig } from '../config.ts';
import { loadProject, plural, withDatabase } from '../project.ts';
import { loadSnapshotModel } from '../snapshot.ts';

export const options = {
  'dry-run': { type: 'boolean' },
  currency: { type: 'string' },
  timezone: { type: 'string' },
} as const;

export const help = `Usage: mtc adopt [--dry-run] [--currency CODE] [--timezone ZONE] [--lock-timeout SECS]
                 [--database URL] [--json]

Brings a database that MTC's migrations did not make (the old application's, or an empty
one) under management, in one transaction:
  1. reads it and reports what differs from the snapshot (db/schema.sql): missing and
     extra objects, duplicate constraints and indexes, foreign keys without an index;
  2. maps the old data onto MTC's schema: renamed columns, statuses and roles in MTC's
     spelling, master names that differ only in case merged (references re-pointed, the
     merged rows kept in mtc_schema_archive), item rates as rates per variant, opening
     stock balances in the stock ledger, the old import jobs kept as jobs of kind items
     (unfinished ones, and those in a status MTC does not know, failed, saying why), the
     old purchase orders and stock receipts as MTC's orders and goods receipts (keys and
     numbers kept; the receipts are records only, never posted to the stock ledger again:
     the stock held already counts them; their prices value that stock);
  3. converges the structure to the snapshot without dropping anything that holds data;
     times kept without a time zone become instants read in one zone (--timezone), named
     in the report;
  4. keeps tables, views and columns outside MTC's schema as they are, recorded as
     unmanaged (verify lists them and does not call them drift), and leaves the old
     schema_migrations table alone;
  5. records every migration as adopted, and commits only if the database then matches
     the snapshot. Otherwise, or on any error, nothing is changed.
Running it again finds nothing to do. --dry-run does all of it and rolls it back, and
prints the report.

Options:
  --dry-run            report what would be done; change nothing
  --currency CODE      ISO 4217 currency of the old item rates (default INR)
  --timezone ZONE      the zone the old application wrote its times without a time zone
                       in, a name from pg_timezone_names such as Asia/Kolkata (default:
                       the database's own TimeZone setting, not the connection's)
  --lock-timeout SECS  how long to wait for another mtc run's lock (default 60), then exit 3

Exit codes: 0 adopted (or nothing to do); 1 adoption stopped (a conflict, data that would
not survive, a database already managed): the report says why; 2 usage, or a connection
through a pooler that may not keep the lock's session (give --direct-database URL or
MTC_DIRECT_DATABASE_URL, as for mtc migrate); 3 could not connect or lock.`;

export async function run(ctx: CommandContext): Promise<number> {
  const { plan } = await loadProject(ctx);
  const config = await loadConfig();
  const lockTimeoutMs = ctx.lockTimeoutMs;
  const { legacyMapping } = await import('../../app/legacy/mapping.ts');
  const mapping = legacyMapping({ currency: (ctx.values.currency as string | undefined) ?? 'INR' });
  const target = await loadSnapshotModel(ctx);
  const { adopt } = await import('../../schema/adopt/adopt.ts');
  const progress = ctx.isTTY && !ctx.json ? (m: string) => ctx.err(`mtc adopt: ${m}…`) : undefined;
  const result = await withDatabase(
    ctx,
    (db) =>
      adopt(db, plan, {
        target,
        mapping,
        dryRun: ctx.values['dry-run'] === true,
        ...(typeof ctx.values.timezone === 'string' ? { timeZone: ctx.values.timezone } : {}),
        unmanaged: config.unmanaged,
        lockTimeoutMs,
        ...(progress ? { onProgress: progress } : {}),
      }),
    { session: true },
  );
  if (ctx.json) ctx.out(JSON.stringify(result, null, 2));
  else ctx.out(formatReport(result, ctx.snapshot));
  return 0;
}

/** The zone adoption read times without a time zone in, where it came from, and which columns it read so. */
function formatTimeZone(z: AdoptResult['timeZone']): string {
  const from = z.from === 'option' ? '--timezone' : "the database's TimeZone setting; another with --timezone ZONE";
  if (z.columns.length === 0) return `Time zone: ${z.name} (${from}). No column of timestamp without time zone to convert.`;
  return `Time zone: ${z.name} (${from}). ${plural(z.columns.length, 'column')} of timestamp without time zone ${z.columns.length === 1 ? 'is' : 'are'} read as ${z.name} time:\n  ${z.columns.join(', ')}`;
}

/** The report for a person: what was found, what was done, what is left as it was. */
export function formatReport(r: AdoptResult, snapshot: string): string {
  const lines: string[] = [];
  const differences = r.before.filter((f) => f.kind !== 'unmanaged' && f.kind !== 'ignored');
  lines.push(`Found: ${plural(differences.length, 'difference')} from ${snapshot}${differences.length ? ':' : '.'}`);
  for (const f of differences) lines.push(`  ${formatFinding(f)}`);
  const order = ['conflict', 'mapped', 'oddly-named', 'not-indexed', 'kept', 'unmanaged'] as const;
  const notes = [...r.notes].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  if (notes.length > 0) {
    lines.push('', 'Notes:');
    for (const n of notes) lines.push(`  ${n.kind.padEnd(11)} ${n.object}: ${n.message}`);
  }
  lines.push('', formatTimeZone(r.timeZone));
  lines.push(
    '',
    r.actions.length === 0
      ? 'Nothing to do: the database is already adopted and matches.'
      : `${r.dryRun ? 'Would do' : 'Did'} (${plural(r.actions.length, 'step')}, in one transaction):`,
  );
  for (const a of r.actions) {
    const sql = a.sql.replace(/\s+/g, ' ');
    lines.push(`  [${a.step}] ${a.why}${a.rows > 0 ? ` (${plural(a.rows, 'row')})` : ''}`, `      ${sql.length > 160 ? `${sql.slice(0, 157)}...` : sql}`);
  }
  if (r.actions.length > 0) {
    lines.push(
      '',
      `${r.dryRun ? 'Dry run: nothing was changed. Would adopt' : 'Adopted'} ${plural(r.adopted.length, 'migration')}; ${plural(r.unmanaged.length, 'object')} left unmanaged; ${plural(r.archived, 'row')} archived.`,
    );
    lines.push(r.dryRun ? 'Run mtc adopt without --dry-run to do it.' : 'Next: mtc verify, then mtc migrate for later migrations.');
  }
  return lines.join('\n');
}
