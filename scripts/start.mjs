// `npm start`: migrate the database, then serve the API until stopped (Ctrl-C), in this one
// process: `mtc serve --migrate`. On the embedded database (no DATABASE_URL) it also fills it
// with the demo data while it is still empty (--seed-demo-if-empty), and, while no one can log
// in, makes the first admin (admin@localhost, --first-admin), whose password the server prints
// once with its address. A server named by DATABASE_URL gets neither by itself: run
// `mtc seed --demo` and `mtc user add` there.
// The lint's warnings on the migrations are for whoever writes them (`mtc lint`, `mtc
// migrate`), not for someone starting MTC: --migrate prints errors only.
// When a migration fails, serve prints which and why, and exits 1 without serving.
// Arguments after `npm start --` go to `mtc serve` (`npm start -- --port 4000 --log-format json`).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
// On a Node older than MTC needs, all of this runs again on the project's own Node 24.
if (require('../bin/node-runtime.cjs').relaunchOnSupportedNode(root, 'npm start')) await new Promise(() => {});
else {
  const embedded = !process.env.DATABASE_URL;
  const serve = ['serve', '--migrate', ...(embedded ? ['--seed-demo-if-empty', '--first-admin', 'admin@localhost'] : [])];
  // bin/mtc.cjs reads its command line from process.argv, runs it, and ends this process with its exit code.
  process.argv = [process.execPath, `${root}bin/mtc.cjs`, ...serve, ...process.argv.slice(2)];
  require('../bin/mtc.cjs');
}
