import { dirname } from 'node:path';
import type { Database } from '../types.ts';
import { oneSessionDatabase, sessionTurns } from '../one-session.ts';
import { SOCKET_PORT } from './place.ts';

/**
 * The embedded database through the process that serves it (`mtc serve`): node-postgres over
 * the Unix socket `socket`. It is still PGlite, one session shared with the server and its
 * other clients, so it says `kind: 'pglite'` and, like the in-process adapter, takes its
 * calls in turns on one connection: a call made inside a transaction or session runs in it.
 * A session's end gives nothing back by itself: what it took (advisory locks) its code gives
 * back, and the server frees whatever a connection still holds when it closes.
 */
export async function connectShared(socket: string, location: string, options: { lean?: boolean } = {}): Promise<Database> {
  if (options.lean) return connectLeanShared(socket, location);
  const { default: pg } = await import('pg');
  const { wrap } = await import('../postgres.ts');
  const client = new pg.Client({ host: dirname(socket), port: SOCKET_PORT, user: 'mtc', database: 'postgres', application_name: 'mtc' });
  // The server going away makes the next query fail, and that reports it; unheard, the event would end the process.
  client.on('error', () => {});
  await client.connect();
  return oneSessionDatabase({
    kind: 'pglite',
    location,
    raw: wrap(client),
    turns: sessionTurns(),
    async close() {
      await client.end();
    },
  });
}

/**
 * The same through the lean client (db/lean.ts: SQL without parameters, every value text),
 * for the schema engine's commands: node-postgres is not loaded, which is most of what such a
 * command costs once the server has the database open.
 */
async function connectLeanShared(socket: string, location: string): Promise<Database> {
  const { connectLean } = await import('../lean.ts');
  const connection = await connectLean({
    host: dirname(socket),
    port: SOCKET_PORT,
    socketPath: socket,
    user: 'mtc',
    password: undefined,
    database: 'postgres',
  });
  if (!connection) throw new Error(`the server at ${socket} asked for a password, which it never does`);
  return oneSessionDatabase({
    kind: 'pglite',
    location,
    raw: connection,
    turns: sessionTurns(),
    close: () => connection.close(),
  });
}
