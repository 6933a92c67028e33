import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SchemaModel } from '../schema/catalog/model.ts';
import type { Verification, VerificationCache } from '../schema/catalog/verify.ts';
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
export async function loadSnapshotModel(ctx: CommandContext, read?: SnapshotFile): Promise<SchemaModel> {
  const { snapshot, key, cached } = read ?? (await readSnapshot(ctx));
  const { cacheDirectory } = await import('../db/scratch.ts');
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

export interface SnapshotFile {
  snapshot: string;
  key: string;
  cached: boolean;
}

/** The snapshot's text and its cache key (its bytes, the PGlite version, the sources MTC was built from); `cached`: whether the disk cache is used. */
export async function readSnapshot(ctx: CommandContext): Promise<SnapshotFile> {
  let snapshot: string;
  try {
    snapshot = await readFile(ctx.snapshot, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`snapshot ${ctx.snapshot} does not exist; write it with mtc schema dump, or pass --snapshot FILE`);
    throw err;
  }
  const { pgliteVersion } = await import('../db/scratch.ts');
  const built = typeof __MTC_SOURCE_HASH__ === 'string' ? __MTC_SOURCE_HASH__ : null;
  const key = createHash('sha256')
    .update(`${built}\0${await pgliteVersion()}\0`)
    .update(snapshot)
    .digest('hex')
    .slice(0, 32);
  return { snapshot, key, cached: built !== null && process.env.MTC_NO_CACHE !== '1' };
}

/**
 * Where `mtc verify` keeps its last verification of each database (verifyDatabase reuses it
 * while the catalog, the snapshot and the scope are unchanged): a file per database (and
 * address it was reached at) in MTC's cache directory, holding the latest only. Undefined where the snapshot's model is not cached either (MTC run from
 * source, MTC_NO_CACHE=1).
 */
export async function verificationCache({ key, cached }: SnapshotFile, location: string): Promise<VerificationCache | undefined> {
  if (!cached) return undefined;
  const { cacheDirectory } = await import('../db/scratch.ts');
  const file = (server: string) => join(cacheDirectory(), `verify-${createHash('sha256').update(`${server}\0${location}`).digest('hex').slice(0, 32)}.json`);
  return {
    declared: key,
    async read(server, wanted) {
      try {
        const kept = JSON.parse(await readFile(file(server), 'utf8')) as { key: string; verification: Verification };
        return kept.key === wanted ? kept.verification : undefined;
      } catch {
        return undefined; // none yet, or unreadable
      }
    },
    async write(server, kept, verification) {
      const target = file(server);
      const tmp = `${target}.${process.pid}.tmp`;
      try {
        await mkdir(cacheDirectory(), { recursive: true });
        await writeFile(tmp, JSON.stringify({ key: kept, verification }));
        await rename(tmp, target);
      } catch {
        // a cache that cannot be written (read-only, full) only means the next run reads everything
        await rm(tmp, { force: true }).catch(() => undefined);
      }
    },
  };
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
