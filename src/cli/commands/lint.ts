import { resolve } from 'node:path';
import type { CommandContext } from '../command.ts';
import { CONFIG_FILE, loadConfig } from '../config.ts';
import { loadProject, plural } from '../project.ts';
import { UsageError } from '../usage.ts';
import { lintFor } from '../lint-cache.ts';

export const options = {
  'no-lint-cache': { type: 'boolean' },
} as const;

export const help = `Usage: mtc lint [FILES…] [--no-lint-cache] [--migrations DIR] [--json]

Checks migrations with the real PostgreSQL parser, before any database is touched:
  errors    syntax errors (file:line:col, inside DO blocks, function bodies and EXECUTE
            strings too); a migration that uses a relation another migration creates
            without requiring it (directly or through others); transaction control in a
            migration; CONCURRENTLY without "-- transaction: off"
  warnings  DDL that is unsafe on a table that already holds data: a rewrite (column type
            change, volatile default), CREATE INDEX without CONCURRENTLY, a FOREIGN KEY or
            CHECK without NOT VALID, SET NOT NULL
A migration acknowledges a warning where it stands, with a line of its own just before the
statement: "-- mtc:allow TABLE_REWRITE: the column is widened, nothing is rewritten". It
covers that rule's findings in the next statement, which are then listed as acknowledged
(with the reason) and are neither errors nor warnings. An acknowledgement without a
reason, naming an unknown rule, or acknowledging nothing is an error (ALLOW_INVALID,
ALLOW_UNUSED). ${CONFIG_FILE} sets the warnings' levels for the project:
{"lint": {"rules": {"TABLE_REWRITE": "off" | "warning" | "error"}}}.
With FILES, only those files are reported (the whole directory is still read, to know
which migration creates what). Exit 1 when there is any error.

The results are kept in .mtc/cache/lint (in the working directory), keyed by every
migration's exact text, the rules and MTC's build: a run over unchanged files reads them
instead of linting again (mtc migrate too). --no-lint-cache, or MTC_LINT_CACHE=0, lints
anew and keeps nothing.`;

export async function run(ctx: CommandContext): Promise<number> {
  const { sources } = await loadProject(ctx);
  let only: string[] | undefined;
  if (ctx.positionals.length > 0) {
    only = ctx.positionals.map((p) => {
      const full = resolve(p);
      const hit = sources.find((s) => resolve(s.path) === full || s.id === p);
      if (!hit) throw new UsageError(`${p} is not a migration in ${ctx.migrationsDir}`);
      return hit.id;
    });
  }
  const { rules } = (await loadConfig()).lint;
  const lint = await import('../../schema/lint/index.ts');
  const report = await lintFor(ctx)(sources, { rules, ...(only ? { only } : {}) });
  if (ctx.json) ctx.out(JSON.stringify(report, null, 2));
  else {
    for (const f of report.findings) ctx.out(lint.formatFinding(f));
    for (const f of report.acknowledged) ctx.out(lint.formatAcknowledged(f));
    const told = report.acknowledged.length > 0 ? `, ${report.acknowledged.length} acknowledged` : '';
    ctx.out(`${plural(report.files, 'file')} checked: ${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}${told}`);
  }
  return report.errors > 0 ? 1 : 0;
}
