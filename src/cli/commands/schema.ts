import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommandContext } from '../command.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';

export const options = {
  output: { type: 'string', short: 'o' },
} as const;

export const help = `Usage: mtc schema dump [--database URL] [--snapshot FILE] [-o FILE]

Reads the database's schema (tables, columns, constraints, indexes, triggers, functions,
views, sequences, enum types, extensions) and writes it as the snapshot, db/schema.sql by
default: normalised and sorted, so it is the same text for the same schema on any
PostgreSQL version, and loadable by psql. Commit it: reviewers read schema changes there,
and mtc verify compares databases with it. -o - writes to standard output.`;

export async function run(ctx: CommandContext): Promise<number> {
  const sub = ctx.positionals[0];
  if (sub !== 'dump') throw new UsageError(sub === undefined ? 'mtc schema: say what to do, e.g. mtc schema dump' : `mtc schema ${sub}: unknown; see mtc schema --help`);
  const { inspect } = await import('../../schema/catalog/inspect.ts');
  const { renderSnapshot } = await import('../../schema/catalog/render.ts');
  const model = await withDatabase(ctx, (db) => inspect(db));
  const text = renderSnapshot(model);
  const output = (ctx.values.output as string | undefined) ?? ctx.snapshot;
  if (output === '-') {
    process.stdout.write(text);
    return 0;
  }
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, text);
  ctx.err(`wrote ${output}: ${model.tables.length} tables, ${model.views.length} views, ${model.functions.length} functions, ${model.sequences.length} sequences, ${model.enums.length} enum types`);
  return 0;
}
