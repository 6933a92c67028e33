// Compiles the CLI into one CommonJS file, dist/mtc.cjs, with esbuild. One CommonJS file loads
// much faster than a graph of ES modules (measured: docs/BENCHMARKS.md), and a no-op
// `mtc migrate` must start fast. The drivers and the SQL parser stay in node_modules and are
// imported on demand, so a command loads only what it uses.
// It also builds the web app (web/) with Vite into dist/web, which `mtc serve` serves at /.
// The two builds run side by side.
import { build } from 'esbuild';
import react from '@vitejs/plugin-react';
import { build as buildWeb } from 'vite';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// What the bundle was built from: caches of derived data (a snapshot's model) are keyed by it.
async function sourceHash(dir) {
  const hash = createHash('sha256');
  const walk = async (d) => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        hash
          .update(p)
          .update('\0')
          .update(await readFile(p))
          .update('\0');
    }
  };
  await walk(dir);
  return hash.digest('hex');
}

// Built already from these very inputs (npm ci's prepare, then npm test): nothing to do.
// --force builds anyway.
const inputs = createHash('sha256');
const srcHash = await sourceHash('src');
inputs.update(srcHash).update(await sourceHash('web'));
for (const file of ['scripts/build.mjs', 'package-lock.json']) inputs.update(await readFile(file));
const buildKey = inputs.digest('hex');
const keyFile = new URL('../dist/.build-key', import.meta.url);
const built = ['mtc.cjs', 'xlsx-thread.cjs', 'typebox.cjs', 'web/index.html'].every((f) => existsSync(new URL(`../dist/${f}`, import.meta.url)));
if (!process.argv.includes('--force') && built && (await readFile(keyFile, 'utf8').catch(() => '')) === buildKey) process.exit(0);

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
const source = JSON.stringify(srcHash);
// TypeBox is many small CommonJS files in node_modules: loading them cost mtc serve about 0.1 s
// of CPU. Inside dist/mtc.cjs it would cost every other command its parse instead; so it is a
// bundle of its own, dist/typebox.cjs, which the CLI's bundle requires where it imports it.
const typeboxAlone = {
  name: 'typebox-alone',
  setup(b) {
    b.onResolve({ filter: /^@sinclair\/typebox$/ }, () => ({ path: './typebox.cjs', external: true }));
  },
};
const bundle = (entry, outfile) =>
  build({
    entryPoints: [entry],
    outfile,
    plugins: [typeboxAlone],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    external: [
      'pg',
      'pg/*',
      '@electric-sql/pglite',
      '@electric-sql/pglite/*',
      'libpg-query',
      'esbuild',
      'typescript',
      'fastify',
      '@fastify/*',
      '@node-rs/argon2',
      'exceljs',
      'iconv-lite',
      'csv-parse',
      'csv-parse/*',
    ],
    // ASCII only: one character above U+00FF (a '…' in a comment) makes V8 hold and scan the
    // whole 1.7 MB bundle as UTF-16
    charset: 'ascii',
    minifyWhitespace: true,
    // the sources are ES modules: give them their import.meta.url in the CommonJS bundle
    define: { 'import.meta.url': '__mtcModuleUrl', __MTC_SOURCE_HASH__: source },
    banner: { js: "const __mtcModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
// The thread that reads an XLSX file is a file of its own beside the CLI (src/app/imports/formats/xlsx/host.ts starts it).
const typebox = build({
  stdin: { contents: "export * from '@sinclair/typebox';", resolveDir: fileURLToPath(new URL('..', import.meta.url)) },
  outfile: 'dist/typebox.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  charset: 'ascii',
  minifyWhitespace: true,
  logLevel: 'warning',
});
const cli = Promise.all([bundle('src/cli/bin.ts', 'dist/mtc.cjs'), bundle('src/app/imports/formats/xlsx/thread.ts', 'dist/xlsx-thread.cjs'), typebox]);
// Every asset's name carries a hash of its content, so the server can let browsers keep it for good.
const web = buildWeb({
  configFile: false,
  root: fileURLToPath(new URL('../web/', import.meta.url)),
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web/', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // gzip sizes are measured by test/http/web.test.ts, against the budget
    reportCompressedSize: false,
  },
});
await Promise.all([cli, web]);
await writeFile(keyFile, buildKey);
