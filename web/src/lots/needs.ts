// What a lot not yet made would need from stock, worked out as the API's stock check does
// (src/app/lots/needs.ts): every plain line of every step and, of each substitute group, the
// chosen alternative, each × the lot's quantity, summed per variant and rounded to the stock
// ledger's 3 decimals; against what is on hand now.
import { compare, decimal, minus, plus, round, text, times, ZERO } from './decimal.ts';
import type { Decimal } from './decimal.ts';
import type { ProcessLine, ProcessTree, StockNeed, VariantStock } from './types.ts';

/** The variant each group is set to, by group id (a group left out is not chosen yet). */
export type Choices = Readonly<Record<number, number>>;

/** Every variant the process can use: its lines and all its groups' alternatives. */
export function variantsOf(tree: ProcessTree): ProcessLine[] {
  const seen = new Map<number, ProcessLine>();
  for (const step of tree.steps) {
    for (const line of step.lines) seen.set(line.variantId, line);
    for (const g of step.groups) for (const alt of g.alternatives) seen.set(alt.variantId, alt);
  }
  return [...seen.values()];
}

/** The groups of the process, with the step each belongs to, in step order. */
export function groupsOf(tree: ProcessTree) {
  return tree.steps.flatMap((step) => step.groups.map((group) => ({ ...group, step: step.name })));
}

/**
 * The lot's needs per variant against `stock` (by variant id), ordered as the API orders
 * them (item, colour, size); groups without a choice need nothing.
 */
export function lotNeeds(tree: ProcessTree, quantity: number, choices: Choices, stock: ReadonlyMap<number, VariantStock>): StockNeed[] {
  const lots = decimal(quantity);
  const sums = new Map<number, { line: ProcessLine; needed: Decimal }>();
  const add = (line: ProcessLine) => {
    const was = sums.get(line.variantId);
    const more = times(decimal(line.quantity), lots);
    sums.set(line.variantId, { line, needed: was ? plus(was.needed, more) : more });
  };
  for (const step of tree.steps) {
    for (const line of step.lines) add(line);
    for (const g of step.groups) {
      const chosen = g.alternatives.find((a) => a.variantId === choices[g.groupId]);
      if (chosen) add(chosen);
    }
  }
  const needs: StockNeed[] = [];
  for (const { line, needed } of sums.values()) {
    const rounded = round(needed, 3);
    if (compare(rounded, ZERO) <= 0) continue;
    const onHand = stock.get(line.variantId);
    const available = onHand ? decimal(onHand.stock) : ZERO;
    const short = minus(rounded, available);
    needs.push({
      variantId: line.variantId,
      item: line.item,
      color: line.color,
      size: line.size,
      unit: line.unit,
      needed: text(rounded),
      available: text(available),
      shortfall: compare(short, ZERO) > 0 ? text(short) : '0',
    });
  }
  const key = (n: StockNeed) => [n.item, n.color, n.size].map((s) => s.toLowerCase());
  return needs.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return a.variantId - b.variantId;
  });
}

/** True for a decimal string that is zero ("0", "0.000"). */
export function isZero(value: string): boolean {
  return /^-?0*(\.0*)?$/.test(value);
}
