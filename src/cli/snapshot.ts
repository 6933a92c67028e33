import { readFile } from 'node:fs/promises';
import type { SchemaModel } from '../schema/catalog/model.ts';
import type { CommandContext } from './command.ts';
import { UsageError } from './usage.ts';

/**
 * The declared schema: the snapshot file (db/schema.sql) loaded into a throwaway in-process
 * PostgreSQL and read back, so that it compares with a live database on equal terms.
 */
export async function loadSnapshotModel(ctx: CommandContext): Promise<SchemaModel> {
  let snapshot: string;
  try {
    snapshot = await readFile(ctx.snapshot, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`snapshot ${ctx.snapshot} does not exist; write it with mtc schema dump, or pass --snapshot FILE`);
    throw err;
  }
  const { inspect } = await import('../schema/catalog/inspect.ts');
  const { openScratchDatabase } = await import('../db/scratch.ts');
  const scratch = await openScratchDatabase(ctx.isTTY && !ctx.json ? (m) => ctx.err(m) : undefined);
  try {
    await scratch.exec(snapshot);
    return await inspect(scratch);
  } finally {
    await scratch.close();
  }
}
