import type { ParseArgsConfig } from 'node:util';

/** What a command receives: the global options resolved, its own options, and where to write. */
export interface CommandContext {
  /** --database, else DATABASE_URL, else undefined (the embedded default). */
  database: string | undefined;
  migrationsDir: string;
  /** --lock-timeout: how long to wait for the embedded database's directory or the schema lock (default 60 s). */
  lockTimeoutMs: number;
  snapshot: string;
  json: boolean;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress is drawn there). */
  isTTY: boolean;
}

/** A command module: its own options and help, and `run`, which returns the exit code. */
export interface CommandModule {
  options: NonNullable<ParseArgsConfig['options']>;
  help: string;
  run(ctx: CommandContext): Promise<number>;
}
