// bench/http/json-body.mjs: what reading a JSON body costs the API (src/http/json-body.ts,
// quoteInexactNumbers, then JSON.parse), beside its floor: JSON.parse of the same text alone.
// Bodies: an ordinary one (a process of 500 lines, as the editor saves it) and adversarial ones
// up to the 1 MiB limit. For the adversarial strings, also the regular expression the scan
// replaced (run only up to 80 KB: it grows with the square of the size), to show the shape.
// Usage: node bench/http/json-body.mjs [--runs 20] [--json]
// Plain Node ESM; src/ is loaded as it is (Node 24 strips its types), not dist/.
import '../lib/node24.mjs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, json: { type: 'boolean' } } });
const RUNS = Number(values.runs);
const log = (m) => process.stderr.write(`${m}\n`);

const { quoteInexactNumbers } = await import(pathToFileURL(resolve(repo, 'src/http/json-body.ts')).href);

/** The regular expression json-body.ts used before (commit 4cedcf7), applied as it was. */
const OLD = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/gs;
const oldScan = (text) => text.replace(OLD, (t) => t);

const MiB = 1 << 20;
/** A flat string (as a request body arrives), not a rope of concatenations. */
const flat = (s) => Buffer.from(s).toString();
const fill = (bytes, head, unit, tail = '') => flat(head + unit.repeat(Math.floor((bytes - head.length - tail.length) / unit.length)) + tail);

function processBody(lines) {
  const steps = [];
  for (let s = 0; s < 25; s++) {
    steps.push({
      subprocessId: s + 1,
      lines: Array.from({ length: lines / 25 }, (_, i) => ({ variantId: s * 100 + i + 1, quantity: `${(i % 9) + 1}.25` })),
      groups: [
        {
          name: `Group ${s}`,
          alternatives: [
            { variantId: 9000 + s, quantity: 1.5 },
            { variantId: 9500 + s, quantity: 2 },
          ],
        },
      ],
    });
  }
  return flat(JSON.stringify({ name: 'A process of 500 lines', salesPrice: 4500.5, steps }));
}

const BODIES = {
  'a process of 500 lines (ordinary)': processBody(500),
  'a string never closed, 1 MiB': fill(MiB, '"', '\\"'),
  'a string of escaped backslashes, 1 MiB': fill(MiB, '{"name": "', '\\\\', '"}'),
  'a hundred thousand short strings, 1 MiB': fill(MiB, '[', '"ab",', '"ab"]'),
  'two hundred thousand numbers held exactly, 1 MiB': fill(MiB, '[', '12.5,', '1]'),
  'inexact numbers up to the limit, 20 KB': fill(20_000, '[', '0.30000000000000001,', '1]'),
  'a number of a megabyte of digits': fill(MiB, '{"name": ', '7', '}'),
};

/** Median milliseconds of `fn` over RUNS runs, after two to warm up. */
function time(fn) {
  fn();
  fn();
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ms);
}

const load = loadavg()[0];
const rows = [];
for (const [name, body] of Object.entries(BODIES)) {
  const floor = time(() => {
    try {
      JSON.parse(body);
    } catch {}
  });
  const ours = time(() => {
    try {
      JSON.parse(quoteInexactNumbers(body));
    } catch {}
  });
  rows.push({ body: name, bytes: body.length, jsonParseMs: floor, scanAndParseMs: ours, ratio: ours / floor });
  log(`${name}: JSON.parse ${floor.toFixed(2)} ms, scan + parse ${ours.toFixed(2)} ms (${(ours / floor).toFixed(2)}×)`);
}
// The old regular expression on a string never closed, at sizes it finishes in seconds
const growth = [];
for (const bytes of [10_000, 20_000, 40_000, 80_000]) {
  const body = fill(bytes, '"', '\\"');
  const t = process.hrtime.bigint();
  oldScan(body);
  const oldMs = Number(process.hrtime.bigint() - t) / 1e6;
  const newMs = time(() => {
    try {
      quoteInexactNumbers(body);
    } catch {}
  });
  growth.push({ bytes, oldRegexMs: oldMs, scanMs: newMs });
  log(`a string never closed, ${bytes} bytes: old regular expression ${oldMs.toFixed(0)} ms, scan ${newMs.toFixed(3)} ms`);
}
const result = { node: process.version, cpus: availableParallelism(), loadBefore: load, loadAfter: loadavg()[0], runs: RUNS, rows, growth };
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
