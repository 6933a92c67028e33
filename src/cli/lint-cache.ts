import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LintOptions, LintReport } from '../schema/lint/index.ts';
import type { MigrationSource } from '../schema/migrations/source.ts';
import type { CommandContext } from './command.ts';
import { UsageError } from './usage.ts';

/** Set by the build (scripts/build.mjs) to a hash of the sources; absent when run from source. */
declare const __MTC_SOURCE_HASH__: string | undefined;

/** Where lint results are kept: beside the embedded database's default directory (./.mtc/pgdata). */
export const LINT_CACHE_DIR = join('.mtc', 'cache', 'lint');

/** A lint: all the project's migrations, and which to report on (LintOptions). */
export type Lint = (all: readonly MigrationSource[], options: LintOptions) => Promise<LintReport>;

/**
 * The lint of `mtc lint` and `mtc migrate`, with its results kept in .mtc/cache/lint under a
 * key of everything they depend on: each migration's path and exact bytes, which of them are
 * reported on, the rules' levels, and the sources MTC was built from (its version). A run
 * over the same files then reads the report instead of loading the parser and linting. A
 * file that cannot be read or parsed is no result (linted again, and written anew), never an
 * error; writing is best effort too. Off with --no-lint-cache or MTC_LINT_CACHE=0, and when
 * MTC runs from source (tests of the library): the build's hash is then unknown.
 */
export function lintFor(ctx: CommandContext): Lint {
  const setting = process.env.MTC_LINT_CACHE?.trim();
  if (setting !== undefined && setting !== '' && setting !== '0' && setting !== '1')
    throw new UsageError(`MTC_LINT_CACHE=${setting}: expected 0 (no lint cache) or 1`);
  const built = typeof __MTC_SOURCE_HASH__ === 'string' ? __MTC_SOURCE_HASH__ : undefined;
  const on = built !== undefined && ctx.values['no-lint-cache'] !== true && setting !== '0';
  return async (all, options) => {
    const { lintMigrations } = await import('../schema/lint/index.ts');
    if (!on) return lintMigrations(all, options);
    const file = join(LINT_CACHE_DIR, `${keyOf(built, all, options)}.json`);
    const kept = await readFile(file, 'utf8').then(parseReport, () => undefined);
    if (kept) return kept;
    const report = await lintMigrations(all, options);
    await keep(file, report).catch(() => {}); // a read-only directory only costs the next run a lint
    return report;
  };
}

function keyOf(built: string, all: readonly MigrationSource[], options: LintOptions): string {
  const only = new Set(options.only ?? all.map((m) => m.id));
  const hash = createHash('sha256').update(`mtc-lint 1\0${built}\0${JSON.stringify(options.rules ?? {})}\0`);
  for (const m of all) hash.update(`${m.path}\0${only.has(m.id) || only.has(m.path) ? 1 : 0}\0${m.text.length}\0`).update(m.text);
  return hash.digest('hex').slice(0, 40);
}

/** A report as written by `keep`, or undefined for anything else (a torn or edited file). */
function parseReport(text: string): LintReport | undefined {
  try {
    const r = JSON.parse(text) as Partial<LintReport> | null;
    const counts = typeof r?.errors === 'number' && typeof r.warnings === 'number' && typeof r.files === 'number';
    return counts && Array.isArray(r.findings) && Array.isArray(r.acknowledged) ? (r as LintReport) : undefined;
  } catch {
    return undefined;
  }
}

async function keep(file: string, report: LintReport): Promise<void> {
  await mkdir(LINT_CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(report));
  await rename(tmp, file);
}
