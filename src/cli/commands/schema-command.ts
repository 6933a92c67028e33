// `mtc schema dump` and `mtc schema show` (the file is not called schema.ts, which tools that
// resolve a module by its base name confuse with the snapshot db/schema.sql).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommandContext } from '../command.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';

export const options = {
  output: { type: 'string', short: 'o' },
} as const;

export const help = `Usage: mtc schema dump [--database URL] [--snapshot FILE] [-o FILE]
       mtc schema show [TABLE] [--database URL] [--json]

show: one table as you would check it by hand (columns, constraints, indexes, triggers,
foreign keys out and in), or with no TABLE a line per table.

dump:
Reads the database's schema (tables, columns, constraints, indexes, triggers, functions,
views, sequences, enum types, extensions) and writes it as the snapshot, db/schema.sql by
default: normalised and sorted, so it is the same text for the same schema on any
PostgreSQL version, and loadable by psql. Commit it: reviewers read schema changes there,
and mtc verify compares databases with it. -o - writes to standard output.`;

export async function run(ctx: CommandContext): Promise<number> {
  const sub = ctx.positionals[0];
  if (sub === 'show') return show(ctx, ctx.positionals[1]);
  if (sub !== 'dump')
    throw new UsageError(
      sub === undefined ? 'mtc schema: say what to do: mtc schema dump, or mtc schema show [TABLE]' : `mtc schema ${sub}: unknown; see mtc schema --help`,
    );
  const { inspect } = await import('../../schema/catalog/inspect.ts');
  const { renderSnapshot } = await import('../../schema/catalog/render.ts');
  const model = await withDatabase(ctx, (db) => inspect(db), { lean: true });
  const text = renderSnapshot(model);
  const output = (ctx.values.output as string | undefined) ?? ctx.snapshot;
  if (output === '-') {
    ctx.stdout.write(text);
    return 0;
  }
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, text);
  ctx.err(
    `wrote ${output}: ${model.tables.length} tables, ${model.views.length} views, ${model.functions.length} functions, ${model.sequences.length} sequences, ${model.enums.length} enum types`,
  );
  return 0;
}

async function show(ctx: CommandContext, name: string | undefined): Promise<number> {
  const { inspect } = await import('../../schema/catalog/inspect.ts');
  const { describeTable, findTable, listTables } = await import('../../schema/catalog/describe.ts');
  const model = await withDatabase(ctx, (db) => inspect(db), { lean: true });
  if (name === undefined) {
    ctx.out(
      ctx.json
        ? JSON.stringify(
            model.tables.map((t) => ({ schema: t.schema, name: t.name })),
            null,
            2,
          )
        : listTables(model),
    );
    return 0;
  }
  const table = findTable(model, name);
  if (!table) throw new UsageError(`no table ${name} in the database; mtc schema show lists them`);
  ctx.out(ctx.json ? JSON.stringify(table, null, 2) : describeTable(model, table));
  return 0;
}
