import { readFile } from 'node:fs/promises';
import type { CommandContext } from '../command.ts';
import { loadConfig } from '../config.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';

export const options = {} as const;

export const help = `Usage: mtc verify [--database URL] [--snapshot FILE] [--json]

Compares the live database with the snapshot (db/schema.sql) and lists every difference:
missing, extra, changed (with before and after), and duplicate (two constraints or
indexes with one definition). The snapshot is loaded into an in-process PostgreSQL
(PGlite) and read back, so differences in how PostgreSQL versions print a definition are
not reported. Objects named in mtc.config.json under "unmanaged" are listed as such,
under "ignore" not at all. Exit 1 when there is any difference.`;

export async function run(ctx: CommandContext): Promise<number> {
  const config = await loadConfig();
  let snapshot: string;
  try {
    snapshot = await readFile(ctx.snapshot, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`snapshot ${ctx.snapshot} does not exist; write it with mtc schema dump, or pass --snapshot FILE`);
    throw err;
  }
  const { inspect } = await import('../../schema/catalog/inspect.ts');
  const { compareModels, formatFinding } = await import('../../schema/catalog/compare.ts');
  const { openScratchDatabase } = await import('../../db/scratch.ts');
  const actual = await withDatabase(ctx, (db) => inspect(db));
  const scratch = await openScratchDatabase(ctx.isTTY && !ctx.json ? (m) => ctx.err(m) : undefined);
  let expected;
  try {
    await scratch.exec(snapshot);
    expected = await inspect(scratch);
  } finally {
    await scratch.close();
  }
  const findings = compareModels(expected, actual, { ignore: config.ignore, unmanaged: config.unmanaged });
  const drift = findings.filter((f) => f.kind !== 'unmanaged' && f.kind !== 'ignored');
  if (ctx.json) ctx.out(JSON.stringify({ findings, differences: drift.length }, null, 2));
  else {
    for (const f of findings) ctx.out(formatFinding(f));
    ctx.out(drift.length === 0 ? `The database matches ${ctx.snapshot}.` : `${drift.length} difference${drift.length === 1 ? '' : 's'} from ${ctx.snapshot}.`);
  }
  return drift.length > 0 ? 1 : 0;
}
