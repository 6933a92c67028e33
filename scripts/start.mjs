// `npm start`: migrate the database, then serve the API until stopped (Ctrl-C). On the
// embedded database (no DATABASE_URL) it also fills it with the demo data while it is still
// empty, and, while no one can log in, makes the first admin (admin@localhost), whose password
// the server prints once with its address. A server named by DATABASE_URL gets neither by
// itself: run `mtc seed --demo` and `mtc user add` there.
// The lint's warnings on the migrations are for whoever writes them (`mtc lint`, `mtc
// migrate`), not for someone starting MTC: its migrate prints errors only.
// Arguments after `npm start --` go to `mtc serve` (`npm start -- --port 4000 --log-format json`).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
// On a Node older than MTC needs, all of this runs again on the project's own Node 24.
if (createRequire(import.meta.url)('../bin/node-runtime.cjs').relaunchOnSupportedNode(root, 'npm start')) await new Promise(() => {});
const bin = `${root}bin/mtc.cjs`;
const mtc = (...args) => spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' }).status ?? 1;

const embedded = !process.env.DATABASE_URL;
let code = mtc('migrate', '--quiet-warnings');
if (code === 0 && embedded) code = mtc('seed', '--demo', '--if-empty');
if (code !== 0) process.exit(code);
// The server in the foreground; signals reach it, and its exit code is ours.
const serve = [bin, 'serve', ...(embedded ? ['--first-admin', 'admin@localhost'] : []), ...process.argv.slice(2)];
const server = spawn(process.execPath, serve, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (c, signal) => process.exit(c ?? (signal ? 0 : 1)));
