import type { ParseArgsConfig } from 'node:util';
import type { Database } from '../db/types.ts';

/** What a command receives: the global options resolved, its own options, and where to write. */
export interface CommandContext {
  /** --database, else DATABASE_URL, else undefined (the embedded default). */
  database: string | undefined;
  /**
   * The same server database at an address that keeps sessions (--direct-database, else
   * MTC_DIRECT_DATABASE_URL with DATABASE_URL): where the commands that hold a session-level
   * lock (migrate, adopt) connect when it is set. See withDatabase's `session`.
   */
  directDatabase: string | undefined;
  migrationsDir: string;
  /** --lock-timeout: how long to wait for the embedded database's directory or the schema lock (default 60 s). */
  lockTimeoutMs: number;
  snapshot: string;
  json: boolean;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** A line to stdout (a newline added unless it ends in one). */
  out: (text: string) => void;
  /** A line to stderr. */
  err: (text: string) => void;
  /** Where output goes as it is (a stream, a progress bar): process.stdout and stderr, or a test's. */
  stdout: OutputStream;
  stderr: OutputStream;
  /** What the command may read (user add --password-stdin). */
  stdin: AsyncIterable<Buffer | string>;
  /** Whether stderr is a terminal (progress is drawn there). */
  isTTY: boolean;
  /**
   * Opens the database URL names (undefined: the embedded default), waiting for it up to
   * --lock-timeout. `lean`: the command sends only SQL without parameters and reads values as
   * text (the schema engine), so a server or a serving process is reached without node-postgres.
   */
  connect(url: string | undefined, options?: { lean?: boolean; keepsSessions?: boolean }): Promise<Database>;
}

/** What a command writes to: a writable stream (whether it is a terminal is the caller's to say). */
export type OutputStream = NodeJS.WritableStream;

/** A command module: its own options and help, and `run`, which returns the exit code. */
export interface CommandModule {
  options: NonNullable<ParseArgsConfig['options']>;
  help: string;
  run(ctx: CommandContext): Promise<number>;
}
