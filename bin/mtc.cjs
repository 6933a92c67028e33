#!/usr/bin/env node
// The `mtc` command. The CLI is compiled to dist/mtc.cjs by `npm ci` (the prepare script):
// one CommonJS file, which Node loads faster than a graph of ES modules; this file is
// CommonJS too, so no ES module loader starts at all.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'mtc.cjs');
if (!existsSync(built)) {
  process.stderr.write('mtc: the CLI is not built yet; run `npm ci` (or `npm run build`) in the project root\n');
  process.exit(2);
}
require(built);
