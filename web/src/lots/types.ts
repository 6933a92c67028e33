// The API's lot, process and stock shapes as the lot pages read them (the OpenAPI document at
// /api/docs has them whole). Money and quantities are decimal strings. A lot's statuses and
// moves are the API's (GET /api/lots/statuses, a lot's `actions`): the pages keep no list of them.

/** A move the signed-in user may make on a lot now, as the API offers it. */
export interface LotAction {
  action: string;
  label: string;
  to: string;
  needsReason: boolean;
  /** A sentence to confirm before a move that cannot be undone. */
  confirm: string | null;
  /** The move may record what the lot yielded: its body takes outputQuantity, and a reason when that is not the planned yield. */
  recordsOutput: boolean;
}

/** A status a lot can have (GET /api/lots/statuses). */
export interface LotStatusInfo {
  status: string;
  label: string;
  final: boolean;
}

export interface LotSummary {
  lotId: number;
  lotNumber: string;
  processId: number;
  process: string;
  quantity: number;
  status: string;
  statusReason: string | null;
  notes: string | null;
  /** YYYY-MM-DD; null: as soon as possible. */
  plannedStart: string | null;
  worstCaseEstimatedCost: string | null;
  bestCaseEstimatedCost: string | null;
  actualCost: string | null;
  /** actual − worst-case estimate. */
  costVariance: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** What the lot put into stock when it completed (its process's output), the reason when that was not the planned yield, and the unit cost it went in at. */
  outputQuantity: string | null;
  outputReason: string | null;
  outputUnitCost: string | null;
  /** The lot never leaves its status. */
  final: boolean;
  /** Its status lets its substitutes change (for a user with lot.plan). */
  selectionsEditable: boolean;
  actions: LotAction[];
}

export interface CostFigure {
  worst: string;
  best: string;
}

export interface Unpriced {
  variantId: number;
  item: string;
  color: string;
  size: string;
}

export interface LotCosting {
  ratesAt: string;
  quantity: number;
  total: CostFigure;
  complete: boolean;
  unpriced: Unpriced[];
  /** At completion: what the lot really cost, from the stock ledger (absent for a lot completed before stock had costs). */
  valuation?: { materials: string; conversion: string; total: string; complete: boolean; uncosted: number[] };
}

export interface LotSelection {
  groupId: number;
  group: string;
  step: string;
  variantId: number;
  item: string;
  color: string;
  size: string;
  quantity: string;
}

export interface UnselectedGroup {
  groupId: number;
  name: string;
  step: string;
}

export interface LotEvent {
  id: number;
  from: string | null;
  to: string;
  reason: string | null;
  user: string | null;
  at: string;
}

export interface Lot extends LotSummary {
  estimate: LotCosting | null;
  actual: LotCosting | null;
  selections: LotSelection[];
  unselectedGroups: UnselectedGroup[];
  events: LotEvent[];
}

export interface StockNeed {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  needed: string;
  available: string;
  /** needed − available, or 0. */
  shortfall: string;
}

export interface StockCheck {
  sufficient: boolean;
  needs: StockNeed[];
  unselectedGroups: UnselectedGroup[];
}

export interface ProcessSummary {
  processId: number;
  name: string;
  description: string | null;
  processClass: string | null;
  status: 'draft' | 'active' | 'archived';
  stepCount: number;
  /** How many units a run of the process usually makes: a new lot's quantity until another is typed. */
  lotSize: number;
}

export interface ProcessLine {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  quantity: string;
}

export interface ProcessGroup {
  groupId: number;
  name: string;
  description: string | null;
  alternatives: ProcessLine[];
}

export interface ProcessTree extends ProcessSummary {
  /** What one unit of the process yields of its output variant (output null: it makes nothing that goes into stock). */
  outputQuantity: string;
  output: { variantId: number; item: string; color: string; size: string; unit: string } | null;
  steps: { stepId: number; name: string; lines: ProcessLine[]; groups: ProcessGroup[] }[];
}

export interface ProcessCost {
  quantity: number;
  total: CostFigure;
  complete: boolean;
  unpriced: Unpriced[];
}

/** A variant as GET /api/variants/:id answers, as far as stock goes. */
export interface VariantStock {
  variantId: number;
  unit: string;
  stock: string;
}

/** GET /api/variants/:id/supplier-comparison, as far as costing goes. */
export interface SupplierComparison {
  highest: { costPerUnit: string; currency: string } | null;
  lowest: { costPerUnit: string; currency: string } | null;
}
