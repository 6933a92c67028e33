import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Variant } from '../shapes.ts';
import { FormActions, FieldMessage, Outcome, invalidIf, useAction } from '../forms.tsx';

export const VARIANT_LABELS: Record<string, string> = { color: 'Colour', size: 'Size', unit: 'Unit', reorderThreshold: 'Reorder threshold' };

export type VariantFields = Pick<Variant, 'color' | 'size' | 'unit' | 'reorderThreshold'>;

/** A variant's colour, size, unit and reorder threshold: empty for a new one (unit "pcs", threshold 0) or from `variant`. */
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
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(
      () => save({ color: color.trim(), size: size.trim(), unit: unit.trim(), reorderThreshold: threshold.trim() }),
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
      </div>
      <FormActions busy={action.busy} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
      <Outcome action={action} labels={VARIANT_LABELS} />
    </form>
  );
}
