import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CommandContext } from '../command.ts';
import { loadProject, plural } from '../project.ts';
import { UsageError } from '../usage.ts';

export const options = { to: { type: 'string' } } as const;

export const help = `Usage: mtc squash --to ID [--migrations DIR]

Writes one baseline migration, <ID>_baseline.sql, equivalent to ID and everything it
requires, and deletes those files. The equivalence is proven first: the history is
replayed on an in-process PostgreSQL (PGlite), the baseline loaded into another, and the
two schemas compared; nothing is written unless they are equal. The baseline's header
(-- replaces: …) records what it stands for: databases that already ran that history are
not touched, new ones run only the baseline, and migrations that require a squashed one
now run after the baseline. A history that leaves rows in tables is refused.`;

export async function run(ctx: CommandContext): Promise<number> {
  const to = ctx.values.to as string | undefined;
  if (!to) throw new UsageError('mtc squash needs --to ID: the last migration to fold into the baseline');
  const { plan } = await loadProject(ctx);
  const { squash } = await import('../../schema/migrations/squash.ts');
  const { splitStatements } = await import('../../schema/lint/index.ts');
  const baseline = await squash(plan, to, {
    splitStatements,
    generatedAt: new Date().toISOString().slice(0, 10),
    ...(ctx.json ? {} : { onProgress: (m: string) => ctx.err(m) }),
  });
  const target = plan.byId.get(to);
  const file = join(target ? dirname(target.path) : ctx.migrationsDir, `${baseline.id}.sql`);
  await writeFile(file, baseline.text);
  for (const m of baseline.replaces) await rm(m.path);
  if (ctx.json) ctx.out(JSON.stringify({ baseline: file, replaces: baseline.replaces.map((m) => m.id) }, null, 2));
  else
    ctx.out(
      `wrote ${file}, replacing ${plural(baseline.replaces.length, 'migration')} (${baseline.replaces.map((m) => m.id).join(', ')}); their files are deleted. Commit both.`,
    );
  return 0;
}
