import type { CommandContext } from '../command.ts';
import { loadConfig } from '../config.ts';
import { withDatabase } from '../project.ts';
import { loadSnapshotModel, readSnapshot, verificationCache } from '../snapshot.ts';

export const options = {} as const;

export const help = `Usage: mtc verify [--database URL] [--snapshot FILE] [--json]

Compares the live database with the snapshot (db/schema.sql) and lists every difference:
missing, extra, changed (with before and after), and duplicate (two constraints or
indexes with one definition). The snapshot is loaded into an in-process PostgreSQL
(PGlite) and read back, so differences in how PostgreSQL versions print a definition are
not reported. Objects named in mtc.config.json under "unmanaged", and those mtc adopt left
in place (recorded in the database), are listed as unmanaged; those under "ignore" not at
all. An optional extension the server lacks (pg_trgm, for item search) is a warning on
stderr, with what goes slower, not a difference. A repeat run gives the last answer for
that database again, without reading its definitions, while its catalog has not been
written to since (nor the snapshot or mtc.config.json changed, nor the server restarted);
MTC_NO_CACHE=1 reads everything. Exit 1 when there is any difference.`;

export async function run(ctx: CommandContext): Promise<number> {
  const config = await loadConfig();
  const { verifyDatabase } = await import('../../schema/catalog/verify.ts');
  const { formatFinding } = await import('../../schema/catalog/compare.ts');
  const { OPTIONAL_EXTENSIONS } = await import('../../app/items/trigram.ts');
  const scope = { ...config, optional: OPTIONAL_EXTENSIONS };
  const { findings, differences, warnings } = await withDatabase(
    ctx,
    async (db) => {
      const snapshot = await readSnapshot(ctx);
      return verifyDatabase(db, () => loadSnapshotModel(ctx, snapshot), scope, await verificationCache(snapshot, db.location));
    },
    { lean: true },
  );
  if (ctx.json) ctx.out(JSON.stringify({ findings, differences, warnings }, null, 2));
  else {
    for (const w of warnings) ctx.err(`warning: ${w}`);
    for (const f of findings) ctx.out(formatFinding(f));
    ctx.out(differences === 0 ? `The database matches ${ctx.snapshot}.` : `${differences} difference${differences === 1 ? '' : 's'} from ${ctx.snapshot}.`);
  }
  return differences > 0 ? 1 : 0;
}
