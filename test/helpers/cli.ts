import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Backend, TestDatabase } from './backends.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const MTC = join(ROOT, 'bin', 'mtc.cjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `mtc ARGS` as a user would (the built CLI; on `node`, else the Node running the tests); `done` resolves when it exits. */
export function startMtc(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; node?: string } = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  // V8 does not recompile PGlite's WebAssembly for speed in a server that lives seconds (src/db/wasm.ts)
  const env: NodeJS.ProcessEnv = { MTC_WASM_OPTIMISE: '0', ...process.env, ...options.env };
  // the database is the test's to name, never the environment's it runs in
  for (const name of ['DATABASE_URL', 'MTC_DIRECT_DATABASE_URL']) {
    delete env[name];
    if (options.env?.[name]) env[name] = options.env[name];
  }
  return startProcess(options.node ?? process.execPath, [MTC, ...args], { cwd: options.cwd, env });
}

/** Starts COMMAND ARGS (in ROOT unless told) with its stdout and stderr collected; `done` resolves when it exits. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/**
 * Runs `mtc ARGS` to completion: in this process (runCli, on the sources) unless the test is
 * about the process itself — another Node (`node`), directory (`cwd`) or environment beyond
 * DATABASE_URL (`env`), or `mtc serve` — when it is started as a user would (startMtc).
 * `stdin` is what the command reads from standard input.
 */
export function mtc(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; node?: string; stdin?: string } = {}): Promise<CliResult> {
  const ownProcess =
    process.env.MTC_TEST_CLI === 'process' ||
    options.node !== undefined ||
    options.cwd !== undefined ||
    Object.keys(options.env ?? {}).some((k) => k !== 'DATABASE_URL') ||
    args[0] === 'serve';
  if (ownProcess) {
    if (options.stdin !== undefined) throw new Error('mtc(): stdin is for a run in this process');
    return startMtc(args, options).done;
  }
  return mtcHere(args, options.env?.DATABASE_URL, options.stdin);
}

/** `mtc ARGS` run by runCli in this process, as bin.ts runs it but with its output collected. */
async function mtcHere(args: readonly string[], databaseUrl: string | undefined, stdin = ''): Promise<CliResult> {
  const { runCli } = await import('../../src/cli/main.ts');
  const collect = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    return { stream, text: () => text };
  };
  const out = collect();
  const err = collect();
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.MTC_DIRECT_DATABASE_URL;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  const { openForCli } = await import('./backends.ts');
  const code = await runCli(args, { stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]), isTTY: false, env, openDatabase: openForCli });
  await new Promise((r) => setImmediate(r)); // what was written reaches the collectors
  return { code, signal: null, stdout: out.text(), stderr: err.text() };
}

/** Waits until a started `mtc serve` prints the address it listens on, and answers it; fails with its output if it exits or takes a minute. */
export async function listeningAddress(child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  let seen = '';
  child.stderr?.on('data', (d: Buffer) => (seen += d.toString()));
  const until = Date.now() + timeoutMs;
  let address: string | undefined;
  while (!(address = /listening on (http:\/\/[\d.:]+)/.exec(seen)?.[1])) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`mtc serve did not start:\n${seen}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return address;
}

/** A test database of its own on `backend`, migrated by `mtc migrate` as a user would. */
export async function migratedByMtc(backend: Backend): Promise<TestDatabase> {
  const t = await backend.create();
  const migrated = await mtc(['migrate', '--database', t.url]);
  if (migrated.code !== 0) {
    await t.drop();
    throw new Error(`mtc migrate failed (${migrated.code}):\n${migrated.stderr}`);
  }
  return t;
}

/** What the import worker of a `mtc serve` logged, one event per JSON line. */
export interface WorkerLog {
  event: string;
  jobId?: number;
  takeover?: boolean;
  why?: string;
}

/** A running `mtc serve` (JSON logs): its address, its pid, and the import worker's events from its log. */
export interface ServingMtc {
  api: string;
  pid: number;
  events(): WorkerLog[];
  /** Signals it (SIGTERM unless told) if it still runs; its exit code and what it wrote to stderr. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stderr: string }>;
}

/** Starts `mtc serve` on `database` with a free port, the import worker polling every 0.1 s (and `env` besides); resolves once it listens. */
export async function serveMtc(database: string, env: NodeJS.ProcessEnv = {}): Promise<ServingMtc> {
  const s = startMtc(['serve', '--port', '0', '--database', database], { env: { LOG_LEVEL: 'info', MTC_IMPORT_POLL_MS: '100', ...env } });
  let err = '';
  let out = '';
  s.child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  s.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const api = await listeningAddress(s.child);
  return {
    api,
    pid: s.child.pid!,
    events: () =>
      out
        .split('\n')
        .filter((l) => l.includes('"import worker: '))
        .map((l) => JSON.parse(l) as WorkerLog),
    async stop(signal = 'SIGTERM') {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
      const { code } = await s.done;
      return { code, stderr: err };
    },
  };
}
