// A variant's preferred supplier, on the item's page: the supplier reorder suggestions buy it
// from while that supplier has a rate in effect, shown to everyone and chosen by whoever may
// edit items (catalog.write).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatUnitCost } from '../format.ts';
import { FormActions, FieldMessage, Outcome, invalidIf, useAction } from '../forms.tsx';
import { useSuppliers } from '../purchasing/SupplierSelect.tsx';
import type { Variant } from '../shapes.ts';
import type { Rate, SupplierComparison } from '../suppliers/shapes.ts';
import { useApi } from '../useApi.ts';

const price = (r: Rate) => formatUnitCost(r.costPerUnit, r.currency);

/**
 * The preferred supplier of `variant` and whether it has a rate in effect today (so whether
 * suggestions use it). With `canChange`, a choice of any supplier (those with a rate in effect
 * today first, with their rate) or none; `onSaved` follows the change.
 */
export function PreferredSupplierSection({ variant, canChange, onSaved }: { variant: Variant; canChange: boolean; onSaved: () => void }) {
  const rates = useApi<SupplierComparison>(`/api/variants/${variant.variantId}/supplier-comparison`);
  const inEffect = rates.data?.rates ?? [];
  const preferredRate = inEffect.find((r) => r.supplierId === variant.preferredSupplierId);
  const name = variant.preferredSupplier ?? (variant.preferredSupplierId === null ? null : `Supplier ${variant.preferredSupplierId}`);
  return (
    <section aria-labelledby="preferred-supplier-heading">
      <h2 id="preferred-supplier-heading">Preferred supplier</h2>
      {rates.error !== undefined ? (
        <ErrorAlert error={rates.error} />
      ) : !rates.data ? (
        <Loading />
      ) : (
        <p data-testid="preferred-supplier-now">
          {name === null ? (
            <>
              <strong>None</strong>: reorder suggestions buy {variant.color} / {variant.size} from the supplier with the lowest rate in effect.
            </>
          ) : preferredRate ? (
            <>
              <strong>{name}</strong>: reorder suggestions buy {variant.color} / {variant.size} from it, at its rate in effect today ({price(preferredRate)}).
            </>
          ) : (
            <>
              <strong>{name}</strong>, which has no rate in effect today: until it has one, reorder suggestions buy {variant.color} / {variant.size} from the
              supplier with the lowest rate.
            </>
          )}
        </p>
      )}
      {canChange && rates.data && <PreferredSupplierForm variant={variant} inEffect={inEffect} onSaved={onSaved} />}
    </section>
  );
}

/** The choice: none, a supplier with a rate in effect today (cheapest first), or any other supplier. */
function PreferredSupplierForm({ variant, inEffect, onSaved }: { variant: Variant; inEffect: Rate[]; onSaved: () => void }) {
  const suppliers = useSuppliers();
  const [chosen, setChosen] = useState(variant.preferredSupplierId === null ? '' : String(variant.preferredSupplierId));
  const action = useAction();
  const rated = new Set(inEffect.map((r) => r.supplierId));
  // One option per supplier: the comparison may list a supplier's rates in several currencies.
  const withRate = inEffect.filter((r, i) => inEffect.findIndex((x) => x.supplierId === r.supplierId) === i);
  const others = (suppliers.data?.suppliers ?? []).filter((s) => !rated.has(s.supplierId));
  const listed = rated.has(Number(chosen)) || others.some((s) => String(s.supplierId) === chosen);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const supplierId = chosen === '' ? null : Number(chosen);
    void action
      .run(
        () => api<Variant>('PATCH', `/api/variants/${variant.variantId}`, { preferredSupplierId: supplierId }),
        (saved) => (saved.preferredSupplier === null ? 'Saved: no preferred supplier.' : `Saved: ${saved.preferredSupplier} is the preferred supplier.`),
      )
      .then((ok) => ok && onSaved());
  };
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        <div className="wide">
          <label htmlFor="preferred-supplier">Preferred supplier of {`${variant.color} / ${variant.size}`}</label>
          <select
            id="preferred-supplier"
            value={chosen}
            onChange={(e) => setChosen(e.target.value)}
            aria-describedby="preferred-supplier-hint"
            {...invalidIf(action, 'preferredSupplierId')}
          >
            <option value="">None: the lowest rate in effect</option>
            {chosen !== '' && !listed && <option value={chosen}>{variant.preferredSupplier ?? `Supplier ${chosen}`}</option>}
            {withRate.length > 0 && (
              <optgroup label="With a rate in effect today">
                {withRate.map((r) => (
                  <option key={r.supplierId} value={r.supplierId}>
                    {r.firmName} — {price(r)}
                  </option>
                ))}
              </optgroup>
            )}
            {others.length > 0 && (
              <optgroup label="No rate in effect today">
                {others.map((s) => (
                  <option key={s.supplierId} value={s.supplierId}>
                    {s.firmName} (no rate in effect)
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          <FieldMessage action={action} field="preferredSupplierId" />
          <p className="hint" id="preferred-supplier-hint">
            {suppliers.error !== undefined
              ? 'The suppliers without a rate could not be loaded: only those with a rate in effect today are offered.'
              : 'Those with a rate in effect today come first, cheapest first. A supplier without one is used only once it has a rate in effect.'}
          </p>
        </div>
      </div>
      <FormActions busy={action.busy} submitLabel="Save preferred supplier" busyLabel="Saving…" />
      <Outcome action={action} labels={{ preferredSupplierId: 'Preferred supplier' }} />
    </form>
  );
}
