import { useState } from 'react';
import type { FormEvent } from 'react';
import { writeDay } from '../../../src/app/settings/days.ts';
import { api } from '../api.ts';
import { formatDay, formatMoney } from '../format.ts';
import '../forms.css';
import { FieldMessage, FormActions, Outcome, invalidIf, useAction } from '../forms.tsx';
import { useCan } from '../session.tsx';
import { useSettings } from '../settings.tsx';
import type { AppSettings } from '../settings.tsx';
import { usePageTitle } from '../title.ts';

const LABELS = { currency: 'Currency', dateFormat: 'Date format', targetMargin: 'Default target margin' };
const SAMPLE_DAY = '2026-11-05';

/** A currency's name in English ("Indian Rupee"), or its code where the browser knows none. */
function currencyName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * The installation's currency and date format: every page, export and import uses them. Everyone
 * signed in sees them; an admin changes them (PATCH /api/settings, audited), and every page is
 * drawn again with the change.
 */
export default function Settings() {
  usePageTitle('Settings');
  const { settings, saved, changed } = useSettings();
  const canChange = useCan('settings.manage');
  const [currency, setCurrency] = useState(settings.currency);
  const [dateFormat, setDateFormat] = useState(settings.dateFormat);
  const [targetMargin, setTargetMargin] = useState(settings.targetMargin);
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Every page is drawn again with the new settings (this one too), so the saying is kept by settings.tsx.
    void action.run(async () => {
      const answer = await api<AppSettings>('PATCH', '/api/settings', { currency, dateFormat, targetMargin: targetMargin.trim() });
      changed(
        answer,
        `Saved: money is shown in ${answer.currency}, days as ${answer.dateFormat}. Processes aim at a ${answer.targetMargin}% margin unless they set their own.`,
      );
    }, '');
  };

  return (
    <>
      <h1>Settings</h1>
      <p className="hint">
        How every page shows money and days, how the exports write them, and how the import reads days (it also reads YYYY-MM-DD, whatever the format).
      </p>
      {canChange ? (
        <form onSubmit={submit} noValidate className="card settings-form">
          <div className="field">
            <label htmlFor="settings-currency">Currency</label>
            <select id="settings-currency" value={currency} onChange={(e) => setCurrency(e.target.value)} {...invalidIf(action, 'currency')}>
              {settings.currencies.map((code) => (
                <option key={code} value={code}>
                  {code} — {currencyName(code)}
                </option>
              ))}
            </select>
            <p className="hint">Shown as {formatMoney('1234.5', currency)}.</p>
          </div>
          <div className="field">
            <label htmlFor="settings-date-format">Date format</label>
            <select
              id="settings-date-format"
              value={dateFormat}
              onChange={(e) => setDateFormat(e.target.value as AppSettings['dateFormat'])}
              {...invalidIf(action, 'dateFormat')}
            >
              {settings.dateFormats.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
            <p className="hint">5 November 2026 is written {writeDay(SAMPLE_DAY, dateFormat)}.</p>
          </div>
          <div className="field">
            <label htmlFor="settings-target-margin">Default target margin (%)</label>
            <input
              id="settings-target-margin"
              inputMode="decimal"
              value={targetMargin}
              onChange={(e) => setTargetMargin(e.target.value)}
              {...invalidIf(action, 'targetMargin')}
            />
            <FieldMessage action={action} field="targetMargin" />
            <p className="hint">
              Every process aims at this worst-case margin unless it sets its own; costing, a rate’s what-if and the dashboard’s margin watch mark the processes
              below it.
            </p>
          </div>
          <FormActions busy={action.busy} submitLabel="Save settings" busyLabel="Saving…" />
          {action.error === undefined && !action.done ? (
            <p className="done" role="status">
              {saved}
            </p>
          ) : (
            <Outcome action={action} labels={LABELS} />
          )}
        </form>
      ) : (
        <dl className="card">
          <dt>Currency</dt>
          <dd>
            {settings.currency} — {currencyName(settings.currency)} ({formatMoney('1234.5')})
          </dd>
          <dt>Date format</dt>
          <dd>
            {settings.dateFormat} ({formatDay(SAMPLE_DAY)})
          </dd>
          <dt>Default target margin</dt>
          <dd>{settings.targetMargin}%</dd>
        </dl>
      )}
    </>
  );
}
