import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { DATE_FORMATS } from '../../app/settings/days.ts';
import { changeSettings, currencyCodes, getSettings } from '../../app/settings/settings.ts';
import type { Settings } from '../../app/settings/settings.ts';
import { actorOf } from '../auth.ts';
import { Literals, errors } from '../schemas.ts';

const SettingsSchema = Type.Object({
  currency: Type.String({ description: 'the ISO 4217 code of the money every page, export and report shows (INR unless changed)' }),
  dateFormat: Literals(DATE_FORMATS, {
    description: 'how a day is written on every page and in exports, and read by the import (which also reads YYYY-MM-DD)',
  }),
  targetMargin: Type.String({
    description:
      'the margin every process aims at unless it sets its own, in percent with 2 decimals ("15.00" unless changed); costing marks the processes below it',
  }),
  updatedAt: Type.String({ format: 'date-time' }),
  dateFormats: Type.Array(Literals(DATE_FORMATS), { description: 'the date formats that may be chosen' }),
  currencies: Type.Array(Type.String(), { description: 'the ISO 4217 codes that may be chosen' }),
});

// Checked by the app layer (changeSettings), whose message names the field and lists what it takes.
const CurrencyInput = Type.String({ maxLength: 20, description: 'an ISO 4217 code (any case): INR, USD, EUR…' });
const DateFormatInput = Type.String({ maxLength: 20, description: `one of ${DATE_FORMATS.join(', ')}` });
const TargetMarginInput = Type.String({ maxLength: 20, description: 'a percentage from 0 to 99.99 with at most 2 decimals, e.g. "15"' });

const answer = (s: Settings) => ({ ...s, dateFormats: [...DATE_FORMATS], currencies: currencyCodes() });

/** The installation's currency, date format and default target margin: everyone signed in reads them, an admin changes them (audited). */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/api/settings',
    {
      config: { permission: 'self' },
      schema: {
        operationId: 'getSettings',
        tags: ['settings'],
        summary: 'The currency and date format every page, export and import uses, with the values each may take, and the default target margin',
        response: { 200: SettingsSchema, ...errors() },
      },
    },
    async () => answer(await getSettings(db)),
  );

  app.put(
    '/api/settings',
    {
      config: { permission: 'settings.manage' },
      schema: {
        operationId: 'setSettings',
        tags: ['settings'],
        summary:
          'Set the currency and the date format (both; the default target margin too when given), audited; a value not accepted is SETTING_INVALID naming the field',
        body: Type.Object(
          { currency: CurrencyInput, dateFormat: DateFormatInput, targetMargin: Type.Optional(TargetMarginInput) },
          { additionalProperties: false },
        ),
        response: { 200: SettingsSchema, ...errors() },
      },
    },
    async (request) => answer(await changeSettings(db, request.body, actorOf(request))),
  );

  app.patch(
    '/api/settings',
    {
      config: { permission: 'settings.manage' },
      schema: {
        operationId: 'changeSettings',
        tags: ['settings'],
        summary:
          'Change the currency, the date format, the default target margin or several, audited; a value not accepted is SETTING_INVALID naming the field',
        body: Type.Object(
          { currency: Type.Optional(CurrencyInput), dateFormat: Type.Optional(DateFormatInput), targetMargin: Type.Optional(TargetMarginInput) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SettingsSchema, ...errors() },
      },
    },
    async (request) => answer(await changeSettings(db, request.body, actorOf(request))),
  );
};
