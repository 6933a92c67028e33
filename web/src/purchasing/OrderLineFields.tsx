import { VariantPicker } from '../suppliers/VariantPicker.tsx';
import { ProblemAt, invalidAt } from './problems.tsx';

/** A line of an order as a form holds it: what is typed, sent as the API takes it. */
export interface LineDraft {
  /** Stays with the line while others are added and removed. */
  key: number;
  variantId: number | undefined;
  quantity: string;
  /** Empty: the supplier's rate in effect on the order's date. */
  unitPrice: string;
  taxRate: string;
  discountRate: string;
}

let nextKey = 1;

export function emptyLine(): LineDraft {
  return { key: nextKey++, variantId: undefined, quantity: '', unitPrice: '', taxRate: '', discountRate: '' };
}

/** The body of a line for the API: a price, tax or discount left empty is left out (the supplier's rate; no tax; no discount). */
export function lineBody(line: LineDraft): Record<string, unknown> {
  return {
    variantId: line.variantId,
    quantity: line.quantity.trim(),
    ...(line.unitPrice.trim() ? { unitPrice: line.unitPrice.trim() } : {}),
    ...(line.taxRate.trim() ? { taxRate: line.taxRate.trim() } : {}),
    ...(line.discountRate.trim() ? { discountRate: line.discountRate.trim() } : {}),
  };
}

/**
 * The fields of one new line: the variant (found by its item), quantity, unit price (empty for
 * the supplier's rate), tax and discount; an API error about the line (`path`, e.g. "lines/1")
 * is shown next to the field it names.
 */
export function OrderLineFields({
  idPrefix,
  line,
  onChange,
  error,
  path,
}: {
  idPrefix: string;
  line: LineDraft;
  /** Changes some of the line's fields (applied to the line as it is then: the variant picker answers late). */
  onChange: (patch: Partial<LineDraft>) => void;
  error: unknown;
  /** Where the API puts this line's fields in its errors ("lines/0"; "" for a line sent alone). */
  path: string;
}) {
  const at = (field: string) => (path ? `${path}/${field}` : field);
  const set = (field: 'quantity' | 'unitPrice' | 'taxRate' | 'discountRate') => (e: { target: { value: string } }) => onChange({ [field]: e.target.value });
  return (
    <div className="form-grid">
      <VariantPicker
        idPrefix={idPrefix}
        value={line.variantId}
        onChange={(variantId) => onChange({ variantId })}
        invalid={invalidAt(error, at('variantId'))['aria-invalid']}
      />
      <div className="wide">
        <ProblemAt error={error} path={at('variantId')} label="Variant" />
      </div>
      <div>
        <label htmlFor={`${idPrefix}-quantity`}>Quantity</label>
        <input id={`${idPrefix}-quantity`} inputMode="decimal" value={line.quantity} onChange={set('quantity')} {...invalidAt(error, at('quantity'))} />
        <ProblemAt error={error} path={at('quantity')} label="Quantity" />
      </div>
      <div>
        <label htmlFor={`${idPrefix}-price`}>Unit price</label>
        <input
          id={`${idPrefix}-price`}
          inputMode="decimal"
          value={line.unitPrice}
          onChange={set('unitPrice')}
          placeholder="the supplier’s rate"
          aria-describedby={`${idPrefix}-price-hint`}
          {...invalidAt(error, at('unitPrice'))}
        />
        <p className="hint" id={`${idPrefix}-price-hint`}>
          Empty: the supplier’s rate on the order’s date.
        </p>
        <ProblemAt error={error} path={at('unitPrice')} label="Unit price" />
      </div>
      <div>
        <label htmlFor={`${idPrefix}-tax`}>Tax %</label>
        <input id={`${idPrefix}-tax`} inputMode="decimal" value={line.taxRate} onChange={set('taxRate')} placeholder="0" {...invalidAt(error, at('taxRate'))} />
        <ProblemAt error={error} path={at('taxRate')} label="Tax %" />
      </div>
      <div>
        <label htmlFor={`${idPrefix}-discount`}>Discount %</label>
        <input
          id={`${idPrefix}-discount`}
          inputMode="decimal"
          value={line.discountRate}
          onChange={set('discountRate')}
          placeholder="0"
          {...invalidAt(error, at('discountRate'))}
        />
        <ProblemAt error={error} path={at('discountRate')} label="Discount %" />
      </div>
    </div>
  );
}
