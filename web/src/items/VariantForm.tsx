import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Variant } from '../shapes.ts';
import { FormActions, FieldMessage, Outcome, invalidIf, useAction } from '../forms.tsx';

export const VARIANT_LABELS: Record<string, string> = {
  color: 'Colour',
  size: 'Size',
  unit: 'Unit',
  reorderThreshold: 'Reorder threshold',
  code: 'Code (SKU)',
  barcode: 'Barcode',
};

/** What the form sends: a code or barcode left empty is none (the API takes '' as none). */
export type VariantFields = Pick<Variant, 'color' | 'size' | 'unit' | 'reorderThreshold'> & { code: string; barcode: string };

/** A variant's colour, size, unit, reorder threshold, code and barcode: empty for a new one (unit "pcs", threshold 0) or from `variant`. */
export function VariantForm({
  idPrefix,
  variant,
  submitLabel,
  busyLabel,
  save,
  onCancel,
}: {
  idPrefix: string;
  variant?: Variant;
  submitLabel: string;
  busyLabel: string;
  save: (fields: VariantFields) => Promise<string>;
  onCancel?: () => void;
}) {
  const [color, setColor] = useState(variant?.color ?? '');
  const [size, setSize] = useState(variant?.size ?? '');
  const [unit, setUnit] = useState(variant?.unit ?? 'pcs');
  const [threshold, setThreshold] = useState(variant?.reorderThreshold ?? '0');
  const [code, setCode] = useState(variant?.code ?? '');
  const [barcode, setBarcode] = useState(variant?.barcode ?? '');
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(
      () => save({ color: color.trim(), size: size.trim(), unit: unit.trim(), reorderThreshold: threshold.trim(), code: code.trim(), barcode: barcode.trim() }),
      (message) => message,
    );
  };
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        <div>
          <label htmlFor={id('color')}>Colour</label>
          <input id={id('color')} value={color} onChange={(e) => setColor(e.target.value)} maxLength={100} {...invalidIf(action, 'color')} />
          <FieldMessage action={action} field="color" />
        </div>
        <div>
          <label htmlFor={id('size')}>Size</label>
          <input id={id('size')} value={size} onChange={(e) => setSize(e.target.value)} maxLength={100} {...invalidIf(action, 'size')} />
          <FieldMessage action={action} field="size" />
        </div>
        <div>
          <label htmlFor={id('unit')}>Unit</label>
          <input id={id('unit')} value={unit} onChange={(e) => setUnit(e.target.value)} maxLength={20} {...invalidIf(action, 'unit')} />
          <FieldMessage action={action} field="unit" />
        </div>
        <div>
          <label htmlFor={id('threshold')}>Reorder threshold</label>
          <input
            id={id('threshold')}
            inputMode="decimal"
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            {...invalidIf(action, 'reorderThreshold')}
          />
          <FieldMessage action={action} field="reorderThreshold" />
        </div>
        <div>
          <label htmlFor={id('code')}>Code (SKU)</label>
          <input
            id={id('code')}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            maxLength={40}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={id('code-hint')}
            {...invalidIf(action, 'code')}
          />
          <p className="hint" id={id('code-hint')}>
            Optional; no spaces. Unique: case does not count.
          </p>
        </div>
        <div>
          <label htmlFor={id('barcode')}>Barcode</label>
          <input
            id={id('barcode')}
            value={barcode}
            onChange={(e) => setBarcode(e.target.value)}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={id('barcode-hint')}
            {...invalidIf(action, 'barcode')}
          />
          <p className="hint" id={id('barcode-hint')}>
            Optional: scan it into this box.
          </p>
        </div>
      </div>
      <FormActions busy={action.busy} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
      <Outcome action={action} labels={VARIANT_LABELS} />
    </form>
  );
}
