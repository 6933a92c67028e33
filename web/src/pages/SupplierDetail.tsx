import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import '../forms.css';
import { Outcome, useAction } from '../forms.tsx';
import { SupplierLedger } from '../purchasing/SupplierLedger.tsx';
import { useCan } from '../session.tsx';
import { SUPPLIER_LABELS, SupplierForm } from '../suppliers/SupplierForm.tsx';
import { SupplierRates } from '../suppliers/SupplierRates.tsx';
import type { Supplier } from '../suppliers/shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

/**
 * One supplier: its details (to edit), deleting it (refused while it has rates), its rates, and
 * its purchasing ledger (orders, receipts, on-time share, per variant the last price paid and its history).
 * A user whose role may not change the catalog (useCan('catalog.write')) reads the details and rates only.
 */
export default function SupplierDetail() {
  const { id } = useParams();
  const path = `/api/suppliers/${encodeURIComponent(id ?? '')}`;
  const supplier = useApi<Supplier>(path);
  const canWrite = useCan('catalog.write');
  const canReadPurchasing = useCan('purchasing.read');
  usePageTitle(supplier.data?.firmName ?? 'Supplier');

  if (supplier.error !== undefined) {
    return (
      <>
        <h1>Supplier</h1>
        <ErrorAlert error={supplier.error} />
        <p>
          <Link to="/suppliers">Back to the suppliers</Link>
        </p>
      </>
    );
  }
  if (!supplier.data) return <Loading />;
  const s = supplier.data;
  return (
    <>
      <p className="crumbs">
        <Link to="/suppliers">Suppliers</Link>
      </p>
      <h1>{s.firmName}</h1>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        {canWrite ? (
          <SupplierForm
            idPrefix="supplier"
            supplier={s}
            submitLabel="Save changes"
            busyLabel="Saving…"
            save={async (fields) => {
              await api<Supplier>('PATCH', path, fields);
              supplier.reload();
              return 'Saved.';
            }}
          />
        ) : (
          <SupplierFacts supplier={s} />
        )}
      </section>
      <SupplierRates supplier={s} canWrite={canWrite} />
      {canReadPurchasing && <SupplierLedger supplierId={s.supplierId} />}
      {canWrite && <DeleteSupplier supplier={s} />}
    </>
  );
}

/** The supplier's details to read, labelled as the form labels them. */
function SupplierFacts({ supplier }: { supplier: Supplier }) {
  return (
    <dl className="facts">
      {(['firmName', 'address', 'gstin', 'email', 'phone'] as const).map((field) => (
        <div key={field}>
          <dt>{SUPPLIER_LABELS[field]}</dt>
          <dd>{supplier[field] ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Deleting asks once more; the API refuses a supplier with rates and says what to do instead. */
function DeleteSupplier({ supplier }: { supplier: Supplier }) {
  const [asked, setAsked] = useState(false);
  const action = useAction();
  // How many rates it has, for the question: asked when the question is.
  const rates = useApi<{ isActive: boolean }[]>(asked ? `/api/suppliers/${supplier.supplierId}/rates` : null);
  const navigate = useNavigate();
  const remove = () =>
    void action
      .run(() => api<undefined>('DELETE', `/api/suppliers/${supplier.supplierId}`), `Deleted ${supplier.firmName}.`)
      .then((ok) => {
        setAsked(false);
        if (ok) void navigate('/suppliers', { replace: true });
      });
  return (
    <section aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete supplier</h2>
      <p className="caption">A supplier with rates is kept as costing history: deactivate its rates instead.</p>
      <div className="actions">
        {!asked ? (
          <button type="button" className="secondary" onClick={() => (action.clear(), setAsked(true))}>
            Delete supplier
          </button>
        ) : (
          <>
            <span>
              Delete {supplier.firmName} for good?{' '}
              {rates.data === undefined
                ? ''
                : rates.data.length === 0
                  ? 'It has no rates.'
                  : `It has ${rates.data.length} rate${rates.data.length === 1 ? '' : 's'}, ${rates.data.filter((r) => r.isActive).length} active.`}
            </span>
            <button type="button" disabled={action.busy} onClick={remove}>
              {action.busy ? 'Deleting…' : 'Yes, delete'}
            </button>
            <button type="button" className="secondary" disabled={action.busy} onClick={() => setAsked(false)}>
              Keep it
            </button>
          </>
        )}
      </div>
      <Outcome action={action} />
    </section>
  );
}
