// A migrated database for import tests, and what they read back from it.
import { createApiToken, createUser } from '../../src/app/access/accounts.ts';
import type { Database } from '../../src/db/types.ts';
import type { Backend } from './backends.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';

/** A migrated, empty database on `backend`; `close` closes and drops it, `drop` only drops it (after db.close()). */
export async function migratedDatabase(backend: Backend): Promise<{ db: Database; url: string; close(): Promise<void>; drop(): Promise<void> }> {
  const t = await backend.create({ migrated: true });
  const db = await t.open();
  return {
    db,
    url: t.url,
    async close() {
      await db.close();
      await t.drop();
    },
    drop: () => t.drop(),
  };
}

/**
 * A migrated database on `backend` with an admin and an API token of theirs, closed again so
 * that a server can open it (an embedded database is its server's alone); `drop` when done.
 */
export async function databaseToServe(backend: Backend): Promise<{ url: string; token: string; drop(): Promise<void> }> {
  const m = await migratedDatabase(backend);
  try {
    const admin = await createUser(m.db, { name: 'Admin', email: 'admin@example.com', role: 'admin', password: 'correct horse battery' }, CLI_ACTOR);
    return { url: m.url, token: (await createApiToken(m.db, admin.userId, 'tests', CLI_ACTOR)).token, drop: m.drop };
  } finally {
    await m.db.close();
  }
}

/** A job's counters, status and message. */
export async function jobState(db: Database, jobId: number) {
  return (
    await db.query<{ status: string; message: string | null; total: number; processed: number; success: number; failure: number }>(
      `SELECT status, message, total_rows AS total, processed_rows AS processed, success_count AS success, failure_count AS failure FROM public.import_jobs WHERE id = $1`,
      [jobId],
    )
  ).rows[0]!;
}

/** A job's rejected rows: row number, field and message, in row order. */
export async function jobErrors(db: Database, jobId: number) {
  return (
    await db.query<{ row: number; field: string | null; message: string; raw: string | null }>(
      `SELECT row_number AS row, field, message, raw_row AS raw FROM public.import_job_errors WHERE import_job_id = $1 ORDER BY row_number, id`,
      [jobId],
    )
  ).rows;
}

/** Every variant with its item's key and its stock, in a stable order: the state an import leaves. */
export async function catalogState(db: Database) {
  return (
    await db.query<Record<string, unknown>>(
      `SELECT i.name, m.model_name AS model, va.variation_name AS variation, i.description, i.category, c.color_name AS color, s.size_name AS size,
              v.unit, v.stock::text AS stock, v.reorder_threshold::text AS threshold,
              (SELECT coalesce(sum(t.quantity), 0)::text FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS ledger,
              (SELECT count(*)::int FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS movements
         FROM public.item_master i LEFT JOIN public.model_master m ON m.model_id = i.model_id LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
         LEFT JOIN public.item_variant v ON v.item_id = i.item_id LEFT JOIN public.color_master c ON c.color_id = v.color_id LEFT JOIN public.size_master s ON s.size_id = v.size_id
        ORDER BY i.name, model, variation, i.description, color, size`,
    )
  ).rows;
}
