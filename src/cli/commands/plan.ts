import type { CommandContext } from '../command.ts';
import { loadProject, plural, withDatabase } from '../project.ts';
import { assertUnchanged } from '../../schema/migrations/migrate.ts';
import { compareLedger, readLedger } from '../../schema/migrations/ledger.ts';
import { pendingMigrations } from '../../schema/migrations/plan.ts';

export const options = { to: { type: 'string' } } as const;

export const help = `Usage: mtc plan [--to ID] [--database URL] [--migrations DIR] [--json]

Lists the migrations mtc migrate would apply, in order, each with what it requires.
The order is a topological order of the requires graph, ties broken by id, so it is the
same on every machine. With --to ID, only ID and what it requires.`;

export async function run(ctx: CommandContext): Promise<number> {
  const { plan } = await loadProject(ctx);
  const status = await withDatabase(ctx, async (db) => compareLedger(plan.order, await readLedger(db)));
  assertUnchanged(status);
  const pending = pendingMigrations(plan, new Set(status.applied.map((a) => a.id)), ctx.values.to as string | undefined);
  if (ctx.json) {
    ctx.out(JSON.stringify({ pending: pending.map((m) => ({ id: m.id, path: m.path, requires: m.requires, transactional: m.transactional })) }, null, 2));
    return 0;
  }
  if (pending.length === 0) {
    ctx.out('Nothing to apply: the database is up to date.');
    return 0;
  }
  ctx.out(`${plural(pending.length, 'migration')} to apply, in this order:`);
  pending.forEach((m, i) => {
    const notes = [m.requires.length ? `requires ${m.requires.join(', ')}` : 'requires nothing', m.transactional ? '' : 'transaction: off'].filter(Boolean);
    ctx.out(`  ${String(i + 1).padStart(String(pending.length).length)}. ${m.id}  (${notes.join('; ')})`);
  });
  return 0;
}
