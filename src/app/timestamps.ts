/**
 * How the application hands a timestamp to its callers: ISO-8601 in UTC with milliseconds
 * (`2026-11-26T01:02:03.456Z`), whatever the session's TimeZone. One spelling for every area.
 */
export const isoUtc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
