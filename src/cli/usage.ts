import { MtcError } from '../errors.ts';

/** A mistake in how mtc was called: exit 2. */
export class UsageError extends MtcError {
  constructor(message: string) {
    super('USAGE', message, 'usage');
  }
}

/** Parses a duration option: plain seconds (`30`, `1.5`) or with a unit (`500ms`, `2s`, `1m`). */
export function parseDuration(name: string, value: string | boolean | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(value).trim());
  if (!m) throw new UsageError(`--${name} ${String(value)}: expected seconds, e.g. 30, 1.5, 500ms or 2m`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 'm' ? n * 60_000 : n * 1000);
}
