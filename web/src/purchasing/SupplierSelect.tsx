import type { Supplier } from '../suppliers/shapes.ts';
import { useApi } from '../useApi.ts';

/** The most suppliers a select offers (the API's largest page). */
const SUPPLIERS_OFFERED = 500;

/** The suppliers, by firm name, for a select: loaded once per page. */
export function useSuppliers() {
  return useApi<{ total: number; suppliers: Supplier[] }>(`/api/suppliers?limit=${SUPPLIERS_OFFERED}`);
}

/**
 * A select of the suppliers by firm name: `emptyLabel` is the choice of none ("Any supplier"
 * in a filter, "Choose a supplier" in a form). A chosen id the list does not hold is kept, by its number.
 */
export function SupplierSelect({
  id,
  value,
  onChange,
  emptyLabel,
  invalid = false,
  describedBy,
}: {
  id: string;
  value: string;
  onChange: (supplierId: string) => void;
  emptyLabel: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const loaded = useSuppliers();
  const suppliers = loaded.data?.suppliers ?? [];
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} {...(invalid ? { 'aria-invalid': true } : {})}>
      <option value="">{loaded.error !== undefined ? 'The suppliers could not be loaded' : !loaded.data ? 'Loading suppliers…' : emptyLabel}</option>
      {value && !suppliers.some((s) => String(s.supplierId) === value) && <option value={value}>Supplier {value}</option>}
      {suppliers.map((s) => (
        <option key={s.supplierId} value={s.supplierId}>
          {s.firmName}
        </option>
      ))}
    </select>
  );
}
