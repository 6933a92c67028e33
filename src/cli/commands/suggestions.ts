import type { CommandContext } from '../command.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';
import type { Suggestion, Suggestions } from '../../app/purchasing/suggestions.ts';

export const options = {
  supplier: { type: 'string', multiple: true },
  q: { type: 'string' },
} as const;

export const help = `Usage: mtc suggestions [show] [--supplier ID]… [--q TEXT] [--database URL] [--json]
       mtc suggestions order [--supplier ID]… [--database URL] [--json]

show (the default) prints what to buy next, per supplier, as the Suggestions page shows it:
each variant short of stock for its reorder threshold plus the open lots planned to start
within the supplier's lead time (a lot with no planned start counts as today; lots planned
later are shown as "later", not bought), less stock and what is on order; the quantity
rounded up to the minimum order, then to whole packs (the extra said), at the price of the
break it reaches, and the day to order by (the first covered lot's start less the lead time).

order turns the suggestions (of these suppliers, or all) into draft orders, one per
supplier, at those quantities and prices, audited as the CLI's; two at once never order
one shortfall twice.

Options:
  --supplier ID  only the suggestions to buy from this supplier (repeat for more)
  --q TEXT       show: only items whose name holds TEXT (any case, any accents)

Exit codes: 0 shown or ordered; 1 nothing to order; 2 usage error; 3 could not connect.`;

/** A supplier id as typed, or a usage error naming the option. */
function supplierIds(ctx: CommandContext): number[] | undefined {
  const typed = ctx.values.supplier as unknown as string[] | undefined;
  if (typed === undefined) return undefined;
  return typed.map((t) => {
    if (!/^\d{1,9}$/.test(t.trim()) || Number(t) < 1) throw new UsageError(`--supplier ${t}: write a supplier's id, a whole number from 1`);
    return Number(t);
  });
}

export async function run(ctx: CommandContext): Promise<number> {
  const [sub = 'show', ...rest] = ctx.positionals;
  if (rest.length > 0) throw new UsageError(`mtc suggestions ${sub} takes no more arguments (got ${rest.join(' ')}); see mtc suggestions --help`);
  const suppliers = supplierIds(ctx);
  if (sub === 'show') {
    const { reorderSuggestions } = await import('../../app/purchasing/suggestions.ts');
    const q = typeof ctx.values.q === 'string' ? ctx.values.q : undefined;
    const s = await withDatabase(ctx, (db) => reorderSuggestions(db, { q, supplierIds: suppliers }));
    if (ctx.json) ctx.out(JSON.stringify(s, null, 2));
    else printSuggestions(ctx, s);
    return 0;
  }
  if (sub !== 'order') throw new UsageError(`mtc suggestions ${sub}: the subcommands are "show" and "order"; see mtc suggestions --help`);
  if (ctx.values.q !== undefined) throw new UsageError('--q is for mtc suggestions show: order takes --supplier only');
  const { createOrdersFromSuggestions } = await import('../../app/purchasing/suggestions.ts');
  const { CLI_ACTOR } = await import('../../app/audit/actor.ts');
  const made = await withDatabase(ctx, (db) => createOrdersFromSuggestions(db, { supplierIds: suppliers }, CLI_ACTOR));
  if (ctx.json) ctx.out(JSON.stringify({ purchaseOrders: made }, null, 2));
  else for (const o of made) ctx.out(`Made ${o.poNumber} (draft) to ${o.supplier}: ${o.lineCount} ${o.lineCount === 1 ? 'line' : 'lines'}, ${o.total}`);
  return 0;
}

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

function line(l: Suggestion): string {
  const name = `${l.item} · ${l.color} · ${l.size}`;
  if (l.supplierId === null) return `  ${name}: short by ${l.shortfall} ${l.unit} (stock ${l.stock}, lots need ${l.demand}, on order ${l.onOrder})`;
  const extra = l.extra !== null && l.extra !== '0' ? ` (+${l.extra} by rounding)` : '';
  const price = l.breakFrom !== null ? `${l.unitPrice} (break from ${l.breakFrom}; rate ${l.ratePrice})` : l.unitPrice;
  const later = l.later !== '0' ? `; later ${l.later} from ${l.laterFrom}` : '';
  const by = l.orderBy !== null ? `; order by ${l.orderBy}` : '';
  return `  ${name}: order ${l.quantity} ${l.unit}${extra} at ${price} = ${l.amount}; short by ${l.shortfall} (stock ${l.stock}, threshold ${l.threshold}, lots need ${l.demand}, on order ${l.onOrder}${later}); lead time ${days(l.leadTimeDays ?? 0)}${by}`;
}

function printSuggestions(ctx: CommandContext, s: Suggestions): void {
  if (s.suppliers.length === 0 && s.withoutSupplier.length === 0) {
    ctx.out('Nothing to buy: every variant’s stock and what is on order cover its threshold and the lots’ needs.');
    return;
  }
  for (const g of s.suppliers) {
    const by = g.orderBy !== null ? `; order by ${g.orderBy}` : '';
    ctx.out(
      `${g.supplier} (supplier ${g.supplierId}): ${g.lineCount} ${g.lineCount === 1 ? 'line' : 'lines'}, ${g.total}; lead time ${days(g.leadTimeDays)} by default${by}`,
    );
    for (const l of g.lines) ctx.out(line(l));
  }
  if (s.withoutSupplier.length > 0) {
    ctx.out('No supplier with a rate in effect today:');
    for (const l of s.withoutSupplier) ctx.out(line(l));
  }
}
