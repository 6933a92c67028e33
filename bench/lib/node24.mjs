// Imported first by every benchmark: on a Node older than MTC needs (the machine's Node 20
// running `node bench/...`), the benchmark starts again on the project's own Node 24
// (bin/node-runtime.cjs), which also runs MTC's TypeScript sources by stripping their types.
import { createRequire } from 'node:module';

const root = new URL('../../', import.meta.url).pathname;
if (createRequire(import.meta.url)('../../bin/node-runtime.cjs').relaunchOnSupportedNode(root, 'bench')) await new Promise(() => {});
