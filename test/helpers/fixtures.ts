import { mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.ts';
import { copyTree } from './tree.ts';

/** A private copy of a fixture migrations directory, free to edit. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `mtc-fixture-${name}-`));
  await rmdir(dir);
  await copyTree(join(ROOT, 'test', 'fixtures', 'migrations', name), dir);
  return dir;
}
