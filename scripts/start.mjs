// `npm start`: migrate the database, and on the embedded one (no DATABASE_URL) fill it with
// the demo data while it is still empty, so a newcomer sees a working system. A server named
// by DATABASE_URL never gets demo data by itself: run `mtc seed --demo` there if you want it.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const mtc = (...args) => spawnSync(process.execPath, [`${root}bin/mtc.cjs`, ...args], { stdio: 'inherit' }).status ?? 1;

let code = mtc('migrate');
if (code === 0 && !process.env.DATABASE_URL) code = mtc('seed', '--demo', '--if-empty');
if (code === 0) code = mtc('status');
process.exit(code);
