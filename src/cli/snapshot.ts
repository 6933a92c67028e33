import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SchemaModel } from '../schema/catalog/model.ts';
import type { CommandContext } from './command.ts';
import { UsageError } from './usage.ts';

/** Set by the build (scripts/build.mjs) to a hash of the sources; absent when run from source. */
declare const __MTC_SOURCE_HASH__: string | undefined;

const modelsSeen = new Map<string, SchemaModel>();

/**
 * The declared schema: the snapshot file (db/schema.sql) loaded into a throwaway in-process
 * PostgreSQL and read back, so that it compares with a live database on equal terms.
 *
 * Loading costs a PGlite start (1.5 s and more), so the model is cached in MTC's cache
 * directory under a key of the snapshot's bytes, the PGlite version and the sources MTC was
 * built from: any change to one of them is a new key. Not cached on disk when MTC runs from
 * source (tests of the library), or with MTC_NO_CACHE=1; within one process a snapshot is
 * loaded once.
 */
export async function loadSnapshotModel(ctx: CommandContext): Promise<SchemaModel> {
  let snapshot: string;
  try {
    snapshot = await readFile(ctx.snapshot, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`snapshot ${ctx.snapshot} does not exist; write it with mtc schema dump, or pass --snapshot FILE`);
    throw err;
  }
  const { cacheDirectory, pgliteVersion } = await import('../db/scratch.ts');
  const built = typeof __MTC_SOURCE_HASH__ === 'string' ? __MTC_SOURCE_HASH__ : null;
  const cached = built !== null && process.env.MTC_NO_CACHE !== '1';
  const key = createHash('sha256')
    .update(`${built}\0${await pgliteVersion()}\0`)
    .update(snapshot)
    .digest('hex')
    .slice(0, 32);
  // a process that reads one snapshot more than once (a server, tests) loads it once
  const known = modelsSeen.get(key);
  if (known) return structuredClone(known);
  const file = join(cacheDirectory(), `model-${key}.json`);
  if (cached) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as SchemaModel;
    } catch {
      // not cached yet, or unreadable: make it again
    }
  }
  const model = await snapshotModel(snapshot, ctx.isTTY && !ctx.json ? (m) => ctx.err(m) : undefined);
  modelsSeen.set(key, structuredClone(model));
  if (cached) {
    await mkdir(cacheDirectory(), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(model));
    await rename(tmp, file);
  }
  return model;
}

/** The schema a snapshot's SQL makes, read back from a throwaway in-process PostgreSQL (PGlite); `progress` hears of its start. */
export async function snapshotModel(sql: string, progress?: (message: string) => void): Promise<SchemaModel> {
  const { openScratchDatabase } = await import('../db/scratch.ts');
  const { inspect } = await import('../schema/catalog/inspect.ts');
  const scratch = await openScratchDatabase(progress);
  try {
    await scratch.exec(sql);
    return await inspect(scratch);
  } finally {
    await scratch.close();
  }
}
