/**
 * The PostgreSQL parser (libpg-query, WASM), loaded on first use only: importing the
 * package starts compiling the WASM, which a command with nothing to lint must not pay for.
 */
import type { ParseResult } from 'libpg-query';
import { compileWasmQuickly } from '../../db/wasm.ts';

/** The parts of libpg-query the lint uses, all synchronous once loaded. */
export interface PgParser {
  /** Parses SQL; throws an error with `sqlDetails.cursorPosition` (0-based code points) on a syntax error. */
  parse(sql: string): ParseResult;
  /** Compiles the PL/pgSQL of a DO or CREATE FUNCTION statement; errors carry no position. */
  parsePlPgSQL(sql: string): unknown;
}

let loaded: PgParser | undefined;
let loading: Promise<PgParser> | undefined;

/**
 * Loads libpg-query once (later calls share the same promise) and returns it. Callers that
 * will lint can start this early, e.g. while connecting to the database.
 */
export function loadPgParser(): Promise<PgParser> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= (async () => {
    compileWasmQuickly();
    const pg = await import('libpg-query');
    await pg.loadModule();
    // The first parse pays a one-time warm-up (tens of milliseconds): pay it here, where a
    // caller can overlap it with other start-up work, rather than in the first lint.
    pg.parseSync('SELECT 1');
    pg.parsePlPgSQLSync('DO $$BEGIN NULL; END$$');
    loaded = { parse: pg.parseSync, parsePlPgSQL: pg.parsePlPgSQLSync };
    return loaded;
  })().catch((err: unknown) => {
    loading = undefined; // let a later call try again
    throw err;
  });
  return loading;
}

/** The parser if `loadPgParser` has finished, else undefined. */
export function loadedPgParser(): PgParser | undefined {
  return loaded;
}
