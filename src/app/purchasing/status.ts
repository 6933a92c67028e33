import { MtcError } from '../../errors.ts';
import type { Machine, Move } from '../rules/machine.ts';

/**
 * An error of purchasing: `NOT_FOUND` (404), `usage` ones (400: a field to fix) and `state`
 * ones (409: the order or receipt is not in a state that allows it).
 */
export class PurchasingError extends MtcError {}

/** A usage refusal (400) of one field: "path: message", with the field in `details.fields` for the API to name. */
export function fieldRefusal(code: string, path: string, message: string, details: Record<string, unknown> = {}): PurchasingError {
  return new PurchasingError(code, `${path}: ${message}`, 'usage', { ...details, fields: [{ path, message }] });
}

/** A purchase order's status (the CHECK constraint of purchase_orders). */
export const PO_STATUSES = ['draft', 'sent', 'partially_received', 'received', 'closed', 'cancelled'] as const;
export type PoStatus = (typeof PO_STATUSES)[number];

export const PO_STATUS_LABELS: Readonly<Record<PoStatus, string>> = {
  draft: 'Draft',
  sent: 'Sent',
  partially_received: 'Partially received',
  received: 'Received',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

export const PO_ACTIONS = ['send', 'cancel', 'close', 'close_short', 'receive_part', 'receive_all', 'reopen'] as const;
export type PoAction = (typeof PO_ACTIONS)[number];

/** What has to hold beyond the status, checked by orders.ts before the move. */
export interface PoMove extends Move<PoStatus> {
  requires: 'nothing' | 'lines' | 'everything received' | 'something open';
}

/**
 * The purchase order's state machine: the only moves there are. A person sends, cancels and
 * closes; receipts move an order to partially received or received, and a reversing receipt
 * back (those are not offered). Lines change only while the order is a draft.
 */
export const PO_MACHINE: Machine<PoStatus, PoAction, PoMove> = {
  entity: 'purchase_order',
  statuses: PO_STATUSES,
  final: ['closed', 'cancelled'],
  moves: {
    send: {
      from: ['draft'],
      to: 'sent',
      permission: 'purchasing.order',
      needsReason: false,
      label: 'Mark sent',
      offered: true,
      summary: 'Mark a draft order sent to its supplier: its lines are fixed from now on (409 PO_EMPTY for an order with no line)',
      requires: 'lines',
    },
    cancel: {
      from: ['draft', 'sent'],
      to: 'cancelled',
      permission: 'purchasing.order',
      needsReason: true,
      label: 'Cancel order',
      offered: true,
      confirm: 'The order is cancelled for good: nothing more can be received against it.',
      summary: 'Cancel an order nothing has been received against, saying why',
      requires: 'nothing',
    },
    close: {
      from: ['received'],
      to: 'closed',
      permission: 'purchasing.order',
      needsReason: false,
      label: 'Close',
      offered: true,
      summary: 'Close an order received in full',
      requires: 'everything received',
    },
    close_short: {
      from: ['partially_received'],
      to: 'closed',
      permission: 'purchasing.order',
      needsReason: true,
      label: 'Close short',
      offered: true,
      confirm: 'What is still open on the order will not be received against it.',
      summary: 'Close an order part of which will never come, saying why: what is open is no longer expected',
      requires: 'something open',
    },
    receive_part: {
      from: ['sent', 'partially_received', 'received'],
      to: 'partially_received',
      permission: 'purchasing.receive',
      needsReason: false,
      label: 'Received in part',
      offered: false,
      summary: 'A receipt (or a reversal) leaves part of the order open',
      requires: 'something open',
    },
    receive_all: {
      from: ['sent', 'partially_received'],
      to: 'received',
      permission: 'purchasing.receive',
      needsReason: false,
      label: 'Received',
      offered: false,
      summary: 'A receipt brings the last of the order',
      requires: 'everything received',
    },
    reopen: {
      from: ['partially_received', 'received'],
      to: 'sent',
      permission: 'purchasing.receive',
      needsReason: false,
      label: 'Nothing received',
      offered: false,
      summary: 'A reversing receipt takes back everything received',
      requires: 'nothing',
    },
  },
};

/** Statuses in which an order's lines may change. */
export const LINES_EDITABLE: readonly PoStatus[] = ['draft'];

/** Statuses in which goods may be received against an order. */
export const RECEIVABLE: readonly PoStatus[] = ['sent', 'partially_received'];
