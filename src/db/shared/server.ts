import { chmod, lstat, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Queryable } from '../types.ts';
import type { SessionTurns } from '../one-session.ts';
import { type AdvisoryLocks, mentionsAdvisory } from './advisory.ts';
import { makePrivateDirectory, removeServeTraces, socketPathFor, writeServeRecord } from './place.ts';
import {
  CANCEL_REQUEST,
  GSSENC_REQUEST,
  PROTOCOL_3,
  SSL_REQUEST,
  abortMessages,
  errorResponse,
  queryMessage,
  readiness,
  startupMessage,
  wholeMessages,
} from './wire.ts';

// The sharing server: `mtc serve` offers its embedded database (one PGlite, one PostgreSQL
// session) to the other mtc commands of this machine over a Unix socket in the data
// directory, speaking PostgreSQL's wire protocol, so a command runs as it would on a server.
//
// The one session is shared by taking turns (SessionTurns, the same turns this process's own
// queries take). A client's turn begins with its first message and lasts until PGlite's
// answer leaves the session idle (ReadyForQuery 'I') with nothing more from the client to
// run: a transaction (BEGIN … COMMIT, or a half-sent extended query) is one turn, so no one
// else's statements ever run inside it, this process's own requests included. A client gone
// mid-turn (killed, its connection reset) has its transaction rolled back and the advisory
// locks it took freed; one that idles in a transaction longer than `idleInTransactionMs` is
// disconnected the same way, so no client can keep the server waiting for ever.

export interface ShareOptions {
  /** The data directory (absolute). */
  dataDir: string;
  /** PGlite's wire-protocol entry point. */
  exec: (message: Uint8Array) => Promise<Uint8Array>;
  /** SQL on the session, for the server's own housekeeping (run while holding a turn). */
  raw: Queryable;
  turns: SessionTurns;
  locks: AdvisoryLocks<Owner>;
  /** How long a client may hold a transaction open without sending anything (default 60 s). */
  idleInTransactionMs?: number;
  /** Hears PGlite failing while it served a client, or while undoing what one left open: default stderr. */
  onError?: (err: unknown) => void;
}

/** Who holds an advisory lock: this process, or a client connection. */
export type Owner = 'server' | Socket;

export interface SharedSession {
  /** The socket's path. */
  readonly socket: string;
  /** Stops listening, ends every client (rolling back what they left open) and removes the socket and its record. */
  close(): Promise<void>;
}

/** Starts serving the session over the socket of `dataDir`; the caller holds the directory's lock. */
export async function shareSession(options: ShareOptions): Promise<SharedSession> {
  const { path, privateDir } = socketPathFor(options.dataDir);
  if (privateDir) await makePrivateDirectory(privateDir);
  // The greeting every client gets: PGlite's own answer to a startup message, taken once.
  // Startup parameters a client sends are not applied: the session is the server's.
  const greeting = Buffer.from(await options.turns.run(() => options.exec(startupPacket())));
  const connections = new Map<Socket, Promise<void>>();
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    connections.set(
      socket,
      serveClient(socket, greeting, options).finally(() => connections.delete(socket)),
    );
  });
  await listenPrivately(server, path);
  await writeServeRecord(options.dataDir, { pid: process.pid, started: new Date().toISOString(), socket: path });
  return {
    socket: path,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of connections.keys()) socket.destroy();
      await Promise.allSettled([...connections.values()]);
      await closed;
      await removeServeTraces(options.dataDir, { pid: process.pid, started: '', socket: path });
    },
  };
}

/** Listens on `path` with a socket file only this user may use (0600, made so from the start). */
async function listenPrivately(server: Server, path: string): Promise<void> {
  const stale = await lstat(path).catch(() => undefined);
  if (stale?.isSocket()) await rm(path, { force: true }); // a killed server's; the directory lock says no one else serves here
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  await chmod(path, 0o600);
}

function reportToStderr(err: unknown): void {
  process.stderr.write(`mtc: the shared embedded database failed a client: ${err instanceof Error ? err.message : String(err)}\n`);
}

function startupPacket(): Buffer {
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0', 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([head, params]);
}

/** One client, from its startup message to its last byte; resolves once what it left open is undone. */
function serveClient(socket: Socket, greeting: Buffer, options: ShareOptions): Promise<void> {
  const idleMs = options.idleInTransactionMs ?? 60_000;
  let pending: Buffer = Buffer.alloc(0);
  let started = false;
  let closed = false;
  let release: (() => void) | undefined; // set while this client holds the session
  let midTurn = false; // the session is in this client's transaction or half-sent query
  let namedLocks = false; // this turn's SQL named an advisory lock
  let idleTimer: NodeJS.Timeout | undefined;
  let pumping: Promise<void> | undefined;
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));

  // Chunks of a message not yet whole wait in a list and are joined once it is: joining each
  // chunk onto what came before would copy a large message (an uploaded file as a parameter)
  // over and over, a cost that grows with the square of its size.
  let waiting: Buffer[] = [];
  let waitingBytes = 0;
  let missing = 0; // bytes still to come before the first incomplete message is whole
  socket.on('data', (chunk: Buffer) => {
    waiting.push(chunk);
    waitingBytes += chunk.length;
    if (waitingBytes < missing) return;
    pending = Buffer.concat([pending, ...waiting]);
    waiting = [];
    waitingBytes = 0;
    missing = started ? bytesMissing(pending) : 0;
    pump();
  });
  socket.on('error', () => {}); // 'close' follows
  socket.on('close', () => {
    closed = true;
    pump();
  });

  let again = false;
  function pump(): void {
    if (pumping) {
      again = true;
      return;
    }
    again = false;
    pumping = work()
      .catch((err: unknown) => {
        // PGlite failed (SQL errors are answers, not exceptions): this client cannot go on
        (options.onError ?? reportToStderr)(err);
        socket.destroy();
      })
      .finally(() => {
        pumping = undefined;
        if (closed) void cleanUpOnce();
        else if (again) pump();
      });
  }

  async function work(): Promise<void> {
    while (!closed) {
      if (!started) {
        const m = startupMessage(pending);
        if (!m) return;
        if (m.length < 0) return void socket.destroy();
        pending = pending.subarray(m.length);
        if (m.code === SSL_REQUEST || m.code === GSSENC_REQUEST) socket.write('N');
        else if (m.code === PROTOCOL_3) {
          started = true;
          socket.write(greeting);
        } else if (m.code === CANCEL_REQUEST)
          return void socket.destroy(); // nothing to cancel in one session: the statement finishes
        else {
          socket.end(errorResponse('FATAL', '08P01', `unsupported frontend protocol ${m.code >>> 16}.${m.code & 0xffff}: this server speaks 3.0`));
          return;
        }
        continue;
      }
      const { end, terminate } = wholeMessages(pending);
      if (end < 0) return void socket.destroy();
      if (end > 0) {
        const batch = pending.subarray(0, end);
        pending = pending.subarray(end);
        await runBatch(batch);
      }
      if (terminate) {
        socket.end();
        closed = true;
        return;
      }
      if (end === 0) return;
    }
  }

  async function runBatch(batch: Buffer): Promise<void> {
    clearTimeout(idleTimer);
    if (!release) {
      release = await options.turns.take();
      // what this process's own SQL did to the advisory locks since is its own
      await options.locks.refreshIfStale(options.raw, 'server');
    }
    if (mentionsAdvisory(batch.toString('latin1'))) namedLocks = true;
    // a copy: PGlite's answer is a view of its memory, which the next call overwrites
    const out = Buffer.from(await options.exec(batch));
    if (!socket.destroyed) socket.write(out);
    const { ready, status } = readiness(out);
    if (ready) midTurn = status !== 'I';
    else if (out.length > 0) midTurn = true;
    if (midTurn || wholeMessages(pending).end > 0) {
      if (midTurn && wholeMessages(pending).end === 0) idleTimer = setTimeout(idleTooLong, idleMs);
      return;
    }
    await endTurn();
  }

  async function endTurn(): Promise<void> {
    if (namedLocks) await options.locks.refresh(options.raw, socket);
    namedLocks = false;
    release?.();
    release = undefined;
  }

  function idleTooLong(): void {
    if (socket.destroyed) return;
    socket.end(
      errorResponse(
        'FATAL',
        '25P03',
        `terminating the connection: idle in a transaction for more than ${Math.round(idleMs / 1000)} s while the embedded database's one session waited (its transaction is rolled back)`,
      ),
    );
    socket.destroy();
  }

  let cleaning: Promise<void> | undefined;
  function cleanUpOnce(): Promise<void> {
    cleaning ??= cleanUp()
      .catch(options.onError ?? reportToStderr)
      .finally(finished);
    return cleaning;
  }

  async function cleanUp(): Promise<void> {
    clearTimeout(idleTimer);
    if (!release && options.locks.count(socket) === 0) return;
    const heldTurn = release !== undefined;
    release ??= await options.turns.take();
    try {
      if (!heldTurn) await options.locks.refreshIfStale(options.raw, 'server');
      if (midTurn) {
        await options.exec(abortMessages());
        await options.exec(queryMessage('ROLLBACK'));
        midTurn = false;
      }
      if (heldTurn && namedLocks) await options.locks.refresh(options.raw, socket);
      await options.locks.releaseAll(options.raw, socket);
    } finally {
      release();
      release = undefined;
    }
  }

  return done;
}

/** How many more bytes the first incomplete typed message in `buf` needs (0: none, or an impossible length to refuse). */
function bytesMissing(buf: Buffer): number {
  const { end } = wholeMessages(buf);
  if (end < 0) return 0;
  const rest = buf.length - end;
  if (rest < 5) return 5 - rest;
  const length = buf.readInt32BE(end + 1);
  return length < 4 ? 0 : Math.max(0, 1 + length - rest);
}
