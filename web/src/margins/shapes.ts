// What the what-if of rate changes and the margin watch send, as the rates pages, the import
// preview and the dashboard read them (src/app/costing/what-if.ts and watch.ts).

/** A process's worst case before or after a change. */
export interface MarginState {
  total: string;
  unit: string;
  /** Percent with 2 decimals; null without a sales price. */
  margin: string | null;
  complete: boolean;
  belowTarget: boolean | null;
}

export interface MarginMove {
  processId: number;
  name: string;
  quantity: number;
  targetMargin: string;
  before: MarginState;
  after: MarginState;
  crossed: 'below' | 'above' | null;
}

/** What a change of rates would do to every margin it moves. */
export interface WhatIf {
  /** YYYY-MM-DD: the day whose rates count. */
  asOf: string;
  processesCosted: number;
  processes: MarginMove[];
  fellBelow: number;
  roseAbove: number;
  /** Saving would be refused: why, in saving's words; null when it would go through. */
  refused: { code: string; message: string; index: number } | null;
}

export interface RateChange {
  rateId: number;
  supplierId: number;
  firmName: string;
  variantId: number;
  variant: string;
  how: 'edited' | 'started' | 'imported';
  changedOn: string;
  previousCost: string | null;
  costPerUnit: string;
  isActive: boolean;
}

export interface WatchedProcess {
  processId: number;
  name: string;
  quantity: number;
  targetMargin: string;
  ownTarget: boolean;
  complete: boolean;
  margin: string;
  changes: RateChange[];
}

export interface MarginWatch {
  asOf: string;
  days: number;
  costed: number;
  processes: WatchedProcess[];
}
