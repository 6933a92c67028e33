import { useState } from 'react';
import type { FormEvent } from 'react';
import { FormActions, FieldMessage, Outcome, invalidIf, orNull, useAction } from '../forms.tsx';
import type { Supplier } from './shapes.ts';

export const SUPPLIER_LABELS: Record<string, string> = {
  firmName: 'Firm name',
  address: 'Address',
  gstin: 'GSTIN',
  email: 'Email',
  phone: 'Phone',
  leadTimeDays: 'Lead time',
};

export type SupplierFields = Pick<Supplier, 'firmName' | 'address' | 'gstin' | 'email' | 'phone' | 'leadTimeDays'>;

/**
 * A supplier's fields, empty for a new one or filled from `supplier`; `save` gets them as the
 * API takes them (empty optional fields as null) and what it returns is the success message.
 */
export function SupplierForm({
  idPrefix,
  supplier,
  submitLabel,
  busyLabel,
  save,
}: {
  idPrefix: string;
  supplier?: Supplier;
  submitLabel: string;
  busyLabel: string;
  save: (fields: SupplierFields) => Promise<string>;
}) {
  const [firmName, setFirmName] = useState(supplier?.firmName ?? '');
  const [address, setAddress] = useState(supplier?.address ?? '');
  const [gstin, setGstin] = useState(supplier?.gstin ?? '');
  const [email, setEmail] = useState(supplier?.email ?? '');
  const [phone, setPhone] = useState(supplier?.phone ?? '');
  const [lead, setLead] = useState(String(supplier?.leadTimeDays ?? 0));
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(
      () =>
        save({
          firmName: firmName.trim(),
          address: orNull(address),
          gstin: orNull(gstin.toUpperCase()),
          email: orNull(email),
          phone: orNull(phone),
          // A lead time that is not a whole number goes as written: the API names the field.
          leadTimeDays: /^\d+$/.test(lead.trim()) ? Number(lead.trim()) : (lead.trim() as unknown as number),
        }),
      (message) => message,
    );
  };
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        <div>
          <label htmlFor={id('firmName')}>Firm name</label>
          <input
            id={id('firmName')}
            value={firmName}
            onChange={(e) => setFirmName(e.target.value)}
            required
            maxLength={255}
            {...invalidIf(action, 'firmName')}
          />
          <FieldMessage action={action} field="firmName" />
        </div>
        <div>
          <label htmlFor={id('gstin')}>GSTIN</label>
          <input
            id={id('gstin')}
            value={gstin}
            onChange={(e) => setGstin(e.target.value)}
            maxLength={15}
            placeholder="27AAPFU0939F1ZV"
            {...invalidIf(action, 'gstin')}
          />
          <FieldMessage action={action} field="gstin" />
        </div>
        <div>
          <label htmlFor={id('email')}>Email</label>
          <input id={id('email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={255} {...invalidIf(action, 'email')} />
          <FieldMessage action={action} field="email" />
        </div>
        <div>
          <label htmlFor={id('phone')}>Phone</label>
          <input id={id('phone')} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} maxLength={40} {...invalidIf(action, 'phone')} />
          <FieldMessage action={action} field="phone" />
        </div>
        <div>
          <label htmlFor={id('lead')}>Lead time in days</label>
          <input id={id('lead')} inputMode="numeric" value={lead} onChange={(e) => setLead(e.target.value)} {...invalidIf(action, 'leadTimeDays')} />
          <FieldMessage action={action} field="leadTimeDays" />
        </div>
        <div className="wide">
          <label htmlFor={id('address')}>Address</label>
          <textarea
            id={id('address')}
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            maxLength={2000}
            rows={2}
            {...invalidIf(action, 'address')}
          />
          <FieldMessage action={action} field="address" />
        </div>
      </div>
      <FormActions busy={action.busy} submitLabel={submitLabel} busyLabel={busyLabel} />
      <Outcome action={action} labels={SUPPLIER_LABELS} />
    </form>
  );
}
