// A reporter for node's test runner (scripts/test.mjs adds it beside the spec reporter): how
// long each test file took, the slowest first, written to the file the runner gives it
// (node_modules/.cache/mtc/test-times.txt), so a slow suite can be made faster where it is slow.
import { relative } from 'node:path';

export default async function* times(source) {
  const files = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      const file = relative(process.cwd(), event.data.file);
      const seen = files.get(file) ?? { ms: 0, tests: 0 };
      seen.ms += event.data.details.duration_ms;
      seen.tests += 1;
      files.set(file, seen);
    }
  }
  const rows = [...files].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, f]) => s + f.ms, 0);
  yield `${(total / 1000).toFixed(1)} s in ${rows.length} files (the sum of each file's top-level tests)\n`;
  for (const [file, f] of rows) yield `${(f.ms / 1000).toFixed(1).padStart(7)} s  ${String(f.tests).padStart(3)} tests  ${file}\n`;
}
