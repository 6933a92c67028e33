import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Database } from './types.ts';
import { openPglite } from './pglite.ts';
import { compileWasmQuickly } from './wasm.ts';

/**
 * A throwaway in-memory PGlite for work on a copy (loading a snapshot to read its model,
 * replaying migrations). A new PGlite runs initdb, about 6 s; so the first one is saved as a
 * data-directory tarball in the user's cache (`$XDG_CACHE_HOME/mtc`, else `~/.cache/mtc`)
 * and later ones start from it in about 1.5 s. `onProgress` hears what is happening, for a
 * progress line.
 */
export async function openScratchDatabase(onProgress?: (message: string) => void): Promise<Database> {
  compileWasmQuickly();
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = cacheDirectory();
  const file = join(dir, `pglite-${await pgliteVersion()}.tar.gz`);
  if (existsSync(file)) {
    onProgress?.('starting an in-process PostgreSQL (PGlite) from its cached template');
    const template = new Blob([await readFile(file)]);
    return openPglite(undefined, 'scratch (in memory)', { template });
  }
  onProgress?.('starting an in-process PostgreSQL (PGlite) for the first time: about 6 s, then cached');
  const fresh = await PGlite.create();
  let dump: Blob;
  try {
    dump = await fresh.dumpDataDir('gzip');
  } finally {
    await fresh.close();
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
  await rename(tmp, file);
  return openPglite(undefined, 'scratch (in memory)', { template: dump });
}

/** Where MTC keeps what it can make again: `$XDG_CACHE_HOME/mtc`, else `~/.cache/mtc`. */
export function cacheDirectory(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mtc');
}

/** The installed PGlite's version, or `unknown`. */
export async function pgliteVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  try {
    const main = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const root = main.slice(0, main.lastIndexOf(join('@electric-sql', 'pglite')) + join('@electric-sql', 'pglite').length);
    return (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
