import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDay, formatMoney, formatQuantity, formatUnitCost } from '../format.ts';
import { Outcome, useAction } from '../forms.tsx';
import { useVariants, variantName } from '../items/variants.ts';
import { ConfirmButton } from '../ConfirmButton.tsx';
import { Pager } from '../Pager.tsx';
import { useApi } from '../useApi.ts';
import { pageCount } from '../useSearchPage.ts';
import { RateForm, changeOf } from './RateForm.tsx';
import { RATE_COLUMNS, RatesTable } from './RatesTable.tsx';
import type { RateColumn } from './RatesTable.tsx';
import type { Rate, Supplier } from './shapes.ts';

const PAGE_SIZE = 20;
const SHOWN = { all: 'All rates', active: 'Active rates', inactive: 'Inactive rates' } as const;
type Shown = keyof typeof SHOWN;

/**
 * A supplier's rates, newest effective date first, a page at a time (the API lists them all:
 * the page filters and pages them), with adding, editing and deactivating a rate when `canWrite`.
 */
export function SupplierRates({ supplier, canWrite }: { supplier: Supplier; canWrite: boolean }) {
  const rates = useApi<Rate[]>(`/api/suppliers/${supplier.supplierId}/rates`);
  const [shown, setShown] = useState<Shown>('all');
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Rate | undefined>(undefined);
  const deactivate = useAction();
  /** How many of the supplier's rates for a variant are active. */
  const activeFor = (variantId: number) => (rates.data ?? []).filter((r) => r.isActive && r.variantId === variantId).length;

  const [search, setSearch] = useState('');
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const kept = (rates.data ?? []).filter((r) => shown === 'all' || r.isActive === (shown === 'active'));
  // The API has no search of a supplier's rates: a search reads every listed rate's variant (each once) and filters here.
  const named = words.length > 0 ? kept : kept.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const variants = useVariants(named.map((r) => r.variantId).concat(editing ? [editing.variantId] : []));
  const namesLoaded = words.length === 0 || kept.every((r) => variants.has(r.variantId));
  const listed =
    words.length === 0
      ? kept
      : kept.filter((r) => {
          const v = variants.get(r.variantId);
          const name = v ? variantName(v).toLowerCase() : '';
          return words.every((w) => name.includes(w));
        });
  const pages = pageCount(listed.length, PAGE_SIZE);
  const onPage = listed.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const nameOf = (variantId: number) => {
    const v = variants.get(variantId);
    // Until its name arrives a variant is "this variant", never a number a person cannot place.
    return v ? variantName(v) : 'this variant';
  };

  const actionsColumn: RateColumn = {
    header: 'Actions',
    cell: (r) => (
      <div className="actions">
        <button
          type="button"
          className="secondary"
          aria-label={`Edit the rate for ${nameOf(r.variantId)} from ${formatDay(r.effectiveFrom)}`}
          onClick={() => setEditing(r)}
        >
          Edit
        </button>
        {r.isActive && (
          <ConfirmButton
            label="Deactivate"
            labelForAll={`Deactivate the rate for ${nameOf(r.variantId)} from ${formatDay(r.effectiveFrom)}`}
            question={`Deactivate ${formatUnitCost(r.costPerUnit, r.currency)} a unit for ${nameOf(r.variantId)}? Costing and purchasing stop using it; ${activeFor(r.variantId) - 1} other active rate${activeFor(r.variantId) - 1 === 1 ? '' : 's'} of this supplier for it remain.`}
            confirmLabel="Yes, deactivate"
            busyLabel="Deactivating…"
            keepLabel="No, keep it"
            disabled={deactivate.busy}
            onConfirm={() =>
              deactivate
                .run(
                  () => api<Rate>('POST', `/api/rates/${r.rateId}/deactivate`),
                  `Deactivated the rate for ${nameOf(r.variantId)} from ${formatDay(r.effectiveFrom)}.`,
                )
                .then(() => rates.reload())
            }
          />
        )}
      </div>
    ),
  };

  return (
    <section aria-labelledby="rates-heading">
      <h2 id="rates-heading">Rates</h2>
      <div className="toolbar">
        <label htmlFor="rates-shown">Show</label>
        <select
          id="rates-shown"
          value={shown}
          onChange={(e) => {
            setShown(e.target.value as Shown);
            setPage(1);
          }}
        >
          {Object.entries(SHOWN).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor="rates-search">Search rates</label>
        <input
          id="rates-search"
          type="search"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
          placeholder="item, colour or size"
          autoComplete="off"
        />
        {canWrite && (
          <button type="button" className="secondary" aria-expanded={adding} aria-controls="add-rate" onClick={() => setAdding(!adding)}>
            Add rate
          </button>
        )}
      </div>
      {adding && canWrite && (
        <fieldset id="add-rate" className="card">
          <legend>Add rate</legend>
          <RateForm
            idPrefix="add-rate"
            submitLabel="Add rate"
            busyLabel="Adding…"
            onCancel={() => setAdding(false)}
            propose={(variantId, terms) => ({ supplierId: supplier.supplierId, variantId, ...terms })}
            save={async (variantId, terms) => {
              const made = await api<Rate>('POST', '/api/rates', { supplierId: supplier.supplierId, variantId, ...terms });
              rates.reload();
              return `Added the rate ${formatMoney(made.costPerUnit, made.currency)} from ${formatDay(made.effectiveFrom)}.`;
            }}
          />
        </fieldset>
      )}
      {editing && canWrite && (
        <fieldset className="card">
          <legend>Edit rate for {nameOf(editing.variantId)}</legend>
          <RateForm
            key={editing.rateId}
            idPrefix="edit-rate"
            rate={editing}
            submitLabel="Save rate"
            busyLabel="Saving…"
            onCancel={() => setEditing(undefined)}
            propose={(_variantId, terms) => changeOf(editing, terms)}
            save={async (_variantId, terms) => {
              const saved = await api<Rate>('PATCH', `/api/rates/${editing.rateId}`, terms);
              rates.reload();
              return `Saved the rate ${formatMoney(saved.costPerUnit, saved.currency)} from ${formatDay(saved.effectiveFrom)}.`;
            }}
          />
        </fieldset>
      )}
      <Outcome action={deactivate} />
      {rates.error !== undefined ? (
        <ErrorAlert error={rates.error} />
      ) : !rates.data || !namesLoaded ? (
        <Loading />
      ) : listed.length === 0 ? (
        <p className="empty">
          {words.length > 0
            ? `No ${shown === 'all' ? '' : `${shown} `}rate is for a variant matching “${search.trim()}”.`
            : shown === 'all'
              ? `No rates yet${canWrite ? ': add what this supplier charges for a variant with Add rate.' : '.'}`
              : `No ${shown} rates.`}
        </p>
      ) : (
        <>
          <RatesTable
            caption={`Rates of ${supplier.firmName}, newest effective date first`}
            rates={onPage}
            rowClass={(r) => (editing?.rateId === r.rateId ? 'chosen' : undefined)}
            columns={[
              {
                header: 'Variant',
                cell: (r) => {
                  const v = variants.get(r.variantId);
                  return v ? (
                    <Link to={`/items/${v.itemId}?variant=${v.variantId}`}>{variantName(v)}</Link>
                  ) : (
                    <span className="caption" title="Loading the variant’s name">
                      …
                    </span>
                  );
                },
              },
              RATE_COLUMNS.rate,
              RATE_COLUMNS.currency,
              { header: 'Min. order', num: true, cell: (r) => formatQuantity(r.minimumOrderQuantity) },
              {
                header: 'Effective',
                cell: (r) => (
                  <>
                    <span className="day">from {formatDay(r.effectiveFrom)}</span>{' '}
                    <span className="day">to {r.effectiveTo ? formatDay(r.effectiveTo) : 'open-ended'}</span>
                  </>
                ),
              },
              RATE_COLUMNS.breaks,
              RATE_COLUMNS.terms,
              RATE_COLUMNS.active,
              ...(canWrite ? [actionsColumn] : []),
            ]}
          />
          <Pager page={Math.min(page, pages)} pages={pages} total={listed.length} noun={['rate', 'rates']} onPage={setPage} />
        </>
      )}
    </section>
  );
}
