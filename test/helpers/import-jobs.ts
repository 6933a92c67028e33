// Files to import and ways to watch import jobs, for the tests of the jobs side (API, worker, servers).
import type { Queryable } from '../../src/db/types.ts';

/**
 * An items-and-variants CSV in the old system's columns: `rows` data rows, item i/10 in colour
 * i%10 (so ten variants per item), every `badEvery`-th row (1-based) with a stock that is not
 * a number (rejected, field "stock"); row `formulaAt` (a bad one) names its item with a
 * spreadsheet formula. Deterministic: the same arguments give the same bytes.
 */
export function itemsCsv(rows: number, options: { badEvery?: number; prefix?: string; formulaAt?: number } = {}): string {
  const prefix = options.prefix ?? 'Item';
  const lines = ['Item,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold'];
  for (let i = 1; i <= rows; i++) {
    const bad = options.badEvery !== undefined && i % options.badEvery === 0;
    const stock = bad ? 'lots' : String(i % 50);
    const item = i === options.formulaAt ? '=2+5' : `${prefix} ${Math.ceil(i / 10)}`;
    lines.push(`${item},M${i % 3},,"Made, of steel",Frames,Colour ${i % 10},L,${stock},pcs,${i % 7}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface JobRow {
  status: string;
  processed: number;
  success: number;
  failure: number;
  total: number;
  worker: string | null;
}

/** The job's row as the database has it now. */
export async function jobRow(q: Queryable, jobId: number): Promise<JobRow> {
  const r = await q.query<JobRow>(
    `SELECT j.status, j.processed_rows AS processed, j.success_count AS success, j.failure_count AS failure, j.total_rows AS total, s.worker
       FROM public.import_jobs j LEFT JOIN public.import_job_sources s ON s.import_job_id = j.id WHERE j.id = $1`,
    [jobId],
  );
  if (!r.rows[0]) throw new Error(`no job ${jobId}`);
  return r.rows[0];
}

/**
 * What an items import leaves, independent of ids and times: every live variant with its item,
 * masters, stock and threshold, and the sum and count of its ledger rows, in a fixed order.
 * Two imports of the same files give equal texts however they were interrupted.
 */
export async function itemsState(q: Queryable): Promise<string> {
  const r = await q.query<{ line: string }>(
    `SELECT line FROM (SELECT concat_ws('|', i.name, m.model_name, va.variation_name, i.description, i.category, c.color_name, s.size_name,
                      v.stock::text, v.unit, v.reorder_threshold::text,
                      (SELECT count(*)::text || ':' || coalesce(sum(t.quantity), 0)::text FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id)) AS line
       FROM public.item_variant v
       JOIN public.item_master i ON i.item_id = v.item_id
       LEFT JOIN public.model_master m ON m.model_id = i.model_id
       LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
       JOIN public.color_master c ON c.color_id = v.color_id
       JOIN public.size_master s ON s.size_id = v.size_id
    ) AS x ORDER BY line COLLATE "C"`,
  );
  return r.rows.map((x) => x.line).join('\n');
}
