import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import { formatQuantity } from '../format.ts';
import type { LedgerEntry, Variant } from '../shapes.ts';
import { FormActions, FieldMessage, Outcome, invalidIf, useAction } from '../forms.tsx';

const TYPES = {
  receipt: { label: 'Receipt (stock in)', hint: 'The quantity received, above 0.' },
  issue: { label: 'Issue (stock out)', hint: 'The quantity taken out, above 0; stock may not go below 0.' },
  adjustment: { label: 'Adjustment (correction)', hint: 'The signed change: 5 adds, -5 takes away. Say why in Reason.' },
  opening: { label: 'Opening balance', hint: 'The stock a variant starts with: only as its first movement.' },
} as const;
type MovementType = keyof typeof TYPES;

export const MOVEMENT_LABELS: Record<string, string> = { type: 'Type', quantity: 'Quantity', reason: 'Reason' };

/** Records a receipt, issue, adjustment (with its reason) or opening balance of `variant`; `onRecorded` follows the new stock. */
export function StockMovementForm({ variant, onRecorded }: { variant: Variant; onRecorded: () => void }) {
  const [type, setType] = useState<MovementType>('receipt');
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action
      .run(
        () =>
          api<{ entry: LedgerEntry; stockBefore: string; stockAfter: string }>('POST', '/api/stock/movements', {
            variantId: variant.variantId,
            type,
            quantity: quantity.trim(),
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          }),
        (m) =>
          `Recorded: ${TYPES[type].label.replace(/ \(.*/, '').toLowerCase()} of ${formatQuantity(m.entry.quantity.replace(/^-/, ''))} ${variant.unit}; stock ${formatQuantity(m.stockBefore)} → ${formatQuantity(m.stockAfter)} ${variant.unit}.`,
      )
      .then((ok) => {
        if (!ok) return;
        setQuantity('');
        setReason('');
        onRecorded();
      });
  };
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        <div>
          <label htmlFor="movement-type">Type</label>
          <select id="movement-type" value={type} onChange={(e) => setType(e.target.value as MovementType)} aria-describedby="movement-hint">
            {Object.entries(TYPES).map(([value, t]) => (
              <option key={value} value={value}>
                {t.label}
              </option>
            ))}
          </select>
          <p className="hint" id="movement-hint">
            {TYPES[type].hint}
          </p>
        </div>
        <div>
          <label htmlFor="movement-quantity">Quantity ({variant.unit})</label>
          <input id="movement-quantity" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} {...invalidIf(action, 'quantity')} />
          <FieldMessage action={action} field="quantity" />
        </div>
        <div className="wide">
          <label htmlFor="movement-reason">Reason{type === 'adjustment' ? '' : ' (optional)'}</label>
          <textarea
            id="movement-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={2}
            maxLength={2000}
            {...invalidIf(action, 'reason')}
          />
          <FieldMessage action={action} field="reason" />
        </div>
      </div>
      <FormActions busy={action.busy} submitLabel="Record movement" busyLabel="Recording…" />
      <Outcome action={action} labels={MOVEMENT_LABELS} />
    </form>
  );
}
