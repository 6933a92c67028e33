import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { userInfo } from 'node:os';
import { parse, serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import type { Database, Queryable, QueryResult, Session } from './types.ts';
import { inTransaction, toDatabaseError } from './types.ts';

/**
 * A lean client for the schema engine on a server: simple protocol only (scripts, and
 * queries without parameters), made of `net` and pg-protocol (node-postgres's own wire
 * codec), without node-postgres itself. The engine sends only SQL it writes itself, so it
 * needs no parameters; skipping node-postgres's load (about 0.1 s) is what lets a no-op
 * `mtc migrate` start as fast as a Go tool's. The application uses the full adapter.
 */

/** One connection; `pid` is the server process it was told of at start (BackendKeyData: a pooler's own, through one). */
export interface LeanConnection extends Queryable {
  readonly pid: number;
  close(): Promise<void>;
}

/**
 * Connects, or returns undefined when the address needs what only the full client does
 * (TLS, a password from ~/.pgpass, …): the caller then uses openDatabase.
 */
export async function connectLean(url: string | LeanTarget): Promise<LeanConnection | undefined> {
  const target = typeof url === 'string' ? probeTarget(url) : url;
  if (!target) return undefined;
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = target.socketPath ? connect(target.socketPath) : connect(target.port, target.host);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  const inbox: BackendMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  void parse(socket, (msg) => {
    inbox.push(msg);
    wake?.();
  });
  socket.on('error', (err) => {
    failure = err;
    wake?.();
  });
  socket.on('close', () => {
    failure ??= Object.assign(new Error('the server closed the connection'), { code: 'ECONNRESET' });
    wake?.();
  });
  const next = async (): Promise<BackendMessage> => {
    for (;;) {
      const m = inbox.shift();
      if (m) return m;
      if (failure) throw failure;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  };

  socket.write(serialize.startup({ user: target.user, database: target.database, application_name: 'mtc', client_encoding: 'UTF8' }));
  let sasl: { session: unknown; mod: SaslModule } | undefined;
  let pid = 0;
  for (;;) {
    const m = (await next()) as BackendMessage & Record<string, unknown>;
    if (m.name === 'error') {
      socket.destroy();
      throw toDatabaseError(m);
    }
    if (m.name === 'readyForQuery') break;
    if (m.name === 'backendKeyData') pid = m.processID as number;
    if (m.name === 'authenticationOk' || m.name === 'parameterStatus' || m.name === 'backendKeyData' || m.name === 'notice') continue;
    if (target.password === undefined) {
      // the server wants a password we do not have at hand: let the full client find one
      socket.destroy();
      return undefined;
    }
    if (m.name === 'authenticationCleartextPassword') socket.write(serialize.password(target.password));
    else if (m.name === 'authenticationMD5Password') socket.write(serialize.password(await md5Password(target.user, target.password, m.salt as Buffer)));
    else if (m.name === 'authenticationSASL') {
      const mod = (await import(SASL_MODULE)) as SaslModule;
      const session = mod.startSession(m.mechanisms as string[]);
      sasl = { session, mod };
      const s = session as { mechanism: string; response: string };
      socket.write(serialize.sendSASLInitialResponseMessage(s.mechanism, s.response));
    } else if (m.name === 'authenticationSASLContinue' && sasl) {
      await sasl.mod.continueSession(sasl.session, target.password, m.data as string);
      socket.write(serialize.sendSCRAMClientFinalMessage((sasl.session as { response: string }).response));
    } else if (m.name === 'authenticationSASLFinal' && sasl) {
      sasl.mod.finalizeSession(sasl.session, m.data as string);
    } else {
      socket.destroy();
      return undefined;
    }
  }

  const run = async <R>(sql: string): Promise<QueryResult<R>> => {
    socket.write(serialize.query(sql));
    let fields: string[] = [];
    const rows: R[] = [];
    let error: unknown;
    for (;;) {
      const m = (await next()) as BackendMessage & Record<string, unknown>;
      if (m.name === 'rowDescription') fields = (m.fields as { name: string }[]).map((f) => f.name);
      else if (m.name === 'dataRow') {
        const values = m.fields as (string | null)[];
        rows.push(Object.fromEntries(fields.map((f, i) => [f, values[i] ?? null])) as R);
      } else if (m.name === 'error') error = toDatabaseError(m);
      else if (m.name === 'readyForQuery') break;
    }
    if (error) throw error;
    return { rows, rowCount: rows.length };
  };
  // one statement or script at a time on the wire
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const r = queue.then(fn, fn);
    queue = r.catch(() => {});
    return r;
  };
  return {
    pid,
    async query<R>(sql: string, params?: readonly unknown[]) {
      if (params && params.length > 0) throw new Error('the lean client runs SQL without parameters; use openDatabase');
      return serial(() => run<R>(sql));
    },
    async exec(sql: string) {
      await serial(() => run(sql));
    },
    async close() {
      if (!socket.destroyed) await new Promise<void>((resolve) => socket.end(serialize.end(), () => resolve()));
      socket.destroy();
    },
  };
}

/**
 * A Database over lean connections: each session is a connection of its own, closed
 * afterwards. Enough for the schema engine, which sends SQL without parameters.
 * Returns undefined when the address needs the full client. `keepsSessions`: see OpenOptions.
 */
export async function openLeanDatabase(url: string, location: string, options: { keepsSessions?: boolean } = {}): Promise<Database | undefined> {
  const main = await connectLean(url);
  if (!main) return undefined;
  const open = async (): Promise<LeanConnection> => {
    const c = await connectLean(url);
    if (!c) throw new Error(`cannot open a second connection to ${location}`);
    return c;
  };
  const db: Database = {
    kind: 'postgres',
    concurrent: true,
    location,
    query: (sql, params) => main.query(sql, params),
    exec: (sql) => main.exec(sql),
    async session(fn) {
      const c = await open();
      try {
        const pid = Number((await c.query<{ pid: string }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0);
        // Through a pooler the process named at start (BackendKeyData) is the pooler's own.
        const session: Session = { query: c.query, exec: c.exec, pid, keepsState: options.keepsSessions === true || pid === c.pid };
        return await fn(session);
      } finally {
        await c.close();
      }
    },
    transaction: (fn) => db.session((s) => inTransaction(s, fn)),
    async close() {
      await main.close();
    },
  };
  return db;
}

// node-postgres's SCRAM code, loaded only when a server asks for SCRAM (a variable keeps it out of the bundle).
const SASL_MODULE = 'pg/lib/crypto/sasl.js';

interface SaslModule {
  startSession(mechanisms: string[]): unknown;
  continueSession(session: unknown, password: string, data: string): Promise<void>;
  finalizeSession(session: unknown, data: string): void;
}

/** Where and as whom the lean client connects (a URL says it too). */
export interface LeanTarget {
  host: string;
  port: number;
  socketPath: string | undefined;
  user: string;
  password: string | undefined;
  database: string;
}

function probeTarget(url: string): LeanTarget | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const params = u.searchParams;
  for (const key of params.keys()) {
    // anything beyond these (sslmode=require, options, …) is the full client's business
    if (!['sslmode', 'host', 'application_name', 'connect_timeout'].includes(key)) return undefined;
  }
  const sslmode = params.get('sslmode');
  if (sslmode !== null && sslmode !== 'disable' && sslmode !== 'prefer' && sslmode !== 'allow') return undefined;
  const hostParam = params.get('host');
  const host = decodeURIComponent(u.hostname) || hostParam || process.env.PGHOST || 'localhost';
  const port = Number(u.port || process.env.PGPORT || 5432);
  const socketDir = host.startsWith('/') ? host : undefined;
  const user = decodeURIComponent(u.username) || process.env.PGUSER || userInfo().username;
  const password = u.password ? decodeURIComponent(u.password) : process.env.PGPASSWORD;
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || process.env.PGDATABASE || user;
  return {
    host,
    port,
    socketPath: socketDir ? `${socketDir}/.s.PGSQL.${port}` : undefined,
    user,
    password,
    database,
  };
}

async function md5Password(user: string, password: string, salt: Buffer): Promise<string> {
  const { createHash } = await import('node:crypto');
  const inner = createHash('md5')
    .update(password + user)
    .digest('hex');
  return `md5${createHash('md5')
    .update(Buffer.concat([Buffer.from(inner), salt]))
    .digest('hex')}`;
}
