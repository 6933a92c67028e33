import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SchemaModel } from '../../schema/catalog/model.ts';
import type { CommandContext } from '../command.ts';
import { UsageError } from '../usage.ts';

export const options = {
  from: { type: 'string' },
  to: { type: 'string' },
  'allow-drop': { type: 'boolean' },
} as const;

export const help = `Usage: mtc diff --from A --to B [--allow-drop] [--json]

Prints the DDL that turns the schema of A into the schema of B, in an order PostgreSQL
accepts. A and B are each a database (postgres://…, or the directory of an embedded
PGlite database) or a snapshot file (*.sql, e.g. db/schema.sql), which is loaded into an
in-process PostgreSQL (PGlite) and read back. Nothing is changed: review the script, then
run it statement by statement.

Destructive steps (dropping a table, column, view, function, sequence, enum or schema,
narrowing a type, rebuilding an enum) are printed commented out, with a warning, unless
--allow-drop is given. Renames appear as a drop and an add.

  --from A        the schema as it is
  --to B          the schema as it should be
  --allow-drop    emit destructive steps as SQL instead of comments
  --json          the plan as {statements: [{sql, destructive, comment}], warnings}

Exit 0 whether or not the schemas differ; 2 when --from or --to is missing or unreadable.`;

export async function run(ctx: CommandContext): Promise<number> {
  const from = sideOf(ctx, 'from');
  const to = sideOf(ctx, 'to');
  const before = await readSchema(ctx, from);
  const after = await readSchema(ctx, to);
  const { diffModels, renderDiff } = await import('../../schema/catalog/diff.ts');
  const plan = diffModels(before, after, { allowDrop: ctx.values['allow-drop'] === true });
  ctx.out(ctx.json ? JSON.stringify(plan, null, 2) : renderDiff(plan));
  return 0;
}

type Side = { kind: 'snapshot'; file: string; option: string } | { kind: 'database'; url: string; option: string };

/** What --from or --to names, checked before anything is opened. */
function sideOf(ctx: CommandContext, name: 'from' | 'to'): Side {
  const value = ctx.values[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} is required: a database URL, a PGlite directory or a snapshot .sql file; see mtc diff --help`);
  const option = `--${name} ${value}`;
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'database', url: value, option };
  if (/^memory:(\/\/)?$/i.test(value))
    throw new UsageError(`${option}: an in-memory database is empty when it opens; pass a database URL, a PGlite directory or a snapshot .sql file`);
  const path = value.replace(/^file:\/\//i, '');
  if (!existsSync(path)) throw new UsageError(`${option}: no such file or directory`);
  if (statSync(path).isDirectory()) {
    // Opening a directory that is not a database would create an empty one.
    if (!existsSync(join(path, 'PG_VERSION'))) throw new UsageError(`${option}: not a PGlite data directory (no PG_VERSION in it)`);
    return { kind: 'database', url: path, option };
  }
  return { kind: 'snapshot', file: path, option };
}

async function readSchema(ctx: CommandContext, side: Side): Promise<SchemaModel> {
  const { inspect } = await import('../../schema/catalog/inspect.ts');
  if (side.kind === 'database') {
    const db = await ctx.connect(side.url);
    try {
      return await inspect(db);
    } finally {
      await db.close();
    }
  }
  let text: string;
  try {
    text = await readFile(side.file, 'utf8');
  } catch (err) {
    throw new UsageError(`${side.option}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { openScratchDatabase } = await import('../../db/scratch.ts');
  const scratch = await openScratchDatabase(ctx.isTTY && !ctx.json ? (m) => ctx.err(m) : undefined);
  try {
    try {
      await scratch.exec(text);
    } catch (err) {
      throw new UsageError(`${side.option}: the snapshot does not load: ${(err as Error).message}`);
    }
    return await inspect(scratch);
  } finally {
    await scratch.close();
  }
}
