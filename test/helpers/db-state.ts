import type { TestDatabase } from './backends.ts';

async function column<T>(db: TestDatabase, sql: string): Promise<T[]> {
  const conn = await db.open();
  try {
    const r = await conn.query<{ v: T }>(sql);
    return r.rows.map((x) => x.v);
  } finally {
    await conn.close();
  }
}

/** The tables in `public`, the ledger left out, sorted. */
export function publicTables(db: TestDatabase): Promise<string[]> {
  return column(db, "SELECT table_name AS v FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'mtc_schema_history' ORDER BY 1");
}

/** The ledger's ids in the order applied. */
export function ledgerIds(db: TestDatabase): Promise<string[]> {
  return column(db, 'SELECT id AS v FROM public.mtc_schema_history ORDER BY applied_at, id');
}
