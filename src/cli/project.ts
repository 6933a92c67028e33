import type { Database } from '../db/types.ts';
import { planMigrations } from '../schema/migrations/plan.ts';
import type { Plan } from '../schema/migrations/plan.ts';
import { loadMigrations } from '../schema/migrations/source.ts';
import type { MigrationSource } from '../schema/migrations/source.ts';
import type { CommandContext } from './command.ts';
import { stage } from '../stages.ts';

/** Reads the migrations directory and plans it: every file error is raised here, before any database work. */
export async function loadProject(ctx: CommandContext): Promise<{ sources: MigrationSource[]; plan: Plan }> {
  const sources = await loadMigrations(ctx.migrationsDir);
  const plan = planMigrations(sources);
  stage('files-read-and-hashed');
  return { sources, plan };
}

/**
 * Opens the database the context names (or takes `opened`, already open), runs `fn`, and
 * always closes it. An embedded database that `mtc serve` has open is reached through it;
 * one that another process has open otherwise is waited for, up to --lock-timeout.
 * `session`: the command holds a session-level lock, so it connects to the direct address
 * when there is one (see connectForSession).
 */
export async function withDatabase<T>(
  ctx: CommandContext,
  fn: (db: Database) => Promise<T>,
  options: { opened?: Database; lean?: boolean; session?: boolean } = {},
): Promise<T> {
  const db =
    options.opened ??
    (await (options.session ? connectForSession(ctx, { lean: options.lean === true }) : ctx.connect(ctx.database, { lean: options.lean === true })));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `n thing` or `n things`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Opens the database for a command that holds a session-level lock (migrate, adopt): at the
 * direct address when there is one (ctx.directDatabase), taken at its word that it keeps
 * sessions; else at the database's own, where a pooler that may not keep them is refused by
 * the lock (SESSION_NOT_KEPT).
 */
export function connectForSession(ctx: CommandContext, options: { lean?: boolean } = {}): Promise<Database> {
  return ctx.directDatabase !== undefined ? ctx.connect(ctx.directDatabase, { ...options, keepsSessions: true }) : ctx.connect(ctx.database, options);
}
