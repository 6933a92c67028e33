import { useState } from 'react';
import type { FormEvent } from 'react';
import { FieldMessage, FormActions, Outcome, errorField, invalidIf, useAction } from '../forms.tsx';
import type { Rate } from './shapes.ts';
import { VariantPicker } from './VariantPicker.tsx';
import { DayInput } from '../DayInput.tsx';
import { useSettings } from '../settings.tsx';
import { WhatIfPreview } from '../margins/WhatIfPreview.tsx';
import { today } from '../days.ts';

export const RATE_LABELS: Record<string, string> = {
  variantId: 'Variant',
  costPerUnit: 'Rate per unit',
  currency: 'Currency',
  minimumOrderQuantity: 'Minimum order quantity',
  effectiveFrom: 'Effective from',
  effectiveTo: 'Effective to',
  isActive: 'Active',
  breaks: 'Price breaks',
  leadTimeDays: 'Lead time',
  packSize: 'Pack size',
};

/** A rate's terms as the API takes them. */
export interface RateTerms {
  costPerUnit: string;
  currency: string;
  minimumOrderQuantity: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  isActive: boolean;
  breaks: { fromQuantity: string; costPerUnit: string }[];
  leadTimeDays: number | null;
  packSize: string;
}

/** Breaks as the form writes them, "100:9.50; 500:9.00" (the rates import's Price Breaks column). */
export const breaksText = (breaks: RateTerms['breaks']) => breaks.map((b) => `${b.fromQuantity.replace(/\.?0+$/, '')}:${b.costPerUnit}`).join('; ');

/** The breaks a person wrote, or the part that is not `quantity:rate`. */
export function readBreaks(text: string): { breaks: RateTerms['breaks'] } | { problem: string } {
  const breaks: RateTerms['breaks'] = [];
  for (const part of text.split(';').map((p) => p.trim())) {
    if (part === '') continue;
    const [q, c, ...rest] = part.split(':');
    if (c === undefined || rest.length > 0)
      return { problem: `"${part}" is not a break: write each as quantity:rate, separated by semicolons, e.g. 100:9.50; 500:9.00` };
    breaks.push({ fromQuantity: q!.trim(), costPerUnit: c.trim() });
  }
  return { breaks };
}

/** An existing rate's change as the what-if takes it: its id and the terms that differ; null when none does. */
export function changeOf(rate: Rate, terms: RateTerms): Record<string, unknown> | null {
  const differs = {
    costPerUnit: Number(terms.costPerUnit) !== Number(rate.costPerUnit),
    currency: terms.currency !== rate.currency,
    minimumOrderQuantity: Number(terms.minimumOrderQuantity) !== Number(rate.minimumOrderQuantity),
    effectiveFrom: terms.effectiveFrom !== rate.effectiveFrom,
    effectiveTo: terms.effectiveTo !== rate.effectiveTo,
    isActive: terms.isActive !== rate.isActive,
    breaks: breaksText(terms.breaks) !== breaksText(rate.breaks),
    leadTimeDays: terms.leadTimeDays !== rate.leadTimeDays,
    packSize: Number(terms.packSize) !== Number(rate.packSize),
  };
  const changed = (Object.keys(differs) as (keyof RateTerms)[]).filter((k) => differs[k]);
  return changed.length === 0 ? null : { rateId: rate.rateId, ...Object.fromEntries(changed.map((k) => [k, terms[k]])) };
}

/** Terms whose amount, currency, quantity and days are written as the API reads them. */
function looksComplete(t: RateTerms): boolean {
  return (
    /^\d{1,10}(\.\d{1,2})?$/.test(t.costPerUnit) &&
    /^[A-Z]{3}$/.test(t.currency) &&
    /^\d{1,9}(\.\d{1,3})?$/.test(t.minimumOrderQuantity) &&
    Number(t.minimumOrderQuantity) > 0 &&
    /^\d{4}-\d{2}-\d{2}$/.test(t.effectiveFrom) &&
    (t.effectiveTo === null || /^\d{4}-\d{2}-\d{2}$/.test(t.effectiveTo)) &&
    (t.leadTimeDays === null || (Number.isInteger(t.leadTimeDays) && t.leadTimeDays >= 0 && t.leadTimeDays <= 730)) &&
    /^\d{1,9}(\.\d{1,3})?$/.test(t.packSize) &&
    Number(t.packSize) > 0 &&
    t.breaks.every((b) => /^\d{1,9}(\.\d{1,3})?$/.test(b.fromQuantity) && /^\d{1,10}(\.\d{1,2})?$/.test(b.costPerUnit))
  );
}

/**
 * A rate's terms: for a new rate (`rate` absent) with a variant picked by searching items, for
 * an existing one with its variant fixed. `save` gets the variant (new rates) and the terms.
 */
export function RateForm({
  idPrefix,
  rate,
  submitLabel,
  busyLabel,
  save,
  propose,
  onCancel,
}: {
  idPrefix: string;
  rate?: Rate;
  submitLabel: string;
  busyLabel: string;
  save: (variantId: number, terms: RateTerms) => Promise<string>;
  /** The change the form's terms make, as the what-if takes it (null: none to try); absent: no what-if. */
  propose?: (variantId: number, terms: RateTerms) => Record<string, unknown> | null;
  onCancel?: () => void;
}) {
  const [variantId, setVariantId] = useState<number | undefined>(rate?.variantId);
  const [costPerUnit, setCost] = useState(rate?.costPerUnit ?? '');
  const { settings } = useSettings();
  const [currency, setCurrency] = useState(rate?.currency ?? settings.currency);
  const [minimum, setMinimum] = useState(rate?.minimumOrderQuantity ?? '1');
  const [from, setFrom] = useState(rate?.effectiveFrom ?? today());
  const [to, setTo] = useState(rate?.effectiveTo ?? '');
  const [active, setActive] = useState(rate?.isActive ?? true);
  const [breaks, setBreaks] = useState(rate ? breaksText(rate.breaks) : '');
  const [lead, setLead] = useState(rate?.leadTimeDays == null ? '' : String(rate.leadTimeDays));
  const [pack, setPack] = useState(rate ? rate.packSize.replace(/\.?0+$/, '') : '1');
  const [badBreaks, setBadBreaks] = useState<string | null>(null);
  const action = useAction();
  const [noVariant, setNoVariant] = useState(false);

  const terms: RateTerms = {
    costPerUnit: costPerUnit.trim(),
    currency: currency.trim().toUpperCase(),
    minimumOrderQuantity: minimum.trim(),
    effectiveFrom: from,
    effectiveTo: to === '' ? null : to,
    isActive: active,
    breaks: [],
    leadTimeDays: lead.trim() === '' ? null : Number(lead.trim()),
    packSize: pack.trim(),
  };
  // Asked only of terms the API would read, so a half-typed amount (or break) asks nothing.
  const written = readBreaks(breaks);
  const tried = 'breaks' in written ? { ...terms, breaks: written.breaks } : null;
  const proposal = propose && variantId !== undefined && tried !== null && looksComplete(tried) ? propose(variantId, tried) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (variantId === undefined) {
      setNoVariant(true);
      return;
    }
    setNoVariant(false);
    const read = readBreaks(breaks);
    setBadBreaks('problem' in read ? read.problem : null);
    if ('problem' in read) return;
    void action.run(
      () => save(variantId, { ...terms, breaks: read.breaks }),
      (message) => message,
    );
  };
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        {!rate && (
          <VariantPicker idPrefix={id('pick')} value={variantId} onChange={setVariantId} invalid={noVariant || errorField(action.error) === 'variantId'} />
        )}
        <div>
          <label htmlFor={id('cost')}>Rate per unit</label>
          <input
            id={id('cost')}
            inputMode="decimal"
            value={costPerUnit}
            onChange={(e) => setCost(e.target.value)}
            placeholder="e.g. 1250.50"
            {...invalidIf(action, 'costPerUnit')}
          />
          <FieldMessage action={action} field="costPerUnit" />
        </div>
        <div>
          <label htmlFor={id('currency')}>Currency</label>
          <input
            id={id('currency')}
            value={currency}
            onChange={(e) => setCurrency(e.target.value)}
            maxLength={3}
            placeholder="INR"
            {...invalidIf(action, 'currency')}
          />
          <FieldMessage action={action} field="currency" />
        </div>
        <div>
          <label htmlFor={id('minimum')}>Minimum order quantity</label>
          <input
            id={id('minimum')}
            inputMode="decimal"
            value={minimum}
            onChange={(e) => setMinimum(e.target.value)}
            {...invalidIf(action, 'minimumOrderQuantity')}
          />
          <FieldMessage action={action} field="minimumOrderQuantity" />
        </div>
        <div>
          <label htmlFor={id('from')}>Effective from</label>
          <DayInput id={id('from')} value={from} onChange={(v) => setFrom(v)} {...invalidIf(action, 'effectiveFrom')} />
          <FieldMessage action={action} field="effectiveFrom" />
        </div>
        <div>
          <label htmlFor={id('to')}>Effective to (empty: open-ended)</label>
          <DayInput id={id('to')} value={to} onChange={(v) => setTo(v)} {...invalidIf(action, 'effectiveTo')} />
          <FieldMessage action={action} field="effectiveTo" />
        </div>
        <div className="wide">
          <label htmlFor={id('breaks')}>Price breaks (quantity:rate; …, empty for none)</label>
          <input
            id={id('breaks')}
            value={breaks}
            onChange={(e) => setBreaks(e.target.value)}
            placeholder="e.g. 100:9.50; 500:9.00"
            aria-invalid={badBreaks !== null || errorField(action.error) === 'breaks' || undefined}
            aria-describedby={id('breaks-note')}
          />
          <p className="caption" id={id('breaks-note')}>
            From that many units bought on, that rate each: costing a run uses the break its quantity reaches.
          </p>
          {badBreaks !== null && (
            <p className="field-problem" role="alert">
              {badBreaks}
            </p>
          )}
          <FieldMessage action={action} field="breaks" />
        </div>
        <div>
          <label htmlFor={id('lead')}>Lead time in days (empty: the supplier’s)</label>
          <input id={id('lead')} inputMode="numeric" value={lead} onChange={(e) => setLead(e.target.value)} {...invalidIf(action, 'leadTimeDays')} />
          <FieldMessage action={action} field="leadTimeDays" />
        </div>
        <div>
          <label htmlFor={id('pack')}>Pack size</label>
          <input id={id('pack')} inputMode="decimal" value={pack} onChange={(e) => setPack(e.target.value)} {...invalidIf(action, 'packSize')} />
          <FieldMessage action={action} field="packSize" />
        </div>
        {rate && (
          <div>
            <label htmlFor={id('active')} className="check">
              <input id={id('active')} type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active
            </label>
          </div>
        )}
      </div>
      {propose && <WhatIfPreview request={proposal === null ? null : { changes: [proposal] }} what={rate ? 'this change' : 'this rate'} />}
      <FormActions busy={action.busy} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
      {noVariant ? (
        <p className="alert" role="alert">
          <strong>Variant: </strong>find the item and choose its variant first.
        </p>
      ) : (
        <Outcome action={action} labels={RATE_LABELS} />
      )}
    </form>
  );
}
