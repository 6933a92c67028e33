// Compiles the CLI into dist/ with esbuild: one small entry that loads each command on demand,
// so a command loads only what it uses (a no-op `mtc migrate` never loads the SQL parser or PGlite).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The drivers and the parser stay in node_modules and load on demand; pg-protocol is bundled
  // because the no-op path uses it and one file loads faster than a package's many.
  external: ['pg', 'pg/*', '@electric-sql/pglite', '@electric-sql/pglite/*', 'libpg-query', 'esbuild', 'typescript'],
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
