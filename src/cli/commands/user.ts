import type { CommandContext } from '../command.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';

export const options = {
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const;

export const help = `Usage: mtc user add --email EMAIL --role admin|planner|operator|viewer [--name NAME] [--password-stdin] [--database URL] [--json]
       mtc user set-password --email EMAIL [--password-stdin] [--database URL] [--json]

add creates a user who can log in to the API and the web app. set-password gives an
existing user a new password (a lost one, say) and ends that user's sessions.

Without --password-stdin a strong password is made and printed once: note it, it is
stored only as an Argon2id hash. With --password-stdin the first line of standard input
is the password (at least 10 characters).

On the embedded database npm start makes the first admin (admin@localhost) and prints its
password once; a server (DATABASE_URL) gets its first admin from mtc user add. Both work
while mtc serve (npm start) runs: they go through the server.`;

/** The password a command sets: the first line of standard input, or a new one that is printed once. */
async function passwordFor(ctx: CommandContext): Promise<{ password: string; generated: boolean }> {
  if (ctx.values['password-stdin'] !== true) {
    const { newPassword } = await import('../../app/access/secrets.ts');
    return { password: newPassword(), generated: true };
  }
  const chunks: Buffer[] = [];
  for await (const c of ctx.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password.length < 10) throw new UsageError('the password from standard input must be at least 10 characters');
  return { password, generated: false };
}

export async function run(ctx: CommandContext): Promise<number> {
  const [sub] = ctx.positionals;
  if (sub === 'add') return add(ctx);
  if (sub === 'set-password') return setPassword(ctx);
  throw new UsageError(`mtc user ${sub ?? ''}: the subcommands are "add" and "set-password"; see mtc user --help`.replace('  ', ' '));
}

async function add(ctx: CommandContext): Promise<number> {
  const email = ctx.values.email as string | undefined;
  const role = ctx.values.role as string | undefined;
  if (!email) throw new UsageError('mtc user add needs --email');
  if (!role) throw new UsageError('mtc user add needs --role (admin, planner, operator or viewer)');
  const { ROLES } = await import('../../app/access/roles.ts');
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role ${role}: expected one of ${ROLES.join(', ')}`);
  const { password, generated } = await passwordFor(ctx);
  const { createUser } = await import('../../app/access/accounts.ts');
  const { CLI_ACTOR } = await import('../../app/audit/actor.ts');
  const name = (ctx.values.name as string | undefined) ?? email.split('@')[0]!;
  const user = await withDatabase(ctx, (db) => createUser(db, { name, email, role: role as 'admin', password }, CLI_ACTOR));
  if (ctx.json) ctx.out(JSON.stringify({ user, ...(generated ? { password } : {}) }, null, 2));
  else {
    ctx.out(`Created user ${user.userId}: ${user.name} <${user.email}>, ${user.role}.`);
    if (generated) ctx.out(`Password (shown once, note it now): ${password}`);
  }
  return 0;
}

async function setPassword(ctx: CommandContext): Promise<number> {
  const email = ctx.values.email as string | undefined;
  if (!email) throw new UsageError('mtc user set-password needs --email (the user whose password to set)');
  for (const option of ['role', 'name'] as const) {
    if (ctx.values[option] !== undefined)
      throw new UsageError(`mtc user set-password sets only the password: --${option} is for mtc user add (an admin changes it in the web app's Users page)`);
  }
  const { password, generated } = await passwordFor(ctx);
  const { setPasswordByEmail } = await import('../../app/access/accounts.ts');
  const { CLI_ACTOR } = await import('../../app/audit/actor.ts');
  const user = await withDatabase(ctx, (db) => setPasswordByEmail(db, email, password, CLI_ACTOR));
  if (ctx.json) ctx.out(JSON.stringify({ user, ...(generated ? { password } : {}) }, null, 2));
  else {
    ctx.out(`Set a new password for user ${user.userId}: ${user.name} <${user.email}>, ${user.role}; their sessions were ended.`);
    if (generated) ctx.out(`Password (shown once, note it now): ${password}`);
    if (user.deactivatedAt !== null) ctx.out('The account is deactivated: it cannot log in until an admin reactivates it.');
  }
  return 0;
}
