// The process editor's shapes: what the API answers (GET /api/processes/:id), the draft the
// editor changes in memory, and the body that saves it (PUT /api/processes/:id/structure).
// Money and quantities stay decimal strings, as the API gives them (quantities without the
// trailing zeros of their column's scale, as formatQuantity shows them everywhere).
import { plainQuantity } from '../format.ts';

/** A process's status as the API names it; what each means, and the moves from it, come from the API (`actions`, GET /api/processes/statuses). */
export type ProcessStatus = string;
/** A status move the caller may make now, as the API offers it (`actions` of a process): the page shows exactly these. */
export interface ProcessAction {
  action: string;
  label: string;
  to: string;
  needsReason: boolean;
  /** A sentence to confirm before the move; null when none is asked. */
  confirm: string | null;
}
/** A status with the words the API gives for it (GET /api/processes/statuses). */
export interface ProcessStatusInfo {
  status: ProcessStatus;
  label: string;
  description: string;
}
/** A kind of cost item as the API names it; the kinds there are come from the API (GET /api/processes/cost-types). */
export type CostType = string;

export interface Subprocess {
  subprocessId: number;
  name: string;
  description: string | null;
  category: string | null;
  estimatedTimeMinutes: number;
  labourCost: string;
  processCount: number;
  deletedAt: string | null;
}

export interface ProcessSummary {
  processId: number;
  name: string;
  description: string | null;
  processClass: string | null;
  status: ProcessStatus;
  salesPrice: string | null;
  stepCount: number;
  updatedAt: string;
  deletedAt: string | null;
  actions: ProcessAction[];
}

export interface ApiLine {
  lineId: number;
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  variantDeleted: boolean;
  quantity: string;
}

export interface ApiStep {
  stepId: number;
  sequenceOrder: number;
  subprocessId: number;
  subprocessName: string;
  subprocessDeleted: boolean;
  name: string;
  customName: string | null;
  notes: string | null;
  estimatedTimeMinutes: number;
  lines: ApiLine[];
  groups: { groupId: number; name: string; description: string | null; alternatives: ApiLine[] }[];
  costItems: { costItemId: number; costType: string; description: string | null; quantity: string; unit: string | null; rate: string; amount: string }[];
}

export interface ApiProcess extends ProcessSummary {
  /** The variant the process makes (its finished goods), null for none, and how much of it one unit of the process yields. */
  outputVariantId: number | null;
  outputQuantity: string;
  /** The usual lot size: the run the costing shares fixed per-run costs over unless asked for another. */
  lotSize: number;
  /** The margin it aims at in percent; null: the settings' default. */
  targetMargin: string | null;
  output: { variantId: number; item: string; color: string; size: string; unit: string; variantDeleted: boolean } | null;
  steps: ApiStep[];
  additionalCosts: { additionalCostId: number; costType: string; description: string | null; amount: string; isFixed: boolean }[];
  warnings: { code: string; path: string; message: string }[];
}

/** A variant as a line shows it. */
export interface VariantLabel {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  deleted?: boolean;
}

// The draft. Every object is replaced, never changed in place, when it is edited: what did
// not change keeps its identity, so its costing (memoised per object) and its rows (React.memo)
// are not redone.

export interface DraftLine {
  key: string;
  variant: VariantLabel;
  quantity: string;
}
export interface DraftGroup {
  key: string;
  groupId?: number;
  name: string;
  description: string | null;
  alternatives: DraftLine[];
}
export interface DraftCostItem {
  key: string;
  costType: CostType;
  description: string;
  quantity: string;
  unit: string;
  rate: string;
}
export interface DraftStep {
  key: string;
  stepId?: number;
  subprocessId: number;
  subprocessName: string;
  subprocessDeleted: boolean;
  customName: string;
  notes: string;
  lines: DraftLine[];
  groups: DraftGroup[];
  costItems: DraftCostItem[];
}
export interface DraftAdditionalCost {
  key: string;
  costType: string;
  description: string;
  amount: string;
  isFixed: boolean;
}
export interface DraftFields {
  name: string;
  description: string;
  processClass: string;
  salesPrice: string;
  /** What the process makes (none: null), and how much of it one unit yields. */
  outputVariant: VariantLabel | null;
  outputQuantity: string;
  /** The usual lot size, as typed (a whole number from 1 to MAX_LOT_SIZE to save). */
  lotSize: string;
  /** The target margin in percent as typed; empty: the settings' default. */
  targetMargin: string;
}
/** The fields typed as text. */
export type TextField = Exclude<keyof DraftFields, 'outputVariant'>;
export interface Draft {
  fields: DraftFields;
  steps: DraftStep[];
  additionalCosts: DraftAdditionalCost[];
}

let counter = 0;
/**
 * A key for a new row of the draft (React's key and the root of its elements' ids; never sent).
 * The "n" keeps it apart from the keys of saved rows, which are their ids (s12, l40).
 */
export const newKey = (prefix: string) => `${prefix}n${++counter}`;

function lineOf(l: ApiLine): DraftLine {
  return {
    key: `l${l.lineId}`,
    variant: { variantId: l.variantId, item: l.item, color: l.color, size: l.size, unit: l.unit, deleted: l.variantDeleted },
    quantity: plainQuantity(l.quantity),
  };
}

/** The draft of a process as the API holds it; the same draft (keys included) every time for the same answer. */
export function draftOf(p: ApiProcess): Draft {
  return {
    fields: {
      name: p.name,
      description: p.description ?? '',
      processClass: p.processClass ?? '',
      salesPrice: p.salesPrice ?? '',
      outputVariant: p.output
        ? {
            variantId: p.output.variantId,
            item: p.output.item,
            color: p.output.color,
            size: p.output.size,
            unit: p.output.unit,
            deleted: p.output.variantDeleted,
          }
        : null,
      outputQuantity: plainQuantity(p.outputQuantity),
      lotSize: String(p.lotSize),
      targetMargin: p.targetMargin === null ? '' : plainQuantity(p.targetMargin),
    },
    steps: p.steps.map((s) => ({
      key: `s${s.stepId}`,
      stepId: s.stepId,
      subprocessId: s.subprocessId,
      subprocessName: s.subprocessName,
      subprocessDeleted: s.subprocessDeleted,
      customName: s.customName ?? '',
      notes: s.notes ?? '',
      lines: s.lines.map(lineOf),
      groups: s.groups.map((g) => ({
        key: `g${g.groupId}`,
        groupId: g.groupId,
        name: g.name,
        description: g.description,
        alternatives: g.alternatives.map(lineOf),
      })),
      costItems: s.costItems.map((c) => ({
        key: `c${c.costItemId}`,
        costType: c.costType,
        description: c.description ?? '',
        quantity: plainQuantity(c.quantity),
        unit: c.unit ?? '',
        rate: c.rate,
      })),
    })),
    additionalCosts: p.additionalCosts.map((a) => ({
      key: `a${a.additionalCostId}`,
      costType: a.costType,
      description: a.description ?? '',
      amount: a.amount,
      isFixed: a.isFixed,
    })),
  };
}

/** A new step of a library subprocess, with its labour cost proposed as one labour item (as the API proposes it). */
export function newStep(s: Subprocess): DraftStep {
  const labour = /[1-9]/.test(s.labourCost);
  return {
    key: newKey('s'),
    subprocessId: s.subprocessId,
    subprocessName: s.name,
    subprocessDeleted: false,
    customName: '',
    notes: '',
    lines: [],
    groups: [],
    costItems: labour
      ? [{ key: newKey('c'), costType: 'labour', description: `${s.name}: labour from the library`, quantity: '1', unit: '', rate: s.labourCost }]
      : [],
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/** The fields as PATCH /api/processes/:id takes them. */
export function fieldsBody(f: DraftFields) {
  return {
    name: f.name.trim(),
    description: orNull(f.description),
    processClass: orNull(f.processClass),
    salesPrice: orNull(f.salesPrice),
    outputVariantId: f.outputVariant?.variantId ?? null,
    outputQuantity: f.outputQuantity.trim(),
    lotSize: Number(f.lotSize.trim()),
    targetMargin: orNull(f.targetMargin),
  };
}

/** The structure as PUT /api/processes/:id/structure takes it. */
export function structureBody(d: Draft) {
  const line = (l: DraftLine) => ({ variantId: l.variant.variantId, quantity: l.quantity.trim() });
  return {
    steps: d.steps.map((s) => ({
      ...(s.stepId !== undefined ? { stepId: s.stepId } : {}),
      subprocessId: s.subprocessId,
      customName: orNull(s.customName),
      notes: orNull(s.notes),
      lines: s.lines.map(line),
      groups: s.groups.map((g) => ({
        ...(g.groupId !== undefined ? { groupId: g.groupId } : {}),
        name: g.name.trim(),
        description: g.description,
        alternatives: g.alternatives.map(line),
      })),
      costItems: s.costItems.map((c) => ({
        costType: c.costType,
        description: orNull(c.description),
        quantity: c.quantity.trim(),
        unit: orNull(c.unit),
        rate: c.rate.trim(),
      })),
    })),
    additionalCosts: d.additionalCosts.map((a) => ({
      costType: a.costType.trim(),
      description: orNull(a.description),
      amount: a.amount.trim(),
      isFixed: a.isFixed,
    })),
  };
}

export const USAGE_QUANTITY = /^(?!0*(\.0*)?$)\d{1,8}(\.\d{1,4})?$/;
export const COST_QUANTITY = /^\d{1,9}(\.\d{1,3})?$/;
export const MONEY = /^\d{1,10}(\.\d{1,2})?$/;
/** What one unit of a process yields of its output: above zero, at most 3 decimals (as the API takes it). */
export const OUTPUT_QUANTITY = /^(?!0*(\.0*)?$)\d{1,9}(\.\d{1,3})?$/;
/** A target margin as the API takes it: a percentage from 0 to 99.99, at most 2 decimals. */
export const TARGET_MARGIN = /^\d{1,2}(\.\d{1,2})?$/;
/** The largest run (and usual lot size) the API takes: a lot's largest quantity. */
export const MAX_LOT_SIZE = 1_000_000;

/** A run size (or usual lot size) as typed, as a whole number from 1 to MAX_LOT_SIZE; null when it is not one. */
export function runSizeOf(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,7}$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= MAX_LOT_SIZE ? n : null;
}

/** What must be put right before the draft can be saved, in words a planner acts on; [] when it can be. */
export function problemsOf(d: Draft): string[] {
  const out: string[] = [];
  if (d.fields.name.trim() === '') out.push('Give the process a name.');
  if (d.fields.salesPrice.trim() !== '' && !MONEY.test(d.fields.salesPrice.trim())) out.push('Sales price: enter an amount such as 1250 or 1250.50.');
  if (!OUTPUT_QUANTITY.test(d.fields.outputQuantity.trim()))
    out.push('Output quantity: enter what one unit of the process yields, above zero with at most 3 decimals (e.g. 1 or 2.5).');
  if (runSizeOf(d.fields.lotSize) === null)
    out.push(`Usual lot size: enter how many units a run makes, a whole number from 1 to ${MAX_LOT_SIZE.toLocaleString('en')}.`);
  if (d.fields.targetMargin.trim() !== '' && !TARGET_MARGIN.test(d.fields.targetMargin.trim()))
    out.push('Target margin: enter a percentage from 0 to 99.99 (e.g. 15 or 12.5), or leave it empty for the default.');
  d.steps.forEach((s, i) => {
    const where = `Step ${i + 1} (${s.customName.trim() || s.subprocessName})`;
    const badLine = (l: DraftLine) => !USAGE_QUANTITY.test(l.quantity.trim());
    const named = (l: DraftLine) => [l.variant.item, l.variant.color, l.variant.size].filter(Boolean).join(' ');
    for (const l of s.lines) if (badLine(l)) out.push(`${where}: the quantity of ${named(l)} must be above zero with at most 4 decimals.`);
    for (const g of s.groups) {
      if (g.name.trim() === '') out.push(`${where}: give each substitute group a name.`);
      if (g.alternatives.length === 0) out.push(`${where}: group “${g.name}” needs at least one alternative (add one, or remove the group).`);
      for (const l of g.alternatives)
        if (badLine(l)) out.push(`${where}, group “${g.name}”: the quantity of ${named(l)} must be above zero with at most 4 decimals.`);
    }
    for (const c of s.costItems) {
      if (!COST_QUANTITY.test(c.quantity.trim())) out.push(`${where}: a ${c.costType} cost item's quantity must be 0 or more with at most 3 decimals.`);
      if (!MONEY.test(c.rate.trim())) out.push(`${where}: a ${c.costType} cost item's rate must be an amount such as 120 or 120.50.`);
    }
  });
  for (const a of d.additionalCosts) {
    if (a.costType.trim() === '') out.push('Additional costs: give each a type (e.g. tooling).');
    if (!MONEY.test(a.amount.trim())) out.push(`Additional cost “${a.costType || 'untitled'}”: enter an amount such as 500 or 500.50.`);
  }
  return out;
}
