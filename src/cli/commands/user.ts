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

Creates a user who can log in to the API. Without --password-stdin a strong password is
made and printed once: note it, it is stored only as an Argon2id hash. With
--password-stdin the first line of standard input is the password (at least 10
characters). This is how the first admin is made after npm start, while it runs.`;

export async function run(ctx: CommandContext): Promise<number> {
  const [sub] = ctx.positionals;
  if (sub !== 'add') throw new UsageError(`mtc user ${sub ?? ''}: the subcommand is "add"; see mtc user --help`.replace('  ', ' '));
  const email = ctx.values.email as string | undefined;
  const role = ctx.values.role as string | undefined;
  if (!email) throw new UsageError('mtc user add needs --email');
  if (!role) throw new UsageError('mtc user add needs --role (admin, planner, operator or viewer)');
  const { ROLES } = await import('../../app/access/roles.ts');
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role ${role}: expected one of ${ROLES.join(', ')}`);
  let password: string;
  let generated = false;
  if (ctx.values['password-stdin'] === true) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
    if (password.length < 10) throw new UsageError('the password from standard input must be at least 10 characters');
  } else {
    const { randomBytes } = await import('node:crypto');
    password = randomBytes(15).toString('base64url');
    generated = true;
  }
  const { createUser } = await import('../../app/access/accounts.ts');
  const name = (ctx.values.name as string | undefined) ?? email.split('@')[0]!;
  const user = await withDatabase(ctx, (db) => createUser(db, { name, email, role: role as 'admin', password }));
  if (ctx.json) ctx.out(JSON.stringify({ user, ...(generated ? { password } : {}) }, null, 2));
  else {
    ctx.out(`Created user ${user.userId}: ${user.name} <${user.email}>, ${user.role}.`);
    if (generated) ctx.out(`Password (shown once, note it now): ${password}`);
  }
  return 0;
}
