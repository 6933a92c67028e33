// One process: PGlite started in memory, then 2,000 small queries; prints both times as JSON.
// MTC's WebAssembly setting applies (src/db/wasm.ts; MTC_WASM_OPTIMISE=1 for V8's default).
import '../lib/node24.mjs';

const { compileWasmQuickly } = await import('../../src/db/wasm.ts');
compileWasmQuickly();
const t0 = performance.now();
const { PGlite } = await import('@electric-sql/pglite');
const db = await PGlite.create();
await db.query('SELECT 1');
const t1 = performance.now();
for (let i = 0; i < 2000; i++) await db.query('SELECT count(*) FROM generate_series(1, 1000) g WHERE g % 7 = $1', [i % 7]);
const t2 = performance.now();
await db.close();
process.stdout.write(`${JSON.stringify({ start_ms: t1 - t0, queries_ms: t2 - t1 })}\n`);
