// MTC's own migrations applied in this process, through the migrator as `mtc migrate` applies them.
import type { Database } from '../../src/db/types.ts';
import { planMigrations } from '../../src/schema/migrations/plan.ts';
import type { Plan } from '../../src/schema/migrations/plan.ts';
import { loadMigrations } from '../../src/schema/migrations/source.ts';
import { createMigrator } from '../../src/schema/migrator.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url).pathname;

/** MTC's migrations, read and planned. */
export async function projectPlan(): Promise<Plan> {
  return planMigrations(await loadMigrations(MIGRATIONS));
}

/**
 * Applies MTC's pending migrations to `db` (quicker than running mtc migrate, which a test of
 * migrate itself does); returns their plan. Without the lint: test/migrations/mtc-schema.test.ts
 * lints these migrations, and every test database would pay for it again.
 */
export async function migrateProject(db: Database): Promise<Plan> {
  const plan = await projectPlan();
  const outcome = await createMigrator(db, { plan }, { lint: false }).migrate();
  if (outcome.kind === 'ran' && outcome.result.failure) throw new Error(`migrate failed: ${outcome.result.failure.message}`);
  if (outcome.kind !== 'ran' && outcome.kind !== 'up-to-date') throw new Error(`migrate stopped: ${outcome.kind}`);
  return plan;
}
