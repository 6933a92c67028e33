import { VariantFinder } from '../items/VariantFinder.tsx';

/**
 * A form's variant field: the variant finder (one box: name, code or barcode), answering with
 * the chosen variant's id, or undefined while none is chosen.
 */
export function VariantPicker({
  idPrefix,
  onChange,
  invalid,
}: {
  idPrefix: string;
  /** The chosen id as the form holds it (the finder shows its own text). */
  value?: number | undefined;
  onChange: (variantId: number | undefined) => void;
  invalid?: boolean;
}) {
  return (
    <div className="wide">
      <VariantFinder id={`${idPrefix}-variant`} onPick={(v) => onChange(v?.variantId)} invalid={invalid} />
    </div>
  );
}
