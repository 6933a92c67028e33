// How `mtc serve` writes its log: pino's JSON lines for machines, or one short line per
// request for a person at a terminal. The human form is pino's own output read back: the
// server logs the same events either way, and only this end differs.
import { UsageError } from './usage.ts';

export type LogFormat = 'json' | 'human';

/** The names --log-format takes: `pretty` is another name for `human`. */
const FORMATS: Readonly<Record<string, LogFormat>> = { json: 'json', human: 'human', pretty: 'human' };

/** The format asked for, else human on a terminal and JSON anywhere else (a pipe, a file, a journal). */
export function chooseLogFormat(asked: string | undefined, stdoutIsTerminal: boolean): LogFormat {
  if (asked === undefined) return stdoutIsTerminal ? 'human' : 'json';
  const format = Object.hasOwn(FORMATS, asked) ? FORMATS[asked] : undefined;
  if (!format) throw new UsageError(`--log-format ${asked}: expected json, or human (also called pretty)`);
  return format;
}

/** A pino log entry, as much of it as the human form shows. */
interface Entry {
  level?: number;
  time?: number;
  msg?: string;
  reqId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
}

/** Requests whose start was seen and whose end was not, kept to pair the two lines; a bound, so that requests that never end cannot grow it. */
const OPEN_REQUESTS_KEPT = 1000;

const LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 40: 'warning', 50: 'error', 60: 'fatal' };

/** A pino destination that writes one line per request ("12:03:07 GET /api/items 200 4 ms  <request id>") and other entries as their message. */
export function humanLog(out: { write(text: string): unknown }, options: { colour: boolean }): { write(line: string): void } {
  const paint = (code: string, text: string) => (options.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const statusColour = (status: number) => (status >= 500 ? '31' : status >= 400 ? '33' : status >= 300 ? '36' : '32');
  const open = new Map<string, { method: string; url: string }>();

  const format = (e: Entry): string | undefined => {
    const time = paint('2', clock(e.time));
    const id = e.reqId ? `  ${paint('2', e.reqId)}` : '';
    if (e.msg === 'incoming request' && e.reqId && e.req) {
      open.set(e.reqId, { method: e.req.method ?? '?', url: e.req.url ?? '?' });
      if (open.size > OPEN_REQUESTS_KEPT) open.delete(open.keys().next().value!);
      return undefined;
    }
    if (e.res?.statusCode !== undefined && e.responseTime !== undefined && e.reqId) {
      const req = open.get(e.reqId);
      open.delete(e.reqId);
      const status = paint(statusColour(e.res.statusCode), String(e.res.statusCode));
      const line = `${time} ${req ? `${req.method} ${req.url}` : 'request'} ${status} ${Math.round(e.responseTime)} ms${id}`;
      return e.err?.message ? `${line}\n  ${e.err.message}` : line;
    }
    // The summary mtc serve prints says where it listens; fastify's own line would say it twice.
    if (e.msg?.startsWith('Server listening at ')) return undefined;
    const level = LEVELS[e.level ?? 30];
    const head = `${time} ${level ? `${paint(e.level! >= 50 ? '31' : '33', level)}: ` : ''}${e.msg ?? ''}${id}`;
    if (!e.err) return head;
    // An error's stack starts with its message: the stack alone says both.
    const detail = e.err.stack ?? e.err.message ?? '';
    return detail ? `${head}\n${detail.replace(/^/gm, '  ')}` : head;
  };

  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        let entry: Entry;
        try {
          entry = JSON.parse(line) as Entry;
        } catch {
          out.write(`${line}\n`);
          continue;
        }
        const text = format(entry);
        if (text !== undefined) out.write(`${text}\n`);
      }
    },
  };
}

/** Local time of day to the second: a terminal's log is read the day it is written. */
function clock(ms: number | undefined): string {
  const d = new Date(ms ?? Date.now());
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
