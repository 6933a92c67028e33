// `npm start`: migrate the database, on the embedded one (no DATABASE_URL) fill it with the
// demo data while it is still empty, then serve the API until stopped (Ctrl-C). A server
// named by DATABASE_URL never gets demo data by itself: run `mtc seed --demo` there if you
// want it.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
// On a Node older than MTC needs, all of this runs again on the project's own Node 24.
if (createRequire(import.meta.url)('../bin/node-runtime.cjs').relaunchOnSupportedNode(root, 'npm start')) await new Promise(() => {});
const bin = `${root}bin/mtc.cjs`;
const mtc = (...args) => spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' }).status ?? 1;

let code = mtc('migrate');
if (code === 0 && !process.env.DATABASE_URL) code = mtc('seed', '--demo', '--if-empty');
if (code !== 0) process.exit(code);
// The server in the foreground; signals reach it, and its exit code is ours.
const server = spawn(process.execPath, [bin, 'serve'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (c, signal) => process.exit(c ?? (signal ? 0 : 1)));
