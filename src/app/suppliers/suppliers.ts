import type { Database, Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { auditAs, auditedChange } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { MtcError } from '../../errors.ts';
import { isoUtc } from '../timestamps.ts';

/** A supplier as the API shows it. */
export interface Supplier {
  supplierId: number;
  firmName: string;
  address: string | null;
  gstin: string | null;
  email: string | null;
  phone: string | null;
  /** Days from an order to its delivery, for each rate of this supplier that names none. */
  leadTimeDays: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields a caller sets; null clears an optional one. */
export interface SupplierInput {
  firmName: string;
  address?: string | null;
  gstin?: string | null;
  email?: string | null;
  phone?: string | null;
  /** A whole number of days, 0 to 730; 0 when not given. */
  leadTimeDays?: number;
}

/**
 * An error of the suppliers area: `NOT_FOUND` (404), `usage` ones (400) and `state` ones
 * (409) such as `SUPPLIER_NAME_TAKEN`, `SUPPLIER_HAS_RATES`, `RATE_OVERLAP`.
 */
export class SupplierError extends MtcError {}

const SUPPLIER_COLUMNS = `supplier_id AS "supplierId", firm_name AS "firmName", address, gstin, email, phone, lead_time_days AS "leadTimeDays", ${isoUtc('created_at')} AS "createdAt", ${isoUtc('updated_at')} AS "updatedAt"`;
/** The optional columns, by their API name: the only names that ever reach SQL text. */
const OPTIONAL_COLUMNS = { address: 'address', gstin: 'gstin', email: 'email', phone: 'phone' } as const;

/** Suppliers whose firm name contains `search` (any case), by firm name, one page of them and how many match in all. */
export async function listSuppliers(
  q: Queryable,
  filter: { search?: string; limit: number; offset: number },
): Promise<{ total: number; suppliers: Supplier[] }> {
  const where = `($1::text IS NULL OR position(lower($1::text) in lower(firm_name)) > 0)`;
  const search = filter.search ?? null;
  const total = Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.suppliers WHERE ${where}`, [search])).rows[0]?.n ?? 0);
  const suppliers = (
    await q.query<Supplier>(`SELECT ${SUPPLIER_COLUMNS} FROM public.suppliers WHERE ${where} ORDER BY lower(firm_name), supplier_id LIMIT $2 OFFSET $3`, [
      search,
      filter.limit,
      filter.offset,
    ])
  ).rows;
  return { total, suppliers };
}

/** One supplier, or null. `forUpdate` locks its row until the transaction ends (rates of one supplier are written one at a time). */
export async function getSupplier(q: Queryable, supplierId: number, forUpdate = false): Promise<Supplier | null> {
  return (
    (await q.query<Supplier>(`SELECT ${SUPPLIER_COLUMNS} FROM public.suppliers WHERE supplier_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [supplierId]))
      .rows[0] ?? null
  );
}

/** The supplier, or `NOT_FOUND`. */
export async function requireSupplier(q: Queryable, supplierId: number, forUpdate = false): Promise<Supplier> {
  const s = await getSupplier(q, supplierId, forUpdate);
  if (!s) throw new SupplierError('NOT_FOUND', `no supplier ${supplierId}`, 'state', { supplierId });
  return s;
}

/** `SUPPLIER_NAME_TAKEN` when another supplier has this firm name in any case ("ACME" and "Acme" are one firm). */
async function assertNameFree(q: Queryable, firmName: string, exceptId: number | null): Promise<void> {
  const r = await q.query('SELECT 1 FROM public.suppliers WHERE lower(firm_name) = lower($1) AND supplier_id IS DISTINCT FROM $2', [firmName, exceptId]);
  if (r.rowCount > 0) throw nameTaken(firmName);
}

const nameTaken = (firmName: string) => new SupplierError('SUPPLIER_NAME_TAKEN', `a supplier named ${firmName} exists already`, 'state', { field: 'firmName' });

/** Runs a write, turning a race on the unique firm name (suppliers_firm_name_key) into `SUPPLIER_NAME_TAKEN`. */
async function uniqueName<T>(firmName: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof DatabaseError && err.code === '23505' && /suppliers_firm_name_key/.test(`${err.message} ${err.detail ?? ''}`)) throw nameTaken(firmName);
    throw err;
  }
}

/**
 * Creates a supplier as the actor, audited (`create` of `supplier`) in the same transaction;
 * `SUPPLIER_NAME_TAKEN` (409) when the firm name is in use, and then nothing is written.
 */
export async function createSupplier(db: Database, input: SupplierInput, actor: Actor): Promise<Supplier> {
  return db.transaction((tx) => createSupplierIn(tx, input, actor));
}

/** createSupplier inside the caller's transaction (the demo seed's, a test's). */
export async function createSupplierIn(q: Queryable, input: SupplierInput, actor: Actor): Promise<Supplier> {
  assertLeadTime(input.leadTimeDays);
  await assertNameFree(q, input.firmName, null);
  const r = await uniqueName(input.firmName, () =>
    q.query<Supplier>(
      `INSERT INTO public.suppliers (firm_name, address, gstin, email, phone, lead_time_days) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SUPPLIER_COLUMNS}`,
      [input.firmName, input.address ?? null, input.gstin ?? null, input.email ?? null, input.phone ?? null, input.leadTimeDays ?? 0],
    ),
  );
  const made = r.rows[0]!;
  await auditAs(q, actor, { action: 'create', entity: 'supplier', entityId: made.supplierId, after: made });
  return made;
}

/**
 * Changes the fields given (null clears one) as the actor, audited with before and after;
 * answers the supplier after. `NOT_FOUND` (404), `SUPPLIER_NAME_TAKEN` (409).
 */
export async function updateSupplier(db: Database, supplierId: number, change: Partial<SupplierInput>, actor: Actor): Promise<Supplier> {
  const after = await auditedChange(db, actor, { action: 'update', entity: 'supplier', entityId: supplierId }, (tx) => changeSupplier(tx, supplierId, change));
  return after!;
}

/** `INVALID_LEAD_TIME` (400) unless a lead time given is a whole number of days from 0 to 730. */
function assertLeadTime(days: number | undefined): void {
  if (days !== undefined && !(Number.isInteger(days) && days >= 0 && days <= 730)) {
    throw new SupplierError('INVALID_LEAD_TIME', `leadTimeDays: write a whole number of days from 0 to 730, not ${days}`, 'usage', { field: 'leadTimeDays' });
  }
}

async function changeSupplier(q: Queryable, supplierId: number, change: Partial<SupplierInput>): Promise<{ before: Supplier; after: Supplier }> {
  assertLeadTime(change.leadTimeDays);
  const before = await requireSupplier(q, supplierId, true);
  const sets: string[] = [];
  const params: unknown[] = [supplierId];
  if (change.firmName !== undefined && change.firmName !== before.firmName) {
    await assertNameFree(q, change.firmName, supplierId);
    params.push(change.firmName);
    sets.push(`firm_name = $${params.length}`);
  }
  for (const [field, column] of Object.entries(OPTIONAL_COLUMNS)) {
    const value = change[field as keyof typeof OPTIONAL_COLUMNS];
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  if (change.leadTimeDays !== undefined && change.leadTimeDays !== before.leadTimeDays) {
    params.push(change.leadTimeDays);
    sets.push(`lead_time_days = $${params.length}`);
  }
  if (sets.length === 0) return { before, after: before };
  const r = await uniqueName(change.firmName ?? before.firmName, () =>
    q.query<Supplier>(`UPDATE public.suppliers SET ${sets.join(', ')} WHERE supplier_id = $1 RETURNING ${SUPPLIER_COLUMNS}`, params),
  );
  return { before, after: r.rows[0]! };
}

/**
 * Deletes a supplier that has no rates as the actor, audited with what was deleted; returns it.
 * `NOT_FOUND` (404). A supplier with rates, active or not, is refused with `SUPPLIER_HAS_RATES`
 * (409): its rates are the costing history, which deleting would cascade away. Deactivate its
 * rates instead.
 */
export async function deleteSupplier(db: Database, supplierId: number, actor: Actor): Promise<Supplier> {
  return db.transaction(async (tx) => {
    const before = await removeSupplier(tx, supplierId);
    await auditAs(tx, actor, { action: 'delete', entity: 'supplier', entityId: supplierId, before });
    return before;
  });
}

async function removeSupplier(q: Queryable, supplierId: number): Promise<Supplier> {
  const before = await requireSupplier(q, supplierId, true);
  const counts = (
    await q.query<{ rates: number; active: number }>(
      'SELECT count(*)::int AS rates, (count(*) FILTER (WHERE is_active))::int AS active FROM public.variant_supplier_pricing WHERE supplier_id = $1',
      [supplierId],
    )
  ).rows[0]!;
  if (counts.rates > 0) {
    throw new SupplierError(
      'SUPPLIER_HAS_RATES',
      `supplier ${supplierId} (${before.firmName}) has ${counts.rates} rate(s), ${counts.active} active: a supplier with rate history is kept; deactivate its rates (POST /api/rates/:id/deactivate) to take it out of costing`,
      'state',
      { supplierId, rates: counts.rates, activeRates: counts.active },
    );
  }
  await q.query('DELETE FROM public.suppliers WHERE supplier_id = $1', [supplierId]);
  return before;
}
