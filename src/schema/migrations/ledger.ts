import type { Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import type { MigrationSource } from './source.ts';

/**
 * The ledger: one row per migration applied (or adopted), created by the engine. Its name
 * cannot collide with a legacy `schema_migrations` table.
 */
export const LEDGER_TABLE = 'public.mtc_schema_history';

export const CREATE_LEDGER_SQL = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  id text PRIMARY KEY,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL DEFAULT 0,
  applied_by text NOT NULL DEFAULT current_user,
  how text NOT NULL DEFAULT 'applied' CHECK (how IN ('applied', 'adopted')),
  fingerprint text,
  schema_model text
)`;

export interface LedgerRow {
  id: string;
  checksum: string;
  appliedAt: string;
  durationMs: number;
  appliedBy: string;
  how: 'applied' | 'adopted';
}

const SELECT_LEDGER = `SELECT id, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS applied_at, duration_ms, applied_by, how FROM ${LEDGER_TABLE} ORDER BY applied_at, id`;

interface RawLedgerRow {
  id: string;
  checksum: string;
  applied_at: string;
  duration_ms: number | string;
  applied_by: string;
  how: string;
}

/** The ledger's rows in the order applied; none when the ledger does not exist yet. */
export async function readLedger(q: Queryable): Promise<LedgerRow[]> {
  try {
    const r = await q.query<RawLedgerRow>(SELECT_LEDGER);
    return r.rows.map(fromRaw);
  } catch (err) {
    if (err instanceof DatabaseError && err.code === '42P01') return []; // undefined_table: nothing applied yet
    throw err;
  }
}

export function fromRaw(r: RawLedgerRow): LedgerRow {
  return {
    id: r.id,
    checksum: r.checksum,
    appliedAt: r.applied_at,
    durationMs: Number(r.duration_ms),
    appliedBy: r.applied_by,
    how: r.how === 'adopted' ? 'adopted' : 'applied',
  };
}

/** A SQL string literal; standard_conforming_strings is on in every supported version. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The INSERT that records `m` as applied, as literal SQL (it travels in one script with the migration). */
export function ledgerInsertSql(m: MigrationSource, durationMsExpr: string, how: 'applied' | 'adopted' = 'applied'): string {
  return `INSERT INTO ${LEDGER_TABLE} (id, checksum, duration_ms, how) VALUES (${sqlLiteral(m.id)}, ${sqlLiteral(m.checksum)}, ${durationMsExpr}, ${sqlLiteral(how)})`;
}

/** How each migration on disk and each ledger row relate. */
export interface MigrationStatus {
  /** `history` marks a baseline whose squashed migrations this database ran one by one. */
  applied: { id: string; path: string; appliedAt: string; how: 'applied' | 'adopted'; history?: true }[];
  pending: { id: string; path: string; requires: readonly string[] }[];
  changed: { id: string; path: string; appliedChecksum: string; fileChecksum: string; appliedAt: string }[];
  missing: { id: string; appliedAt: string; checksum: string }[];
  /** Baselines of which this database ran only part of the squashed history. */
  partial: { id: string; path: string; have: string[]; lack: string[] }[];
}

/**
 * Compares the ledger with the files: applied, pending (in plan order), changed since
 * applied, applied but missing. A baseline (`-- replaces:`) counts as applied where the
 * database ran all of the history it replaces; the rows of that history are not missing.
 */
export function compareLedger(order: readonly MigrationSource[], ledger: readonly LedgerRow[]): MigrationStatus {
  const rows = new Map(ledger.map((r) => [r.id, r]));
  const status: MigrationStatus = { applied: [], pending: [], changed: [], missing: [], partial: [] };
  const replaced = new Set(order.flatMap((m) => m.replaces));
  for (const m of order) {
    const row = rows.get(m.id);
    if (row) {
      if (row.checksum !== m.checksum)
        status.changed.push({ id: m.id, path: m.path, appliedChecksum: row.checksum, fileChecksum: m.checksum, appliedAt: row.appliedAt });
      continue;
    }
    const have = m.replaces.filter((r) => rows.has(r));
    if (have.length > 0 && have.length === m.replaces.length) {
      const appliedAt =
        have
          .map((r) => rows.get(r)?.appliedAt ?? '')
          .sort()
          .pop() ?? '';
      status.applied.push({ id: m.id, path: m.path, appliedAt, how: 'applied', history: true });
    } else if (have.length > 0) {
      status.partial.push({ id: m.id, path: m.path, have, lack: m.replaces.filter((r) => !rows.has(r)) });
    } else status.pending.push({ id: m.id, path: m.path, requires: m.requires });
  }
  const byId = new Map(order.map((m) => [m.id, m]));
  for (const row of ledger) {
    const m = byId.get(row.id);
    if (!m) {
      if (!replaced.has(row.id)) status.missing.push({ id: row.id, appliedAt: row.appliedAt, checksum: row.checksum });
    } else if (m.checksum === row.checksum) status.applied.push({ id: row.id, path: m.path, appliedAt: row.appliedAt, how: row.how });
  }
  return status;
}
