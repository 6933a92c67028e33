// How the web app shows money and days: the API's exact decimal strings, in the installation's currency, rounded to cents only to show
// them (halves away from zero, as PostgreSQL's round does), never through a binary float.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateTime, formatDay, formatMoney, formatPercent, formatQuantity, formatUnitCost, showWith } from '../../web/src/format.ts';

test('money is rounded to cents, halves away from zero, with separators', () => {
  assert.equal(formatMoney('1234.5'), '₹1,234.50');
  assert.equal(formatMoney('874.06848'), '₹874.07');
  assert.equal(formatMoney('133.33248'), '₹133.33');
  assert.equal(formatMoney('10.005'), '₹10.01', 'a half goes up, where a cut would show 10.00');
  assert.equal(formatMoney('0.995'), '₹1.00', 'rounding carries into the whole');
  assert.equal(formatMoney('999999.995'), '₹1,000,000.00');
  assert.equal(formatMoney('-2.345'), '−₹2.35', 'a negative half goes away from zero');
  assert.equal(formatMoney('-0.004'), '₹0.00', 'what rounds to nothing has no sign');
  assert.equal(formatMoney('42'), '₹42.00');
  // A float would lose this: 2^53 + 1 and a fraction.
  assert.equal(formatMoney('9007199254740993.125'), '₹9,007,199,254,740,993.13');
});

test('money shows the installation’s currency, or the one it is in: its symbol where the currency puts it, the figure exact', () => {
  assert.equal(formatMoney('1234.5', 'USD'), '$1,234.50');
  assert.equal(formatMoney('-1234.5', 'EUR'), '−€1,234.50');
  assert.equal(formatUnitCost('0.123456', 'GBP'), '£0.1235');
  assert.equal(formatMoney('10', 'CHF'), 'CHF\u00a010.00');
  // Each currency's own decimals: the yen has none, the Kuwaiti dinar three.
  assert.equal(formatMoney('1234.5', 'JPY'), '¥1,235');
  assert.equal(formatUnitCost('12.25', 'JPY'), '¥12.25', 'a unit cost keeps what it has, up to four places');
  assert.equal(formatUnitCost('12', 'JPY'), '¥12');
  assert.equal(formatMoney('1.2345', 'KWD'), 'KWD\u00a01.235');
  showWith({ currency: 'USD', dateFormat: 'MM/DD/YYYY' });
  try {
    assert.equal(formatMoney('1234.5'), '$1,234.50');
    assert.equal(formatDay('2026-11-05'), '11/05/2026');
  } finally {
    showWith({ currency: 'INR', dateFormat: 'DD/MM/YYYY' });
  }
});

test('a day and a moment are written in the installation’s date format, a moment with its time in the reader’s zone', () => {
  assert.equal(formatDay('2026-11-05'), '05/11/2026');
  const moment = new Date(2026, 10, 5, 14, 5);
  assert.equal(formatDateTime(moment.toISOString()), '05/11/2026 14:05');
  showWith({ currency: 'INR', dateFormat: 'YYYY-MM-DD' });
  try {
    assert.equal(formatDateTime(moment.toISOString()), '2026-11-05 14:05');
  } finally {
    showWith({ currency: 'INR', dateFormat: 'DD/MM/YYYY' });
  }
});

test('a quantity keeps its figures, trailing zeros dropped', () => {
  assert.equal(formatQuantity('1200.500'), '1,200.5');
  assert.equal(formatQuantity('24.000'), '24');
  assert.equal(formatQuantity('-15.000'), '-15');
});

test('a percentage takes the same minus sign as money', () => {
  assert.equal(formatPercent('-9.24'), '−9.24%');
  assert.equal(formatPercent('4.35'), '4.35%');
});
