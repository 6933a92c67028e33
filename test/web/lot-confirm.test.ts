// What a person confirms before a lot's move that cannot be undone: the API's sentence, with
// what this lot consumes (completing) or leaves unmade (failing, cancelling), in numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmInNumbers } from '../../web/src/lots/confirm.ts';

test('the sentence to confirm a lot’s move says, in numbers, what it consumes or leaves unmade', () => {
  const lot = { quantity: 10, process: 'Kids Bicycle' };
  const need = (item: string, color: string, needed: string) => ({
    variantId: 1,
    item,
    color,
    size: 'General',
    unit: 'pcs',
    needed,
    available: '99',
    shortfall: '0',
  });
  const complete = { to: 'completed', confirm: 'Completing cannot be undone.' };
  assert.equal(
    confirmInNumbers(complete, lot, [need('Seat', 'Pink', '10.000'), need('Hub', 'Black', '20')]),
    'Completing cannot be undone. It consumes 10 pcs × Seat · Pink · General, 20 pcs × Hub · Black · General.',
  );
  assert.equal(confirmInNumbers(complete, lot, []), 'Completing cannot be undone. It consumes nothing from stock.');
  assert.equal(confirmInNumbers(complete, lot, undefined), 'Completing cannot be undone.', 'while the stock check loads, the API’s sentence alone');
  assert.equal(
    confirmInNumbers({ to: 'cancelled', confirm: 'Final.' }, { quantity: 1, process: 'Wheel' }, undefined),
    'Final. Its 1 unit of Wheel is not made, and nothing is taken from stock.',
  );
  assert.equal(
    confirmInNumbers({ to: 'failed', confirm: 'Final.' }, lot, undefined),
    'Final. Its 10 units of Kids Bicycle are not made, and nothing is taken from stock.',
  );
  assert.equal(confirmInNumbers({ to: 'ready', confirm: null }, lot, undefined), null, 'a move that asks nothing stays so');
});
