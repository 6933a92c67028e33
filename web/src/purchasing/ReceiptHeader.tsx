import type { ReactNode } from 'react';
import { ProblemAt, invalidAt } from './problems.tsx';
import { today } from '../days.ts';
import { DayInput } from '../DayInput.tsx';

/** What a receipt's form holds of the bill: its number, day, tax, discount and grand total. */
export interface ReceiptHeaderDraft {
  billNumber: string;
  receivedOn: string;
  taxPercentage: string;
  discountPercentage: string;
  discountAmount: string;
  grandTotal: string;
  notes: string;
}

export function emptyHeader(): ReceiptHeaderDraft {
  return { billNumber: '', receivedOn: today(), taxPercentage: '', discountPercentage: '', discountAmount: '', grandTotal: '', notes: '' };
}

/** The paths of the header's fields in the API's errors. */
export const HEADER_PATHS = ['billNumber', 'receivedOn', 'taxPercentage', 'discountPercentage', 'discountAmount', 'grandTotal', 'notes'] as const;

/** The header as the API takes it: what is left empty is left out (no tax, no discount, the grand total computed). */
export function headerBody(h: ReceiptHeaderDraft): Record<string, string> {
  const body: Record<string, string> = {};
  for (const key of HEADER_PATHS) if (h[key].trim()) body[key] = h[key].trim();
  return body;
}

/** The fields of a receipt's bill, each with the API's refusal next to it. */
export function ReceiptHeaderFields({
  header,
  onChange,
  error,
  lead,
}: {
  header: ReceiptHeaderDraft;
  onChange: (patch: Partial<ReceiptHeaderDraft>) => void;
  error: unknown;
  /** A field of the form's own before the bill's (the supplier of a receipt on its own). */
  lead?: ReactNode;
}) {
  const field = (key: (typeof HEADER_PATHS)[number], label: string, props: Record<string, string> = {}, hint?: string) => (
    <div>
      <label htmlFor={`gr-${key}`}>{label}</label>
      {key === 'receivedOn' ? (
        <DayInput id={`gr-${key}`} value={header[key]} onChange={(v) => onChange({ receivedOn: v })} {...invalidAt(error, key)} />
      ) : (
        <input
          id={`gr-${key}`}
          value={header[key]}
          onChange={(e) => onChange({ [key]: e.target.value })}
          {...props}
          {...(hint ? { 'aria-describedby': `gr-${key}-hint` } : {})}
          {...invalidAt(error, key)}
        />
      )}
      {hint && (
        <p className="hint" id={`gr-${key}-hint`}>
          {hint}
        </p>
      )}
      <ProblemAt error={error} path={key} label={label} />
    </div>
  );
  return (
    <div className="form-grid">
      {lead}
      {field('billNumber', 'Bill number (optional)', { maxLength: '255', autoComplete: 'off' })}
      {field('receivedOn', 'Received on')}
      {field('taxPercentage', 'Tax %', { inputMode: 'decimal', placeholder: '0' })}
      {field('discountPercentage', 'Discount %', { inputMode: 'decimal', placeholder: '0' })}
      {field('discountAmount', 'Discount amount', { inputMode: 'decimal', placeholder: '0' })}
      {field('grandTotal', 'Grand total (optional)', { inputMode: 'decimal' }, 'As the bill says; worked out from the lines when empty.')}
      <div className="wide">
        <label htmlFor="gr-notes">Notes (optional)</label>
        <textarea
          id="gr-notes"
          rows={2}
          maxLength={2000}
          value={header.notes}
          onChange={(e) => onChange({ notes: e.target.value })}
          {...invalidAt(error, 'notes')}
        />
        <ProblemAt error={error} path="notes" label="Notes" />
      </div>
    </div>
  );
}
