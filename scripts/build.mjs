// Compiles the CLI into one CommonJS file, dist/mtc.cjs, with esbuild. One CommonJS file loads
// much faster than a graph of ES modules (measured: docs/BENCHMARKS.md), and a no-op
// `mtc migrate` must start fast. The drivers and the SQL parser stay in node_modules and are
// imported on demand, so a command loads only what it uses.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/mtc.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['pg', 'pg/*', '@electric-sql/pglite', '@electric-sql/pglite/*', 'libpg-query', 'esbuild', 'typescript'],
  // the sources are ES modules: give them their import.meta.url in the CommonJS bundle
  define: { 'import.meta.url': '__mtcModuleUrl' },
  banner: { js: "const __mtcModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
