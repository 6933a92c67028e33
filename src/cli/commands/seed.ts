import type { CommandContext } from '../command.ts';
import { plural, withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';
import { DemoNotEmptyError, describeTables, seedDemo } from '../../app/demo/seed.ts';
import type { DemoSummary } from '../../app/demo/seed.ts';
import type { Database } from '../../db/types.ts';

export const options = {
  demo: { type: 'boolean' },
  'if-empty': { type: 'boolean' },
} as const;

export const help = `Usage: mtc seed --demo [--if-empty] [--database URL] [--json]

Fills an empty, migrated MTC database with a demo data set, so there is something to look
at: a small bicycle maker with 4 users (admin, planner, operator, viewer; no passwords),
colour, size, model and variation masters, about 25 items and 150 variants with stock and
reorder thresholds (a few below), 5 suppliers with rates in INR, 3 processes built from a
library of steps (with substitute groups, labour and overhead), 4 production lots (one
each planning, ready, in progress and completed) and a stock ledger that adds up to the
stock. All of it is fictional and the same every time.

It is written in one transaction: all of it or nothing. It refuses (exit 1) when any MTC
table already holds rows, naming them, and when the schema is not migrated (run mtc
migrate first).

Options:
  --demo       the demo data set (the only data set there is)
  --if-empty   when the database already holds data, do nothing and exit 0`;

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.values.demo !== true)
    throw new UsageError('mtc seed needs --demo: the demo data set is the only one available (mtc seed --demo; see mtc seed --help)');
  if (ctx.positionals.length > 0) throw new UsageError(`mtc seed takes no arguments (got ${ctx.positionals.join(' ')}); see mtc seed --help`);
  if (ctx.values['if-empty'] === true) return withDatabase(ctx, (db) => seedDemoIfEmpty(ctx, db));
  const summary = await withDatabase(ctx, (db) => seedDemo(db));
  if (ctx.json) ctx.out(JSON.stringify({ seeded: true, ...summary }, null, 2));
  else ctx.out(formatSummary(summary));
  return 0;
}

/**
 * \`mtc seed --demo --if-empty\` on `db` (open already), printing through `ctx` what it did:
 * seeds the demo data, or says the database already holds data. Resolves to 0. \`mtc serve
 * --seed-demo-if-empty\` runs it before serving.
 */
export async function seedDemoIfEmpty(ctx: CommandContext, db: Database): Promise<number> {
  let summary: DemoSummary;
  try {
    summary = await seedDemo(db);
  } catch (err) {
    if (!(err instanceof DemoNotEmptyError)) throw err;
    if (ctx.json) ctx.out(JSON.stringify({ seeded: false, tablesWithRows: err.tables }, null, 2));
    else ctx.out(`Nothing seeded: the database already holds data (${describeTables(err.tables)}).`);
    return 0;
  }
  if (ctx.json) ctx.out(JSON.stringify({ seeded: true, ...summary }, null, 2));
  else ctx.out(formatSummary(summary));
  return 0;
}

/** The summary for a person: what was written, and where to look next. */
export function formatSummary(s: DemoSummary): string {
  const c = s.counts;
  return [
    `Seeded the demo data: ${plural(c.users, 'user')}, ${plural(c.item_master, 'item')}, ${plural(c.item_variant, 'variant')} ` +
      `(${s.belowReorderThreshold} below their reorder threshold), ${plural(c.suppliers, 'supplier')} with ${plural(c.variant_supplier_pricing, 'rate')}, ` +
      `${c.processes} process${c.processes === 1 ? '' : 'es'} of ${plural(c.process_subprocesses, 'step')} with ${plural(c.substitute_groups, 'substitute group')}, ` +
      `${plural(c.purchase_orders, 'purchase order')} with ${plural(c.goods_receipts, 'goods receipt')}, ` +
      `${plural(c.production_lots, 'production lot')}, ${plural(c.inventory_transactions, 'stock movement')}; the stock is worth INR ${toPaise(s.stockValue)}.`,
    `Lots: ${s.lots.map((l) => `${l.lotNumber} (${l.process}, ${l.quantity}, ${l.status.replace('_', ' ')})`).join('; ')}.`,
    'Try: mtc schema show item_variant, or mtc verify.',
  ].join('\n');
}

/** A non-negative decimal string rounded half up to two decimals, for a person (the JSON keeps it exact). */
export function toPaise(d: string): string {
  const [whole = '0', frac = ''] = d.split('.');
  const cents = BigInt(whole + frac.padEnd(2, '0').slice(0, 2)) + (Number(frac[2] ?? '0') >= 5 ? 1n : 0n);
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}
