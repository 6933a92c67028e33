import type { Queryable } from '../../db/types.ts';

/** The pieces a stored chunk is handed on in: parsing one is short enough not to hold up the database's replies. */
const PIECE_BYTES = 64 * 1024;

/**
 * A job's stored file, chunk by chunk in order: one chunk is in memory at a time, so reading a
 * file of any size streams. Each chunk is read by its own query (no cursor to hold open), and
 * handed on in pieces of 64 KiB (views, not copies).
 */
export async function* storedChunks(q: Queryable, jobId: number): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const r = await q.query<{ data: Uint8Array }>('SELECT data FROM public.import_job_chunks WHERE import_job_id = $1 AND seq = $2', [jobId, seq]);
    const data = r.rows[0]?.data;
    if (!data) return;
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < chunk.length; at += PIECE_BYTES) yield chunk.subarray(at, at + PIECE_BYTES);
  }
}
