import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import '../forms.css';
import { Pager } from '../Pager.tsx';
import { useCan } from '../session.tsx';
import { SupplierForm } from '../suppliers/SupplierForm.tsx';
import type { Supplier } from '../suppliers/shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 25;

/** The suppliers, searched by firm name and a page at a time (?q=, ?page=), and a form for a new one that opens it once made. */
export default function Suppliers() {
  usePageTitle('Suppliers');
  const { q, page, typed, setTyped, setPage } = useSearchPage();
  const [adding, setAdding] = useState(false);
  const navigate = useNavigate();
  const canWrite = useCan('catalog.write');

  const loaded = useApi<{ total: number; suppliers: Supplier[] }>(`/api/suppliers${query({ search: q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`);
  const pages = pageCount(loaded.data?.total ?? 0, PAGE_SIZE);

  return (
    <>
      <h1>Suppliers</h1>
      <div className="toolbar">
        <label htmlFor="supplier-search">Search suppliers</label>
        <input id="supplier-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="firm name" autoComplete="off" />
        {canWrite && (
          <button type="button" className="secondary" aria-expanded={adding} aria-controls="new-supplier" onClick={() => setAdding(!adding)}>
            New supplier
          </button>
        )}
      </div>
      {adding && canWrite && (
        <section id="new-supplier" aria-labelledby="new-supplier-heading" className="card">
          <h2 id="new-supplier-heading">New supplier</h2>
          <SupplierForm
            idPrefix="new-supplier"
            submitLabel="Create supplier"
            busyLabel="Creating…"
            save={async (fields) => {
              const made = await api<Supplier>('POST', '/api/suppliers', fields);
              void navigate(`/suppliers/${made.supplierId}`);
              return `Created ${made.firmName}.`;
            }}
          />
        </section>
      )}
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.suppliers.length === 0 ? (
        <p className="empty">
          {q
            ? `No supplier’s firm name contains “${q}”. `
            : page > 1
              ? 'This page is past the last supplier. '
              : `No suppliers yet${canWrite ? ': add one with New supplier.' : '.'}`}
          {(q || page > 1) && <Link to="/suppliers">Show all suppliers</Link>}
        </p>
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Firm name</th>
                  <th scope="col">GSTIN</th>
                  <th scope="col">Email</th>
                  <th scope="col">Phone</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.suppliers.map((s) => (
                  <tr key={s.supplierId}>
                    <td>
                      <Link to={`/suppliers/${s.supplierId}`}>{s.firmName}</Link>
                    </td>
                    <td>{s.gstin ?? '—'}</td>
                    <td>{s.email ?? '—'}</td>
                    <td className="nobreak">{s.phone ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} total={loaded.data.total} noun={['supplier', 'suppliers']} onPage={setPage} />
        </>
      )}
    </>
  );
}
