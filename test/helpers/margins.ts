// The hand-computed case of the what-if and margin watch tests (test/app/what-if.test.ts and
// test/http/what-if.test.ts), written straight into a migrated database.
import type { Queryable } from '../../src/db/types.ts';
import { insertProcess, insertRate, insertVariant } from './processes.ts';

/** The ids of the case. */
export interface ShirtCase {
  thread: number;
  button: number;
  threadRate: number;
  buttonS1: number;
  shirt: number;
  /** The first supplier's firm name. */
  s1: string;
}

/**
 * Thread (rate S1 2.00) and Button (rates S1 0.50 and S2 0.40). Shirt: sales price 100.00,
 * usual lot 10, target `target` (null: the default); one step: Thread × 5, Button × 8, labour
 * 1 × 40.00; a fixed cost of 50.00 per run:
 *   worst unit: 2.00 × 5 + 0.50 × 8 + 40.00 = 10.00 + 4.00 + 40.00 = 54.00
 *   run of 10:  54.00 × 10 + 50.00 = 590.00 (unit 59.00); sales 1,000.00; profit 410.00; margin 41.00
 * `tag` tells apart the names of several copies in one database.
 */
export async function insertShirtCase(q: Queryable, tag: string, target: string | null): Promise<ShirtCase> {
  const s1 = `Supplier one${tag}`;
  const thread = await insertVariant(q, `Thread${tag}`);
  const button = await insertVariant(q, `Button${tag}`);
  const threadRate = await insertRate(q, thread, { supplier: s1, cost: '2.00' });
  const buttonS1 = await insertRate(q, button, { supplier: s1, cost: '0.50' });
  await insertRate(q, button, { supplier: `Supplier two${tag}`, cost: '0.40' });
  const shirt = await insertProcess(q, {
    name: `Shirt${tag}`,
    salesPrice: '100.00',
    steps: [
      {
        lines: [
          { variantId: thread, quantity: '5' },
          { variantId: button, quantity: '8' },
        ],
        costItems: [{ type: 'labour', quantity: '1', rate: '40.00' }],
      },
    ],
    additionalCosts: [{ type: 'setup', amount: '50.00' }],
  });
  await q.query('UPDATE public.processes SET lot_size = 10, target_margin = $2::numeric WHERE id = $1', [shirt.processId, target]);
  return { thread, button, threadRate, buttonS1, shirt: shirt.processId, s1 };
}
