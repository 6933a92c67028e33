import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime, formatQuantity, formatStatus } from '../format.ts';
import '../forms.css';
import '../items/finder.css';
import { Outcome, useAction } from '../forms.tsx';
import { ItemForm } from '../items/ItemForm.tsx';
import { StockMovementForm } from '../items/StockMovementForm.tsx';
import { PreferredSupplierSection } from '../items/PreferredSupplier.tsx';
import { RateHistorySection, SupplierComparisonSection } from '../items/VariantRates.tsx';
import { VariantForm } from '../items/VariantForm.tsx';
import { ConfirmButton } from '../ConfirmButton.tsx';
import { Pager } from '../Pager.tsx';
import { useCan } from '../session.tsx';
import type { Item, LedgerEntry, Variant } from '../shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

const LEDGER_PAGE_SIZE = 20;

type Deletable<T> = T & { deletedAt: string | null };

/**
 * One item: what it is (to edit, delete or restore), its variants with their stock (to add,
 * edit, delete or restore), and for a chosen variant (?variant=) its stock ledger, a stock
 * movement to record, its suppliers compared and its rate history. The controls that change
 * something show only to a user whose role may (catalog.write, stock.write: useCan).
 */
export default function ItemDetail() {
  const { id } = useParams();
  const path = `/api/items/${encodeURIComponent(id ?? '')}`;
  const item = useApi<Deletable<Item>>(path);
  const variants = useApi<Deletable<Variant>[]>(`${path}/variants?includeDeleted=true`);
  usePageTitle(item.data?.name ?? 'Item');

  if (item.error !== undefined) {
    return (
      <>
        <h1>Item</h1>
        <ErrorAlert error={item.error} />
        <p>
          <Link to="/items">Back to the items</Link>
        </p>
      </>
    );
  }
  if (!item.data) return <Loading />;
  const it = item.data;
  return (
    <>
      <p className="crumbs">
        <Link to="/items">Items</Link>
      </p>
      <h1>{it.name}</h1>
      <ItemFacts item={it} variants={variants.data} reload={item.reload} />
      {variants.error !== undefined ? (
        <ErrorAlert error={variants.error} />
      ) : !variants.data ? (
        <Loading />
      ) : (
        <VariantsAndLedger item={it} all={variants.data} reload={variants.reload} />
      )}
    </>
  );
}

/** What the item is, with editing it, and deleting or restoring it. */
function ItemFacts({ item, variants, reload }: { item: Deletable<Item>; variants: Deletable<Variant>[] | undefined; reload: () => void }) {
  const canWrite = useCan('catalog.write');
  const [editing, setEditing] = useState(false);
  const life = useAction();
  const deleted = item.deletedAt !== null;
  const toggleDeleted = () =>
    life
      .run(
        () => (deleted ? api<Item>('POST', `/api/items/${item.itemId}/restore`) : api<Item>('DELETE', `/api/items/${item.itemId}`)),
        deleted ? `Restored ${item.name}.` : `Deleted ${item.name}: restore it to use it again.`,
      )
      .then((ok) => {
        if (ok) reload();
      });
  return (
    <>
      {deleted && (
        <p className="alert">
          This item was deleted on {formatDateTime(item.deletedAt!)}: it is left out of lists and its stock cannot move.
          {canWrite && ' Restore it to use it again.'}
        </p>
      )}
      <dl className="facts">
        <div>
          <dt>Category</dt>
          <dd>{item.category ?? '—'}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>{item.model ?? '—'}</dd>
        </div>
        <div>
          <dt>Variation</dt>
          <dd>{item.variation ?? '—'}</dd>
        </div>
      </dl>
      {item.description && <p className="description">{item.description}</p>}
      {canWrite && (
        <div className="actions spaced">
          {!deleted && (
            <button type="button" className="secondary" aria-expanded={editing} aria-controls="edit-item" onClick={() => setEditing(!editing)}>
              Edit item
            </button>
          )}
          {deleted ? (
            <button type="button" className="secondary" disabled={life.busy} onClick={() => void toggleDeleted()}>
              {life.busy ? 'Restoring…' : 'Restore item'}
            </button>
          ) : (
            <ConfirmButton
              label="Delete item"
              question={`Delete ${item.name}? ${whatItHolds(variants)} It is left out of lists and its stock cannot move until it is restored.`}
              confirmLabel="Yes, delete the item"
              busyLabel="Deleting…"
              keepLabel="No, keep it"
              disabled={life.busy || variants === undefined}
              onConfirm={toggleDeleted}
            />
          )}
        </div>
      )}
      <Outcome action={life} />
      {editing && !deleted && canWrite && (
        <section id="edit-item" aria-labelledby="edit-item-heading" className="card">
          <h2 id="edit-item-heading">Edit item</h2>
          <ItemForm
            idPrefix="edit-item"
            item={item}
            submitLabel="Save item"
            busyLabel="Saving…"
            onCancel={() => setEditing(false)}
            save={async (fields) => {
              await api<Item>('PATCH', `/api/items/${item.itemId}`, fields);
              reload();
              return 'Saved.';
            }}
          />
        </section>
      )}
    </>
  );
}

function VariantsAndLedger({ item, all, reload }: { item: Deletable<Item>; all: Deletable<Variant>[]; reload: () => void }) {
  const canWrite = useCan('catalog.write');
  const canMove = useCan('stock.write');
  const live = item.deletedAt === null;
  const variants = all.filter((v) => v.deletedAt === null);
  const deleted = all.filter((v) => v.deletedAt !== null);
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('variant'));
  const chosen = variants.find((v) => v.variantId === asked) ?? variants[0];
  const choose = (variantId: number) => setParams({ variant: String(variantId) }, { replace: true });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Variant | undefined>(undefined);
  const [moved, setMoved] = useState(0);
  const [added, setAdded] = useState('');
  const life = useAction();
  const [acting, setActing] = useState<number | undefined>(undefined);
  const lifecycle = (v: Variant, restore: boolean) => {
    setActing(v.variantId);
    return life
      .run(
        () => api<Variant>(restore ? 'POST' : 'DELETE', `/api/variants/${v.variantId}${restore ? '/restore' : ''}`),
        `${restore ? 'Restored' : 'Deleted'} ${v.color} / ${v.size}.`,
      )
      .then((ok) => {
        setActing(undefined);
        if (ok) reload();
      });
  };

  return (
    <>
      <section aria-labelledby="variants-heading">
        <h2 id="variants-heading">Variants</h2>
        {variants.length === 0 ? (
          <p className="empty">This item has no variants yet{live && canWrite ? ': add one with Add variant.' : '.'}</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Colour</th>
                  <th scope="col">Size</th>
                  <th scope="col" className="num">
                    Stock
                  </th>
                  <th scope="col">Unit</th>
                  <th scope="col">Code</th>
                  <th scope="col">Barcode</th>
                  <th scope="col" className="num">
                    Threshold
                  </th>
                  <th scope="col">Preferred supplier</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {variants.map((v) => {
                  // As /api/stock/low counts it. Both have at most 9 + 3 digits: exact enough as doubles to compare.
                  const low = Number(v.stock) <= Number(v.reorderThreshold);
                  return (
                    <tr key={v.variantId} className={v === chosen ? 'chosen' : undefined}>
                      <td>{v.color}</td>
                      <td>{v.size}</td>
                      <td className="num">
                        {formatQuantity(v.stock)}
                        {low && <span className="badge status-failed">low stock</span>}
                      </td>
                      <td>{v.unit}</td>
                      <td className="code">{v.code ?? '—'}</td>
                      <td className="code">{v.barcode ?? '—'}</td>
                      <td className="num">{formatQuantity(v.reorderThreshold)}</td>
                      <td>{v.preferredSupplier ?? '—'}</td>
                      <td>
                        <div className="actions">
                          <button
                            type="button"
                            className="secondary"
                            aria-label={`Show ${v.color} / ${v.size}`}
                            aria-pressed={v === chosen}
                            onClick={() => choose(v.variantId)}
                          >
                            Show
                          </button>
                          {canWrite && (
                            <>
                              <button
                                type="button"
                                className="secondary"
                                aria-label={`Edit ${v.color} / ${v.size}`}
                                onClick={() => (setAdded(''), setEditing(v))}
                              >
                                Edit
                              </button>
                              <ConfirmButton
                                label="Delete"
                                labelForAll={`Delete ${v.color} / ${v.size}`}
                                question={`Delete ${v.color} / ${v.size}? It holds ${formatQuantity(v.stock)} ${v.unit} in stock.`}
                                confirmLabel="Yes, delete it"
                                busyLabel="Deleting…"
                                keepLabel="No, keep it"
                                disabled={life.busy}
                                onConfirm={() => lifecycle(v, false)}
                              />
                            </>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <Outcome action={life} />
        {deleted.length > 0 && (
          <>
            <h3>Deleted variants</h3>
            <ul>
              {deleted.map((v) => (
                <li key={v.variantId}>
                  {v.color} / {v.size}{' '}
                  {canWrite && (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Restore ${v.color} / ${v.size}`}
                      disabled={life.busy}
                      onClick={() => void lifecycle(v, true)}
                    >
                      {acting === v.variantId ? 'Restoring…' : 'Restore'}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        {live && canWrite && (
          <div className="actions">
            <button type="button" className="secondary" aria-expanded={adding} aria-controls="add-variant" onClick={() => (setAdded(''), setAdding(!adding))}>
              Add variant
            </button>
          </div>
        )}
        <p className="done" role="status">
          {added}
        </p>
        {adding && canWrite && (
          <fieldset id="add-variant" className="card">
            <legend>Add variant</legend>
            <VariantForm
              idPrefix="add-variant"
              submitLabel="Add variant"
              busyLabel="Adding…"
              onCancel={() => setAdding(false)}
              save={async (fields) => {
                const made = await api<Variant>('POST', `/api/items/${item.itemId}/variants`, fields);
                reload();
                choose(made.variantId);
                setAdding(false);
                setAdded(`Added ${made.color} / ${made.size}: it has no stock yet; record its opening balance under Record stock movement.`);
                return '';
              }}
            />
          </fieldset>
        )}
        {editing && canWrite && (
          <fieldset className="card">
            <legend>
              Edit {editing.color} / {editing.size}
            </legend>
            <VariantForm
              key={editing.variantId}
              idPrefix="edit-variant"
              variant={editing}
              submitLabel="Save variant"
              busyLabel="Saving…"
              onCancel={() => setEditing(undefined)}
              save={async (fields) => {
                const saved = await api<Variant>('PATCH', `/api/variants/${editing.variantId}`, fields);
                reload();
                return `Saved ${saved.color} / ${saved.size}.`;
              }}
            />
          </fieldset>
        )}
      </section>
      {chosen && (
        <>
          <section aria-labelledby="ledger-heading">
            <h2 id="ledger-heading">Stock ledger</h2>
            <div className="toolbar">
              <label htmlFor="ledger-variant">Variant</label>
              <select id="ledger-variant" value={chosen.variantId} onChange={(e) => choose(Number(e.target.value))}>
                {variants.map((v) => (
                  <option key={v.variantId} value={v.variantId}>
                    {v.color} / {v.size}
                  </option>
                ))}
              </select>
              <span>
                Stock: {formatQuantity(chosen.stock)} {chosen.unit}
              </span>
            </div>
            <Ledger key={`${chosen.variantId}-${moved}`} variant={chosen} canMove={canMove && live} />
          </section>
          {live && canMove && (
            <section aria-labelledby="movement-heading">
              <h2 id="movement-heading">Record stock movement</h2>
              <p className="caption">
                For {chosen.color} / {chosen.size}: stock moves only through the ledger.
              </p>
              <StockMovementForm
                key={chosen.variantId}
                variant={chosen}
                onRecorded={() => {
                  setAdded('');
                  setMoved((n) => n + 1);
                  reload();
                }}
              />
            </section>
          )}
          <PreferredSupplierSection key={`preferred-${chosen.variantId}`} variant={chosen} canChange={canWrite && live} onSaved={reload} />
          <SupplierComparisonSection key={`compare-${chosen.variantId}`} variant={chosen} />
          <RateHistorySection key={`history-${chosen.variantId}`} variant={chosen} />
        </>
      )}
    </>
  );
}

function Ledger({ variant, canMove }: { variant: Variant; canMove: boolean }) {
  const [page, setPage] = useState(1);
  const loaded = useApi<{ total: number; entries: LedgerEntry[] }>(
    `/api/variants/${variant.variantId}/ledger${query({ limit: LEDGER_PAGE_SIZE, offset: (page - 1) * LEDGER_PAGE_SIZE })}`,
  );
  if (loaded.error !== undefined) return <ErrorAlert error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { total, entries } = loaded.data;
  if (total === 0) return <p className="empty">No stock movements yet for this variant{canMove ? ': record its opening balance below.' : '.'}</p>;
  return (
    <>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">
            Stock movements of {variant.color} / {variant.size}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col">Date</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatStatus(e.type)}</td>
                <td className={`num ${e.quantity.startsWith('-') ? 'stock-out' : 'stock-in'}`}>
                  {signed(e.quantity)} {e.unit ?? variant.unit}
                </td>
                <td>{formatDateTime(e.createdAt)}</td>
                <td>{e.notes ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={Math.max(1, Math.ceil(total / LEDGER_PAGE_SIZE))} total={total} noun={['movement', 'movements']} onPage={setPage} />
    </>
  );
}

/**
 * What an item's live variants hold, for the question before deleting it: how many, and their
 * stock summed per unit ("Its 3 variants hold 12 pcs and 4.5 kg in stock.").
 */
function whatItHolds(variants: readonly Deletable<Variant>[] | undefined): string {
  const live = (variants ?? []).filter((v) => v.deletedAt === null);
  if (live.length === 0) return 'It has no variants.';
  const perUnit = new Map<string, number>();
  for (const v of live) perUnit.set(v.unit, (perUnit.get(v.unit) ?? 0) + Math.round(Number(v.stock) * 1000));
  const stock = [...perUnit].filter(([, milli]) => milli !== 0).map(([unit, milli]) => `${formatQuantity(String(milli / 1000))} ${unit}`);
  const count = live.length === 1 ? 'Its 1 variant holds' : `Its ${live.length} variants hold`;
  return stock.length === 0 ? `${count} no stock.` : `${count} ${stock.join(' and ')} in stock.`;
}

/** A movement's quantity with its direction: "+12" into stock, "−10" out of it (a true minus sign). */
function signed(quantity: string): string {
  return quantity.startsWith('-') ? `−${formatQuantity(quantity.slice(1))}` : `+${formatQuantity(quantity)}`;
}
