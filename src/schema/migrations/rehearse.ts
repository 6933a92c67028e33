import type { Database } from '../../db/types.ts';
import { openScratchDatabase } from '../../db/scratch.ts';
import { inspect } from '../catalog/inspect.ts';
import { renderSnapshot } from '../catalog/render.ts';
import { CREATE_LEDGER_SQL, LEDGER_TABLE, readLedger, sqlLiteral } from './ledger.ts';
import { migrate } from './migrate.ts';
import type { MigrateOptions, MigrateResult } from './migrate.ts';
import type { Plan } from './plan.ts';

/**
 * Applies the pending migrations to a copy of `live`'s schema (not its data) in an
 * in-process PGlite first: the schema is read, rendered, loaded, the ledger copied, and the
 * migrations run there for real (transaction: off ones too). The live database is only
 * read. A failure names the file and line as a real run would. Backfills run on empty
 * tables: a migration that fails only on certain data is not caught here.
 */
export async function rehearseOnCopy(live: Database, plan: Plan, options: MigrateOptions & { onProgress?: (message: string) => void }): Promise<MigrateResult> {
  options.onProgress?.('reading the live schema');
  const [model, ledger] = await Promise.all([inspect(live), readLedger(live)]);
  const scratch = await openScratchDatabase(options.onProgress);
  try {
    options.onProgress?.(`loading the schema copy (${model.tables.length} tables)`);
    await scratch.exec(renderSnapshot(model));
    await scratch.exec(CREATE_LEDGER_SQL);
    if (ledger.length > 0) {
      const rows = ledger.map((r) => `(${sqlLiteral(r.id)}, ${sqlLiteral(r.checksum)}, ${sqlLiteral(r.how)})`).join(',\n');
      await scratch.exec(`INSERT INTO ${LEDGER_TABLE} (id, checksum, how) VALUES ${rows}`);
    }
    options.onProgress?.('applying the pending migrations to the copy');
    return await migrate(scratch, plan, { ...options, dryRun: false, allowDrift: true, recordSchema: false, lockTimeoutMs: 1000 });
  } finally {
    await scratch.close();
  }
}
