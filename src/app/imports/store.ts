import type { Queryable } from '../../db/types.ts';

/**
 * A job's stored file, chunk by chunk in order: one chunk is in memory at a time, so reading a
 * file of any size streams. Each chunk is read by its own query (no cursor to hold open).
 */
export async function* storedChunks(q: Queryable, jobId: number): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const r = await q.query<{ data: Uint8Array }>('SELECT data FROM public.import_job_chunks WHERE import_job_id = $1 AND seq = $2', [jobId, seq]);
    const data = r.rows[0]?.data;
    if (!data) return;
    yield Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
}
