// How V8 compiles the WebAssembly MTC loads: PGlite (PostgreSQL) and libpg-query (its
// parser). By default V8 compiles each function quickly (Liftoff), then recompiles the hot
// ones with its optimising compiler (TurboFan) on a background thread. For these two large
// modules that recompiling costs more than it gives back: PGlite's start (initdb or opening a
// directory) spends seconds in it, and a process that parsed its migrations waits at exit
// for the recompiling to finish (on Node 24, `mtc lint` took 2.3 s instead of 0.35 s). With
// Liftoff only, PGlite starts in about 60% of the time and its queries run no slower
// (docs/BENCHMARKS.md, "bench/cli"). `mtc serve`, which lives long, keeps V8's default
// (`keepWasmOptimising`), as does any process with MTC_WASM_OPTIMISE=1; with
// MTC_WASM_OPTIMISE=0 not even `mtc serve` does (a server that lives seconds, as in tests,
// or a small machine where the recompiling competes with the work).
import { setFlagsFromString } from 'node:v8';

let set = false;

/** For a long-lived process (`mtc serve`): V8's default stays; call before compileWasmQuickly. */
export function keepWasmOptimising(): void {
  if (process.env.MTC_WASM_OPTIMISE === '0') return;
  set = true;
}

/** Call before the first WebAssembly module is compiled; later calls do nothing. */
export function compileWasmQuickly(): void {
  if (set) return;
  set = true;
  if (process.env.MTC_WASM_OPTIMISE === '1') return;
  setFlagsFromString('--liftoff-only --no-wasm-dynamic-tiering --no-wasm-tier-up');
}
