// What a lot's move will do, in numbers, for the sentence a person confirms: the API's
// sentence (the machine's `confirm`) with what this lot takes from stock or leaves unmade.
import { formatQuantity } from '../format.ts';
import type { LotAction, LotSummary, StockNeed } from './types.ts';

/** "10 pcs × Seat · Pink · General": one variant a lot consumes. */
function consumed(n: StockNeed): string {
  return `${formatQuantity(n.needed)} ${n.unit} × ${n.item} · ${n.color} · ${n.size}`;
}

/**
 * The sentence to confirm before `move` on `lot`, or null when the move asks none. Completing
 * says what it consumes (`needs`: the lot's stock check, which is what completion takes; while
 * it loads the API's sentence alone); failing or cancelling says what is not made.
 */
export function confirmInNumbers(
  move: Pick<LotAction, 'confirm' | 'to'>,
  lot: Pick<LotSummary, 'quantity' | 'process'>,
  needs: readonly StockNeed[] | undefined,
): string | null {
  if (move.confirm === null) return null;
  if (move.to === 'completed') {
    if (needs === undefined) return move.confirm;
    return `${move.confirm} It consumes ${needs.length === 0 ? 'nothing from stock' : needs.map(consumed).join(', ')}.`;
  }
  if (move.to === 'failed' || move.to === 'cancelled') {
    const units = `${lot.quantity} ${lot.quantity === 1 ? 'unit' : 'units'}`;
    return `${move.confirm} Its ${units} of ${lot.process} ${lot.quantity === 1 ? 'is' : 'are'} not made, and nothing is taken from stock.`;
  }
  return move.confirm;
}
