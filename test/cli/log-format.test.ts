// The human form of mtc serve's log, fed the lines pino writes: what a person sees of a
// request, of an error (its stack, indented), and of anything that is not a log entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseLogFormat, humanLog } from '../../src/cli/log-format.ts';

/** A human log writing to a string, and the pino line writer. */
function capture() {
  let text = '';
  const log = humanLog({ write: (t: string) => (text += t) }, { colour: false });
  const write = (entry: Record<string, unknown>) =>
    log.write(`${JSON.stringify({ level: 30, time: new Date(2026, 0, 2, 9, 5, 7).getTime(), pid: 1, hostname: 'h', ...entry })}\n`);
  return { log, write, text: () => text };
}

test('a request is one line, its start and its end joined by the request id; a request whose start was not seen still gets its line', () => {
  const c = capture();
  c.write({ reqId: 'r1', req: { method: 'POST', url: '/api/items' }, msg: 'incoming request' });
  c.write({ reqId: 'r2', req: { method: 'GET', url: '/health' }, msg: 'incoming request' });
  c.write({ reqId: 'r2', res: { statusCode: 200 }, responseTime: 1.4, msg: 'request completed' });
  c.write({ reqId: 'r1', res: { statusCode: 500 }, responseTime: 12.6, msg: 'request completed' });
  c.write({ reqId: 'r9', res: { statusCode: 204 }, responseTime: 3, msg: 'request completed' });
  assert.equal(c.text(), ['09:05:07 GET /health 200 1 ms  r2', '09:05:07 POST /api/items 500 13 ms  r1', '09:05:07 request 204 3 ms  r9', ''].join('\n'));
});

test('an error says its level, message and request id, then its stack indented; fastify\'s "listening at" is left to the summary', () => {
  const c = capture();
  c.write({ msg: 'Server listening at http://127.0.0.1:3000' });
  c.write({ level: 50, reqId: 'r3', msg: 'request failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (a.ts:1:1)' } });
  c.write({ level: 40, msg: 'schema health: the declared schema could not be read' });
  c.write({ msg: 'import worker: claimed job 7' });
  assert.equal(
    c.text(),
    [
      '09:05:07 error: request failed  r3',
      '  Error: boom',
      '      at f (a.ts:1:1)',
      '09:05:07 warning: schema health: the declared schema could not be read',
      '09:05:07 import worker: claimed job 7',
      '',
    ].join('\n'),
  );
});

test('a line that is not JSON is passed on as it is, and several lines in one write are each formatted', () => {
  const c = capture();
  c.log.write('not json at all\n{"level":30,"time":0,"msg":"one"}\n{"level":30,"time":0,"msg":"two"}\n');
  assert.match(c.text(), /^not json at all\n\d\d:\d\d:\d\d one\n\d\d:\d\d:\d\d two\n$/);
});

test('colour only when asked: the status by its class, the time and request id dimmed', () => {
  let text = '';
  const log = humanLog({ write: (t: string) => (text += t) }, { colour: true });
  log.write(`${JSON.stringify({ level: 30, time: 0, reqId: 'r', req: { method: 'GET', url: '/x' }, msg: 'incoming request' })}\n`);
  log.write(`${JSON.stringify({ level: 30, time: 0, reqId: 'r', res: { statusCode: 503 }, responseTime: 1, msg: 'request completed' })}\n`);
  assert.match(text, /^\x1b\[2m\d\d:\d\d:\d\d\x1b\[0m GET \/x \x1b\[31m503\x1b\[0m 1 ms {2}\x1b\[2mr\x1b\[0m\n$/);
});

test('the format: as asked (pretty is human), else human on a terminal and JSON elsewhere; anything else is a usage error naming it', () => {
  assert.equal(chooseLogFormat(undefined, true), 'human');
  assert.equal(chooseLogFormat(undefined, false), 'json');
  assert.equal(chooseLogFormat('json', true), 'json');
  assert.equal(chooseLogFormat('pretty', false), 'human');
  assert.equal(chooseLogFormat('human', false), 'human');
  assert.throws(() => chooseLogFormat('toString', true), { code: 'USAGE', message: /--log-format toString: expected json, or human/ });
});
