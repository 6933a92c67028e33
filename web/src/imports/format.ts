// How an import's figures read: counts grouped, rates to one decimal, durations and file sizes in words.

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const rate = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A row count with thousands separators. */
export const formatCount = (n: number) => count.format(n);

/** Rows per second, to one decimal ("1,234.5"). */
export const formatRate = (n: number) => rate.format(n);

/** A number of seconds as "45 s", "3 min 5 s" or "2 h 10 min". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** The time between two API moments, in words; under a second as "under a second". */
export function formatDuration(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return ms < 1000 ? 'under a second' : formatSeconds(ms / 1000);
}

/** A file size as "12 KB" or "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
