// Just enough of PostgreSQL's wire protocol (version 3) for the sharing server: where
// messages end, whether an answer leaves the session ready, and the few messages the server
// writes itself. Everything else passes through to PGlite as bytes.

/** The codes of the untyped first messages a client may send. */
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

/** A startup-phase message at the head of `buf` (length-prefixed, no type byte): its length and code, or undefined while incomplete. */
export function startupMessage(buf: Buffer): { length: number; code: number } | undefined {
  if (buf.length < 8) return undefined;
  const length = buf.readInt32BE(0);
  if (length < 8 || length > 10_000) return { length: -1, code: 0 };
  if (buf.length < length) return undefined;
  return { length, code: buf.readInt32BE(4) };
}

/**
 * How many bytes at the head of `buf` are whole typed messages, stopping before a Terminate
 * ('X'), and whether one is there. -1 when a length is impossible (not a PostgreSQL client).
 */
export function wholeMessages(buf: Buffer): { end: number; terminate: boolean } {
  let at = 0;
  while (at + 5 <= buf.length) {
    const length = buf.readInt32BE(at + 1);
    if (length < 4) return { end: -1, terminate: false };
    if (at + 1 + length > buf.length) break;
    if (buf[at] === 0x58) return { end: at, terminate: true };
    at += 1 + length;
  }
  return { end: at, terminate: false };
}

/** Whether an answer ends with ReadyForQuery, and the transaction status it gives ('I' idle, 'T' in a transaction, 'E' in a failed one). */
export function readiness(out: Uint8Array): { ready: boolean; status: string | undefined } {
  let at = 0;
  let lastType = -1;
  let status: string | undefined;
  const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  while (at + 5 <= view.length) {
    lastType = view[at]!;
    const length = view.readInt32BE(at + 1);
    if (lastType === 0x5a && length === 5 && at + 5 < view.length) status = String.fromCharCode(view[at + 5]!);
    at += 1 + length;
  }
  return { ready: lastType === 0x5a, status: lastType === 0x5a ? status : undefined };
}

/** An ErrorResponse (severity, SQLSTATE, message). */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, message: string): Buffer {
  const fields = Buffer.concat([field('S', severity), field('V', severity), field('C', code), field('M', message), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head[0] = 0x45;
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

function field(type: string, value: string): Buffer {
  return Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(value, 'utf8'), Buffer.from([0])]);
}

/** A simple-protocol Query message. */
export function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = 0x51;
  head.writeInt32BE(4 + text.length, 1);
  return Buffer.concat([head, text]);
}

/**
 * Bind to a statement that cannot exist, then Sync: whatever the session was doing for a
 * client that went away (a half-sent extended query, a transaction), this fails it, and the
 * Sync ends it: an implicit transaction rolls back, a transaction block is left failed.
 */
export function abortMessages(): Buffer {
  const portal = Buffer.from('\0');
  const statement = Buffer.from('mtc_shared_socket_abort_no_such_statement\0');
  const body = Buffer.concat([portal, statement, Buffer.from([0, 0, 0, 0, 0, 0])]); // no formats, no parameters, no result formats
  const head = Buffer.alloc(5);
  head[0] = 0x42;
  head.writeInt32BE(4 + body.length, 1);
  const sync = Buffer.from([0x53, 0, 0, 0, 4]);
  return Buffer.concat([head, body, sync]);
}
