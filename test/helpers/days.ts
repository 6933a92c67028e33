/** The day `n` days after `day` (both YYYY-MM-DD; `n` may be negative), by the calendar, in UTC. */
export const daysAfter = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
