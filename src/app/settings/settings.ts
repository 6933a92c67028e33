import { MtcError } from '../../errors.ts';
import type { Database, Queryable } from '../../db/types.ts';
import { auditedChange } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { isoUtc } from '../timestamps.ts';
import { DATE_FORMATS, isDateFormat } from './days.ts';
import type { DateFormat } from './days.ts';

/** How the installation writes a day and an amount (migration 0033's one row of `app_settings`). */
export interface Settings {
  /** The ISO 4217 code of the money every page, export and report shows (INR unless changed). */
  currency: string;
  /** How a day is written on every page and in exports, and read (besides ISO) by the import. */
  dateFormat: DateFormat;
  /** The margin every process aims at unless it sets its own, in percent (2 decimals): "15.00" unless changed. */
  targetMargin: string;
  updatedAt: string;
}

export type SettingsChange = Partial<Pick<Settings, 'currency' | 'dateFormat' | 'targetMargin'>>;
type SettingsInput = { currency?: string; dateFormat?: string; targetMargin?: string };

/** What migration 0033 puts in the row: what an installation that changed nothing has. */
export const DEFAULT_SETTINGS: Readonly<Pick<Settings, 'currency' | 'dateFormat' | 'targetMargin'>> = Object.freeze({
  currency: 'INR',
  dateFormat: 'DD/MM/YYYY',
  targetMargin: '15.00',
});

/** A setting refused: `field` names it, `accepted` what it takes. */
export class SettingsError extends MtcError {
  constructor(field: 'currency' | 'dateFormat' | 'targetMargin', message: string, accepted: readonly string[]) {
    super('SETTING_INVALID', message, 'usage', { field, accepted });
    this.name = 'SettingsError';
  }
}

/** Every ISO 4217 code this runtime knows (Intl's list), sorted: what `currency` accepts. */
export function currencyCodes(): string[] {
  return Intl.supportedValuesOf('currency');
}

const COLUMNS = `currency::text AS currency, date_format AS "dateFormat", target_margin::text AS "targetMargin", ${isoUtc('updated_at')} AS "updatedAt"`;

/** The installation's settings, as everyone signed in may read them. */
export async function getSettings(q: Queryable): Promise<Settings> {
  const row = (await q.query<Settings>(`SELECT ${COLUMNS} FROM public.app_settings`)).rows[0];
  // The row is made by the migration and never deleted; a database restored without it still reads the defaults.
  return row ?? { ...DEFAULT_SETTINGS, updatedAt: new Date(0).toISOString() };
}

/**
 * The change checked: a currency is an ISO 4217 code (any case, answered in capitals), a date
 * format one of DATE_FORMATS, a target margin a percentage from 0 to 99.99 (answered with 2 decimals); SETTING_INVALID (usage) names the field and what it accepts.
 */
export function checkSettingsChange(change: SettingsInput): SettingsChange {
  const checked: SettingsChange = {};
  if (change.currency !== undefined) {
    const code = change.currency.trim().toUpperCase();
    const codes = currencyCodes();
    if (!codes.includes(code))
      throw new SettingsError(
        'currency',
        `currency "${change.currency}" is not an ISO 4217 currency code: write its three letters, such as INR, USD, EUR or GBP`,
        codes,
      );
    checked.currency = code;
  }
  if (change.dateFormat !== undefined) {
    const format = change.dateFormat.trim().toUpperCase();
    if (!isDateFormat(format))
      throw new SettingsError('dateFormat', `date format "${change.dateFormat}" is not one MTC writes: choose ${DATE_FORMATS.join(', ')}`, DATE_FORMATS);
    checked.dateFormat = format;
  }
  if (change.targetMargin !== undefined) {
    const target = change.targetMargin.trim();
    if (!/^\d{1,2}(\.\d{1,2})?$/.test(target))
      throw new SettingsError(
        'targetMargin',
        `target margin "${change.targetMargin}" is not a percentage MTC keeps: write one from 0 to 99.99 with at most 2 decimals, such as 15 or 12.5`,
        [],
      );
    checked.targetMargin = Number(target).toFixed(2);
  }
  return checked;
}

/**
 * Changes the currency, the date format, the default target margin or several (an admin's change), audited as an `update` of
 * `settings` with the values before and after; a change that changes nothing records nothing.
 * Answers the settings after.
 */
export async function changeSettings(db: Database, change: SettingsInput, actor: Actor): Promise<Settings> {
  const checked = checkSettingsChange(change);
  const after = await auditedChange(db, actor, { action: 'update', entity: 'settings', entityId: 'app' }, async (tx) => {
    const before = (await tx.query<Settings>(`SELECT ${COLUMNS} FROM public.app_settings FOR UPDATE`)).rows[0];
    if (!before) throw new MtcError('SETTINGS_MISSING', 'the settings row is missing: run mtc migrate (migration 0033 makes it)', 'state');
    const next = { ...before, ...checked };
    if (next.currency === before.currency && next.dateFormat === before.dateFormat && next.targetMargin === before.targetMargin) return null;
    const updated = (
      await tx.query<Settings>(`UPDATE public.app_settings SET currency = $1, date_format = $2, target_margin = $3::numeric RETURNING ${COLUMNS}`, [
        next.currency,
        next.dateFormat,
        next.targetMargin,
      ])
    ).rows[0]!;
    return { before, after: updated };
  });
  return after ?? getSettings(db);
}
