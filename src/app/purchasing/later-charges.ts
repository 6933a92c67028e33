import type { Database } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { postStock } from '../items/stock.ts';
import { planCharge, writeCharges } from './charges.ts';
import type { ChargeTerms } from './charges.ts';
import { getGoodsReceipt } from './receipts.ts';
import type { GoodsReceipt } from './receipts.ts';
import { PurchasingError, fieldRefusal as usage } from './status.ts';

/** A charge that arrives after its receipt was posted (a freight bill); by hand, each share names its line by receiptLineId. */
export interface LaterChargeInput extends ChargeTerms {
  billNumber?: string | null;
  /** The bill's day (YYYY-MM-DD); today when left out. */
  chargedOn?: string;
  lines?: { receiptLineId: number; amount: string }[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Adds a charge to a posted receipt as the actor, as its own entry, in one transaction: the
 * charge (added later) and its share of each line, spread as for a charge on the receipt; per
 * line that takes a share, a `landed_cost` row of the ledger (no quantity, the share's value)
 * placed where the receipt's row of that variant is, so what was consumed since carries its
 * share (postStock replays the rows after it); and the audit event. The receipt itself is not
 * changed. Refused: no such receipt (NOT_FOUND), a receipt reversed or itself a reversal
 * (RECEIPT_REVERSED, 409), and the charge's own faults in words (400, naming the field).
 */
export async function addReceiptCharge(db: Database, receiptId: number, input: LaterChargeInput, actor: Actor): Promise<GoodsReceipt> {
  if (input.chargedOn !== undefined && !DAY.test(input.chargedOn)) throw usage('INVALID_CHARGE', 'chargedOn', 'write a day as YYYY-MM-DD, such as 2026-11-05');
  return db.transaction(async (tx) => {
    // The receipt's row is locked first, as a reversal locks it: a charge and a reversal of one
    // receipt are taken one after the other, so neither misses the other.
    const head = (await tx.query('SELECT 1 FROM public.goods_receipts WHERE id = $1 FOR UPDATE', [receiptId])).rowCount;
    if (!head) throw new PurchasingError('NOT_FOUND', `no goods receipt ${receiptId}`, 'state', { receiptId });
    const receipt = (await getGoodsReceipt(tx, receiptId))!;
    if (receipt.reversesReceiptId !== null || receipt.reversedByReceiptId !== null)
      throw new PurchasingError(
        'RECEIPT_REVERSED',
        receipt.reversesReceiptId !== null
          ? `receipt ${receipt.receiptNumber} is a reversal: a charge belongs on the receipt that brought the goods in`
          : `receipt ${receipt.receiptNumber} has been reversed: its goods went back, so a charge is not spread onto them; record the charge elsewhere`,
        'state',
        { receiptNumber: receipt.receiptNumber },
      );
    const position = new Map(receipt.lines.map((l, i) => [l.receiptLineId, i]));
    const planned = planCharge(
      input,
      input.lines?.map((s) => ({ index: position.get(s.receiptLineId), amount: s.amount })),
      receipt.lines,
      '',
      {
        billNumber: input.billNumber ?? null,
        chargedOn: input.chargedOn ?? null,
        lineProblem: `receiptLineId: is not a line of receipt ${receipt.receiptNumber}`,
      },
    );
    const variants = [...new Set(receipt.lines.map((l) => l.variantId))].sort((a, b) => a - b);
    await tx.query('SELECT 1 FROM public.item_variant WHERE variant_id = ANY($1::int[]) ORDER BY variant_id FOR UPDATE', [variants]);
    const [chargeId] = await writeCharges(tx, receiptId, [planned], true, actor.userId);
    // Where the receipt's rows are in each variant's ledger, to the microsecond (a millisecond
    // less would place the charge before the goods it is on).
    const places = new Map(
      (
        await tx.query<{ variantId: number; at: string }>(
          `SELECT t.variant_id AS "variantId", to_char(max(t.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
             FROM public.inventory_transactions t
            WHERE t.reference_type = 'goods_receipt' AND t.reference_id = $1 AND t.transaction_type = 'receipt' GROUP BY t.variant_id`,
          [receiptId],
        )
      ).rows.map((p) => [p.variantId, p.at]),
    );
    const after = (await getGoodsReceipt(tx, receiptId))!;
    const label = `${planned.kind}${planned.billNumber ? ` (bill ${planned.billNumber})` : ''} on ${receipt.receiptNumber}`;
    const entries = after.lines.flatMap((l) => {
      const share = l.shares.find((s) => s.chargeId === chargeId)!.amount;
      return share === '0'
        ? []
        : [
            {
              variantId: l.variantId,
              type: 'landed_cost' as const,
              quantity: '0',
              value: share,
              at: places.get(l.variantId) ?? null,
              notes: label,
              createdBy: actor.userId,
              reference: { type: 'goods_receipt_charge', id: chargeId! },
            },
          ];
    });
    await postStock(tx, entries, { answer: false });
    const charge = after.charges.find((c) => c.chargeId === chargeId)!;
    await auditAs(tx, actor, {
      action: 'create',
      entity: 'goods_receipt_charge',
      entityId: chargeId!,
      after: {
        ...charge,
        receiptId,
        shares: after.lines.map((l) => ({ receiptLineId: l.receiptLineId, amount: l.shares.find((s) => s.chargeId === chargeId)!.amount })),
      },
    });
    return { ...after, warnings: [] };
  });
}
