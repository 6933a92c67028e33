import type { CommandContext } from '../command.ts';
import { loadProject, plural, withDatabase } from '../project.ts';
import { createMigrator } from '../../schema/migrator.ts';

export const options = { to: { type: 'string' } } as const;

export const help = `Usage: mtc plan [--to ID] [--database URL] [--migrations DIR] [--json]

Lists the migrations mtc migrate would apply, in order, each with what it requires.
The order is a topological order of the requires graph, ties broken by id, so it is the
same on every machine. With --to ID, only ID and what it requires.`;

export async function run(ctx: CommandContext): Promise<number> {
  const project = await loadProject(ctx);
  const { pending } = await withDatabase(ctx, (db) => createMigrator(db, project).plan(ctx.values.to as string | undefined));
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
