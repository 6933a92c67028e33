// The floor of bench/cli/npm-start.mjs: opens PGlite on the data directory given, answers one
// query, closes it, and prints its own CPU time (user and system, all threads) as JSON.
// V8's default WebAssembly tiering (nothing of MTC is loaded).
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create(process.argv[2]);
await db.query('SELECT 1');
await db.close();
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
