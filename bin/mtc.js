#!/usr/bin/env node
// The `mtc` command. The CLI is compiled to dist/ by `npm ci` (the prepare script).
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    process.stderr.write('mtc: the CLI is not built yet; run `npm ci` (or `npm run build`) in the project root\n');
    process.exit(2);
  }
  throw err;
});
