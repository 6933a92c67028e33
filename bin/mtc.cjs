#!/usr/bin/env node
// The `mtc` command. The CLI is compiled to dist/mtc.cjs by `npm ci` (the prepare script):
// one CommonJS file, which Node loads faster than a graph of ES modules; this file is
// CommonJS too, so no ES module loader starts at all. On a Node older than MTC needs, it
// starts itself again on the project's own Node 24 (bin/node-runtime.cjs).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { relaunchOnSupportedNode } = require('./node-runtime.cjs');

const root = join(__dirname, '..');
if (!relaunchOnSupportedNode(root, 'mtc')) {
  const built = join(root, 'dist', 'mtc.cjs');
  if (!existsSync(built)) {
    process.stderr.write('mtc: the CLI is not built yet; run `npm ci` (or `npm run build`) in the project root\n');
    process.exit(2);
  }
  // Node keeps the compiled code of dist/mtc.cjs (and what it loads from node_modules) on
  // disk, so the next start skips compiling it (docs/BENCHMARKS.md, "The CLI's start").
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=DIR moves it.
  require('node:module').enableCompileCache();
  require(built);
}
