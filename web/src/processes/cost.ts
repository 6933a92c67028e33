// Worst- and best-case costing of a process draft in the browser, by the API's rules
// (src/app/costing, GET /api/processes/:id/cost) so the figures agree to the paisa:
// a variant's worst unit cost is its highest active rate in effect on the day at the quantity
// the run buys of it (the price of the largest break that quantity reaches), its best the
// lowest; the quantity a run of N buys of a variant is N × its plain lines' quantities summed
// over the whole process, and for a substitute alternative N × (its own quantity + those);
// a line costs unit cost × quantity; a substitute group costs its dearest (worst) /
// cheapest (best) alternative's unit cost × that alternative's quantity; a step costs its
// lines + groups + cost items (quantity × rate); the process its steps + its additional
// costs, for a run of N units as GET …/cost?quantity=N: (steps + per-unit additional costs)
// × N + the fixed costs, one unit's share of it that ÷ N. A variant without such a rate is unpriced:
// it adds nothing and the figures are lower bounds. Sums are exact (integers in millionths:
// rates have 2 decimals and line quantities 4), rounded half away from zero to 2 decimals
// only when shown, as PostgreSQL's round() does.
//
// A pure function of the draft and the rates, memoised per step object: an edit replaces only
// the step it touches, so a recost redoes that step and adds up the rest.
import type { Draft, DraftLine, DraftStep, VariantLabel } from './model.ts';

/** A variant's unit costs in paise (hundredths); null when it has no active rate in effect. */
export interface UnitCost {
  worst: bigint | null;
  best: bigint | null;
  /** From `from` units bought (in ten-thousandths) on, the dearest and cheapest price in paise; smallest first. */
  breaks: { from: bigint; worst: bigint; best: bigint }[];
}
/** Unit costs by variant id; a variant not in the map is still being fetched. */
export type Rates = ReadonlyMap<number, UnitCost>;

/** A money figure in millionths (exact), at worst and at best. */
export interface Figure {
  worst: bigint;
  best: bigint;
}
export interface GroupCost {
  key: string;
  worst: bigint;
  best: bigint;
  worstVariantId: number | null;
  bestVariantId: number | null;
}
export interface StepCost {
  lines: Figure;
  groups: Figure;
  costItems: bigint;
  total: Figure;
  groupDetail: GroupCost[];
  /** Variants with no active rate, by id. */
  unpriced: Map<number, VariantLabel>;
  /** Variants whose rates are not fetched yet: the figures will change. */
  pending: number;
}
export interface ProcessCost {
  steps: StepCost[];
  additionalCosts: bigint;
  fixedCosts: bigint;
  /** How many units the run makes. */
  runSize: number;
  /** The whole run, exact: (steps + additional costs) × runSize + fixed costs. */
  run: Figure;
  /** One unit's share of the run, rounded to the paisa (as the API's `unit`), in millionths. */
  total: Figure;
  /** One unit's profit (sales price − its share of the run), rounded to the paisa, in millionths; null without a (valid) sales price. */
  profit: Figure | null;
  /** Profit as a percentage of the sales price, in hundredths of a percent (already rounded, as the API's `margin`); null without a sales price or at 0. */
  margin: Figure | null;
  unpriced: VariantLabel[];
  pending: number;
}

const MICRO = 1_000_000n;

/** A decimal string as an integer count of 10^-scale, or null when it is not a plain decimal with at most `scale` places. */
export function parseScaled(text: string, scale: number): bigint | null {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return null;
  const fraction = m[3] ?? '';
  if (fraction.length > scale) return null;
  const n = BigInt(m[2]! + fraction.padEnd(scale, '0'));
  return m[1] === '-' ? -n : n;
}

/** a / b rounded half away from zero (b > 0). */
function divRound(a: bigint, b: bigint): bigint {
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const q = (abs * 2n + b) / (2n * b);
  return neg ? -q : q;
}

/** Hundredths as a decimal string with 2 places ("-1234.50"). */
export function centsText(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Millionths rounded to 2 decimals, as the API writes money ("12.50"). */
export function money(micro: bigint): string {
  return centsText(divRound(micro, 10_000n));
}

/** Which run a per-unit figure is for ("per unit at a run of 40"). */
export const perUnitAt = (runSize: number) => `per unit at a run of ${runSize.toLocaleString('en')}`;

/** Millionths as a number of rupees, for a bar's length only (never for a figure shown as text). */
export const toNumber = (micro: bigint) => Number(divRound(micro, 10_000n)) / 100;

const quantityOf = (l: DraftLine) => {
  const q = parseScaled(l.quantity, 4);
  return q !== null && q > 0n ? q : null;
};

/** What prices a line: the rates, the run's size and what the run buys of each variant on plain lines (in ten-thousandths, before × runSize). */
interface Pricing {
  rates: Rates;
  runSize: bigint;
  plain: ReadonlyMap<number, bigint>;
}

/** A unit cost at `bought` units (ten-thousandths): the last break reached, else the price from 1. */
function priceAt(unit: UnitCost, bought: bigint): { worst: bigint | null; best: bigint | null } {
  let price = { worst: unit.worst, best: unit.best };
  for (const b of unit.breaks) if (b.from <= bought) price = { worst: b.worst, best: b.best };
  return price;
}

function costStep(step: DraftStep, pricing: Pricing): StepCost {
  const { rates } = pricing;
  const unpriced = new Map<number, VariantLabel>();
  let pending = 0;
  /** The line's cost in millionths at worst and best, or null when it adds nothing. */
  const lineCost = (l: DraftLine, alternative: boolean): Figure | null => {
    const found = rates.get(l.variant.variantId);
    const q = quantityOf(l);
    const bought = ((pricing.plain.get(l.variant.variantId) ?? 0n) + (alternative && q !== null ? q : 0n)) * pricing.runSize;
    const unit = found && priceAt(found, bought);
    if (unit === undefined) {
      pending++;
      return null;
    }
    if (unit.worst === null || unit.best === null) {
      unpriced.set(l.variant.variantId, l.variant);
      return null;
    }
    if (q === null) return null;
    return { worst: unit.worst * q, best: unit.best * q }; // paise × ten-thousandths = millionths
  };
  let linesWorst = 0n;
  let linesBest = 0n;
  for (const l of step.lines) {
    const c = lineCost(l, false);
    if (c) {
      linesWorst += c.worst;
      linesBest += c.best;
    }
  }
  let groupsWorst = 0n;
  let groupsBest = 0n;
  const groupDetail: GroupCost[] = [];
  for (const g of step.groups) {
    let worst: bigint | null = null;
    let best: bigint | null = null;
    let worstVariantId: number | null = null;
    let bestVariantId: number | null = null;
    for (const a of g.alternatives) {
      const c = lineCost(a, true);
      if (!c) continue;
      if (worst === null || c.worst > worst) {
        worst = c.worst;
        worstVariantId = a.variant.variantId;
      }
      if (best === null || c.best < best) {
        best = c.best;
        bestVariantId = a.variant.variantId;
      }
    }
    groupsWorst += worst ?? 0n;
    groupsBest += best ?? 0n;
    groupDetail.push({ key: g.key, worst: worst ?? 0n, best: best ?? 0n, worstVariantId, bestVariantId });
  }
  let costItems = 0n;
  for (const c of step.costItems) {
    const q = parseScaled(c.quantity, 3);
    const r = parseScaled(c.rate, 2);
    if (q !== null && r !== null && q >= 0n && r >= 0n) costItems += q * r * 10n; // thousandths × hundredths = 10^-5
  }
  return {
    lines: { worst: linesWorst, best: linesBest },
    groups: { worst: groupsWorst, best: groupsBest },
    costItems,
    total: { worst: linesWorst + groupsWorst + costItems, best: linesBest + groupsBest + costItems },
    groupDetail,
    unpriced,
    pending,
  };
}

/** Step costs by rates, then by what the run buys of the variants that have breaks, then by step. */
const memo = new WeakMap<Rates, Map<string, WeakMap<DraftStep, StepCost>>>();

/** The draft's pricing for a run, and a key that changes only when a price could (the run, or the quantities of variants with breaks). */
function pricingOf(draft: Draft, rates: Rates, runSize: number): { pricing: Pricing; key: string } {
  const plain = new Map<number, bigint>();
  for (const step of draft.steps)
    for (const l of step.lines) {
      const q = quantityOf(l);
      if (q !== null) plain.set(l.variant.variantId, (plain.get(l.variant.variantId) ?? 0n) + q);
    }
  const withBreaks = new Set<number>();
  for (const step of draft.steps)
    for (const l of [...step.lines, ...step.groups.flatMap((g) => g.alternatives)])
      if ((rates.get(l.variant.variantId)?.breaks.length ?? 0) > 0) withBreaks.add(l.variant.variantId);
  const key = [runSize, ...[...withBreaks].sort((a, b) => a - b).map((id) => `${id}:${plain.get(id) ?? 0n}`)].join(' ');
  return { pricing: { rates, runSize: BigInt(runSize), plain }, key };
}

/** One step's cost, reused while neither the step nor its prices change. */
function stepCost(step: DraftStep, pricing: Pricing, key: string): StepCost {
  let byKey = memo.get(pricing.rates);
  if (!byKey) {
    byKey = new Map();
    memo.set(pricing.rates, byKey);
  }
  let byStep = byKey.get(key);
  if (!byStep) {
    if (byKey.size > 50) byKey.clear(); // runs typed one after another: keep the last few
    byStep = new WeakMap();
    byKey.set(key, byStep);
  }
  let c = byStep.get(step);
  if (!c) {
    c = costStep(step, pricing);
    byStep.set(step, c);
  }
  return c;
}

/**
 * The process's cost per unit in a run of `runSize` units (a whole number ≥ 1), as
 * GET /api/processes/:id/cost?quantity=runSize figures it: its `unit` and `margin` to the paisa.
 */
export function costDraft(draft: Draft, rates: Rates, runSize = 1): ProcessCost {
  const { pricing, key } = pricingOf(draft, rates, runSize);
  const steps = draft.steps.map((s) => stepCost(s, pricing, key));
  let additionalCosts = 0n;
  let fixedCosts = 0n;
  for (const a of draft.additionalCosts) {
    const amount = parseScaled(a.amount, 2);
    if (amount === null || amount < 0n) continue;
    if (a.isFixed) fixedCosts += amount * 10_000n;
    else additionalCosts += amount * 10_000n;
  }
  let worst = additionalCosts;
  let best = worst;
  const unpriced = new Map<number, VariantLabel>();
  let pending = 0;
  for (const c of steps) {
    worst += c.total.worst;
    best += c.total.best;
    pending += c.pending;
    for (const [id, v] of c.unpriced) unpriced.set(id, v);
  }
  const n = BigInt(runSize);
  const run = { worst: worst * n + fixedCosts, best: best * n + fixedCosts };
  /** A run's figure as one unit's share, rounded to the paisa, in millionths. */
  const perUnit = (micro: bigint) => divRound(micro, n * 10_000n) * 10_000n;
  const salesCents = draft.fields.salesPrice.trim() === '' ? null : parseScaled(draft.fields.salesPrice, 2);
  const sales = salesCents === null || salesCents < 0n ? null : salesCents * 10_000n * n;
  const runProfit = sales === null ? null : { worst: sales - run.worst, best: sales - run.best };
  const margin =
    sales === null || sales === 0n || !runProfit
      ? null
      : { worst: divRound(runProfit.worst * 10_000n, sales), best: divRound(runProfit.best * 10_000n, sales) };
  return {
    steps,
    additionalCosts,
    fixedCosts,
    runSize,
    run,
    total: { worst: perUnit(run.worst), best: perUnit(run.best) },
    profit: runProfit && { worst: perUnit(runProfit.worst), best: perUnit(runProfit.best) },
    margin,
    unpriced: [...unpriced.values()].sort((a, b) => a.variantId - b.variantId),
    pending,
  };
}

export { MICRO };
