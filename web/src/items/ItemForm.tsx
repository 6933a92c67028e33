import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Item } from '../shapes.ts';
import { useApi } from '../useApi.ts';
import { FormActions, FieldMessage, Outcome, invalidIf, orNull, useAction } from '../forms.tsx';

export const ITEM_LABELS: Record<string, string> = { name: 'Name', category: 'Category', model: 'Model', variation: 'Variation', description: 'Description' };

export type ItemFields = Pick<Item, 'name' | 'category' | 'model' | 'variation' | 'description'>;

/**
 * An item's fields, empty for a new one or filled from `item`. The category offers the ones
 * items have (/api/categories) and takes a new one as typed; model and variation are names too.
 */
export function ItemForm({
  idPrefix,
  item,
  submitLabel,
  busyLabel,
  save,
  onCancel,
}: {
  idPrefix: string;
  item?: Item;
  submitLabel: string;
  busyLabel: string;
  save: (fields: ItemFields) => Promise<string>;
  onCancel?: () => void;
}) {
  const categories = useApi<{ category: string; itemCount: number }[]>('/api/categories');
  const [name, setName] = useState(item?.name ?? '');
  const [category, setCategory] = useState(item?.category ?? '');
  const [model, setModel] = useState(item?.model ?? '');
  const [variation, setVariation] = useState(item?.variation ?? '');
  const [description, setDescription] = useState(item?.description ?? '');
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(
      () => save({ name: name.trim(), category: orNull(category), model: orNull(model), variation: orNull(variation), description: orNull(description) }),
      (message) => message,
    );
  };
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        <div>
          <label htmlFor={id('name')}>Name</label>
          <input id={id('name')} value={name} onChange={(e) => setName(e.target.value)} maxLength={255} required {...invalidIf(action, 'name')} />
          <FieldMessage action={action} field="name" />
        </div>
        <div>
          <label htmlFor={id('category')}>Category</label>
          <input
            id={id('category')}
            list={id('categories')}
            value={category}
            onChange={(e) => setCategory(e.target.value)}
            maxLength={100}
            placeholder="choose or type"
            autoComplete="off"
            {...invalidIf(action, 'category')}
          />
          <FieldMessage action={action} field="category" />
          <datalist id={id('categories')}>
            {categories.data?.map((c) => (
              <option key={c.category} value={c.category} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor={id('model')}>Model</label>
          <input id={id('model')} value={model} onChange={(e) => setModel(e.target.value)} maxLength={255} {...invalidIf(action, 'model')} />
          <FieldMessage action={action} field="model" />
        </div>
        <div>
          <label htmlFor={id('variation')}>Variation</label>
          <input id={id('variation')} value={variation} onChange={(e) => setVariation(e.target.value)} maxLength={255} {...invalidIf(action, 'variation')} />
          <FieldMessage action={action} field="variation" />
        </div>
        <div className="wide">
          <label htmlFor={id('description')}>Description</label>
          <textarea
            id={id('description')}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={2}
            maxLength={10000}
            {...invalidIf(action, 'description')}
          />
          <FieldMessage action={action} field="description" />
        </div>
      </div>
      <FormActions busy={action.busy} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
      <Outcome action={action} labels={ITEM_LABELS} />
    </form>
  );
}
