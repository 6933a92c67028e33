import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MtcError } from '../../errors.ts';

// Where a served embedded database's socket is, and the record that says so.
//
// The socket is `.s.PGSQL.5432` in the data directory itself (a PostgreSQL client reaches it
// with host=<the directory>). A Unix socket's path is limited to 107 bytes on Linux (103
// elsewhere), so a data directory deep in the file system gets its socket in a directory of
// the user's own instead: `$XDG_RUNTIME_DIR/mtc-<uid>/<hash of the data directory>/`, else
// the same under the system's temporary directory, made 0700 and refused when it is not the
// user's alone. Either way `mtc-serve.json` in the data directory names the socket and the
// serving process, so a command finds it in one read.

export const SOCKET_NAME = '.s.PGSQL.5432';
export const SOCKET_PORT = 5432;
export const RECORD_NAME = 'mtc-serve.json';
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

/** What the serving process writes into the data directory. */
export interface ServeRecord {
  pid: number;
  started: string;
  /** The socket's full path. */
  socket: string;
}

/** The socket's path for data directory `dataDir` (absolute): in it when the path fits, else in a private runtime directory. */
export function socketPathFor(dataDir: string): { path: string; privateDir: string | undefined } {
  const inside = join(dataDir, SOCKET_NAME);
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return { path: inside, privateDir: undefined };
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const uid = process.getuid?.() ?? 0;
  for (const base of [process.env.XDG_RUNTIME_DIR, tmpdir(), '/tmp']) {
    if (!base?.startsWith('/')) continue;
    const dir = join(base, `mtc-${uid}`, hash);
    const path = join(dir, SOCKET_NAME);
    if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return { path, privateDir: dir };
  }
  throw new MtcError(
    'SOCKET_PATH_TOO_LONG',
    `no place for the socket of ${dataDir}: every candidate path is longer than ${MAX_SOCKET_PATH} bytes; set XDG_RUNTIME_DIR to a short directory of your own`,
    'usage',
  );
}

/** Makes `dir` and its parent (`mtc-<uid>`) directories of this user's alone (0700), refusing ones that are someone else's or open to others. */
export async function makePrivateDirectory(dir: string): Promise<void> {
  for (const d of [dirname(dir), dir]) {
    await mkdir(d, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    const s = await lstat(d);
    const uid = process.getuid?.();
    if (!s.isDirectory() || (uid !== undefined && s.uid !== uid) || (s.mode & 0o077) !== 0) {
      throw new MtcError(
        'SOCKET_DIRECTORY_UNSAFE',
        `${d} is not a directory of this user's alone (mode ${(s.mode & 0o777).toString(8)}, owner ${s.uid}): the database's socket would be open to others. Remove it, or set XDG_RUNTIME_DIR to a private directory`,
        'connection',
      );
    }
  }
}

export async function readServeRecord(dataDir: string): Promise<ServeRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, RECORD_NAME), 'utf8')) as Partial<ServeRecord>;
    if (typeof parsed.pid === 'number' && typeof parsed.socket === 'string' && parsed.socket.startsWith('/')) {
      return { pid: parsed.pid, socket: parsed.socket, started: String(parsed.started ?? '') };
    }
  } catch {
    // none, or being written: no server to use yet
  }
  return undefined;
}

/** Writes the record whole (a temporary file renamed), readable by this user only. */
export async function writeServeRecord(dataDir: string, record: ServeRecord): Promise<void> {
  const path = join(dataDir, RECORD_NAME);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * Removes what a server left behind in `dataDir`: its record, its socket file (only if it is
 * a socket) and its private directory. Called by whoever holds the directory's lock, so
 * whatever is there is no one's.
 */
export async function removeServeTraces(dataDir: string, record?: ServeRecord): Promise<void> {
  const found = record ?? (await readServeRecord(dataDir));
  const sockets = new Set([join(dataDir, SOCKET_NAME), ...(found ? [found.socket] : [])]);
  for (const socket of sockets) {
    const s = await lstat(socket).catch(() => undefined);
    if (s?.isSocket()) await rm(socket, { force: true });
    if (dirname(socket) !== dataDir) await rmdir(dirname(socket)).catch(() => {});
  }
  await rm(join(dataDir, RECORD_NAME), { force: true });
}
