import type { Queryable } from '../../../db/types.ts';
import { RowReader } from './fields.ts';
import { emptyResult } from './kind.ts';
import type { ImportKind, ParsedRow, WriteResult } from './kind.ts';

/** One row of a suppliers file, checked; empty cells are null and leave what is stored. */
export interface SupplierRow {
  firmName: string;
  address: string | null;
  gstin: string | null;
  email: string | null;
  phone: string | null;
}

/** The API's rules for these fields (src/http/routes/suppliers.ts). */
const GSTIN = /^[0-9]{2}[A-Z0-9]{10}[0-9A-Z]Z[0-9A-Z]$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^[0-9+()\-. ]{3,40}$/;

/** Suppliers by firm name, whatever its case: an existing one is updated with the file's non-empty cells, a new one made. */
export const suppliersKind: ImportKind<SupplierRow> = {
  name: 'suppliers',
  description: 'suppliers (firm name, address, GSTIN, email, phone)',
  label: 'Suppliers',
  about: 'One row per supplier, known by its firm name: a row for a firm that exists updates it.',
  listPath: '/suppliers',
  columns: [
    { key: 'firmName', label: 'Firm Name', aliases: ['firm', 'supplier', 'supplier name', 'name', 'company', 'vendor'], required: true },
    { key: 'address', label: 'Address', aliases: ['addr'], required: false },
    { key: 'gstin', label: 'GSTIN', aliases: ['gst', 'gst no', 'gst number', 'gstin no'], required: false },
    { key: 'email', label: 'Email', aliases: ['e-mail', 'mail', 'email address'], required: false },
    { key: 'phone', label: 'Phone', aliases: ['mobile', 'telephone', 'tel', 'contact', 'phone number'], required: false },
  ],
  parse(cells, context) {
    const r = new RowReader({ ...cells, gstin: (cells.gstin ?? '').toUpperCase() }, context);
    return r.result<SupplierRow>({
      firmName: r.required('firmName', 255, 'Firm Name') ?? '',
      address: r.text('address', 2000, true),
      gstin: r.matching('gstin', 15, GSTIN, 'a GSTIN (15 characters, e.g. 27AAPFU0939F1ZV)'),
      email: r.matching('email', 255, EMAIL, 'an email address'),
      phone: r.matching('phone', 40, PHONE, 'a phone number (digits, spaces and + ( ) - .)'),
    });
  },
  key: (v) => v.firmName.toLowerCase(),
  write: writeSuppliers,
};

async function writeSuppliers(tx: Queryable, rows: ParsedRow<SupplierRow>[]): Promise<WriteResult> {
  const result = emptyResult();
  const col = <K extends keyof SupplierRow>(k: K) => rows.map((r) => r.value[k]);
  const found = await tx.query<{ ord: string; supplierId: number; changed: boolean }>(
    `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS k(firm_name, address, gstin, email, phone, ord)),
          f AS (SELECT DISTINCT ON (k.ord) k.*, s.supplier_id,
                       (k.address IS NOT NULL AND k.address IS DISTINCT FROM s.address) OR (k.gstin IS NOT NULL AND k.gstin IS DISTINCT FROM s.gstin)
                       OR (k.email IS NOT NULL AND k.email IS DISTINCT FROM s.email) OR (k.phone IS NOT NULL AND k.phone IS DISTINCT FROM s.phone) AS changed
                  FROM k JOIN public.suppliers s ON lower(s.firm_name) = lower(k.firm_name) ORDER BY k.ord, s.supplier_id),
          u AS (UPDATE public.suppliers s SET address = coalesce(f.address, s.address), gstin = coalesce(f.gstin, s.gstin), email = coalesce(f.email, s.email),
                       phone = coalesce(f.phone, s.phone)
                  FROM f WHERE s.supplier_id = f.supplier_id AND f.changed RETURNING s.supplier_id)
     SELECT ord::text AS ord, supplier_id AS "supplierId", changed FROM f`,
    [col('firmName'), col('address'), col('gstin'), col('email'), col('phone')],
  );
  const known = new Set<number>();
  for (const f of found.rows) {
    const row = rows[Number(f.ord) - 1]!;
    known.add(row.rowNumber);
    result.outcomes.set(row.rowNumber, `supplier ${f.changed ? 'updated' : 'unchanged'}`);
  }
  const fresh = rows.filter((r) => !known.has(r.rowNumber));
  if (fresh.length > 0) {
    const c = <K extends keyof SupplierRow>(k: K) => fresh.map((r) => r.value[k]);
    await tx.query(
      `INSERT INTO public.suppliers (firm_name, address, gstin, email, phone)
       SELECT firm_name, address, gstin, email, phone FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS k(firm_name, address, gstin, email, phone, ord) ORDER BY ord`,
      [c('firmName'), c('address'), c('gstin'), c('email'), c('phone')],
    );
    for (const r of fresh) result.outcomes.set(r.rowNumber, 'supplier created');
  }
  return result;
}
