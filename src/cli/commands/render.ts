import { writeFile } from 'node:fs/promises';
import type { CommandContext } from '../command.ts';
import { loadProject, withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';
import { createMigrator } from '../../schema/migrator.ts';
import { renderScript } from '../../schema/migrations/render.ts';

export const options = {
  from: { type: 'string' },
  all: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const;

export const help = `Usage: mtc render [--from ID | --all] [--output FILE] [--database URL] [--migrations DIR]

Writes the pending plan as one script for psql -X -v ON_ERROR_STOP=1 -f FILE, for a
database mtc cannot reach or where a DBA must run the change. The script takes the same
lock and writes the same ledger rows as mtc migrate (so mtc status shows them applied),
commits each migration with its ledger row, and skips any migration already applied, so
it is safe to run twice or over a partly migrated database.

  (default)      the migrations pending on --database
  --from ID      every migration from ID onward in plan order, without asking a database
  --all          every migration, without asking a database
  -o, --output   write to FILE instead of standard output`;

export async function run(ctx: CommandContext): Promise<number> {
  const project = await loadProject(ctx);
  const { plan } = project;
  const from = ctx.values.from as string | undefined;
  let chosen;
  if (from !== undefined || ctx.values.all === true) {
    const start = from === undefined ? 0 : plan.order.findIndex((m) => m.id === from);
    if (start < 0) throw new UsageError(`--from ${from}: no migration has that id`);
    chosen = plan.order.slice(start);
  } else {
    chosen = (await withDatabase(ctx, (db) => createMigrator(db, project).plan())).pending;
  }
  const script = renderScript(chosen, `rendered by mtc render at ${new Date().toISOString()}`);
  const output = ctx.values.output as string | undefined;
  if (output) {
    await writeFile(output, script);
    ctx.err(`wrote ${chosen.length} migration(s) to ${output}`);
  } else ctx.stdout.write(script);
  return 0;
}
