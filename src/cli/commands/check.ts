import { readFile } from 'node:fs/promises';
import type { CommandContext } from '../command.ts';
import { loadConfig } from '../config.ts';
import { loadProject, plural } from '../project.ts';
import { formatFailure } from './migrate.ts';

export const options = {} as const;

export const help = `Usage: mtc check [--database URL] [--migrations DIR] [--snapshot FILE] [--json]

The command for a project's CI, needing no server and no containers:
  1. lint every migration with the PostgreSQL parser;
  2. replay every migration from empty on an in-process PostgreSQL (PGlite);
  3. compare the result with the snapshot (db/schema.sql);
  4. with --database, rehearse the pending migrations on a copy of that database's schema.
Exit 1 at the first step that fails, naming what to fix.`;

export async function run(ctx: CommandContext): Promise<number> {
  const progress = (m: string) => {
    if (!ctx.json) ctx.err(m);
  };
  const { sources, plan } = await loadProject(ctx);
  let snapshot: string | undefined;
  try {
    snapshot = await readFile(ctx.snapshot, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { checkProject } = await import('../../schema/check.ts');
  const { formatFinding: formatLintFinding } = await import('../../schema/lint/index.ts');
  const database = ctx.database;
  const { rules } = (await loadConfig()).lint;
  const report = await checkProject(
    { sources, plan, snapshot, lintRules: rules, ...(database !== undefined ? { openLive: () => ctx.connect(database) } : {}) },
    (e) => {
      if (e.type === 'step') progress(STEP_LINES[e.what](e.migrations, ctx.snapshot));
      else if (e.type === 'note') progress(`    ${e.message}`);
      else if (e.type === 'linted') for (const f of e.findings) progress(formatLintFinding(f));
      else if (ctx.isTTY && !ctx.json) ctx.stderr.write(`\r\x1b[K    [${e.index + 1}/${e.total}] ${e.id}`);
    },
  );
  if (ctx.json) {
    const { ok, lint, replay, snapshot: snap, rehearsal } = report;
    const shown = rehearsal && { applied: rehearsal.applied, failure: rehearsal.failure };
    ctx.out(JSON.stringify({ ok, lint, replay, snapshot: snap, rehearsal: shown }, null, 2));
    return ok ? 0 : 1;
  }
  if (ctx.isTTY && report.replay) ctx.stderr.write('\r\x1b[K');
  switch (report.failedAt) {
    case 'lint':
      ctx.err(`mtc check: ${plural(report.lint!.errors, 'lint error')}`);
      return 1;
    case 'replay':
      ctx.err(`mtc check: a migration fails when replayed from empty:\n${formatFailure(report.replay!.failure!)}`);
      return 1;
    case 'snapshot': {
      const snap = report.snapshot!;
      if ('missing' in snap) {
        ctx.err(`mtc check: ${ctx.snapshot} does not exist; write it with mtc schema dump and commit it`);
        return 1;
      }
      const findings = 'findings' in snap ? snap.findings : [];
      const { formatFinding } = await import('../../schema/catalog/compare.ts');
      for (const f of findings) ctx.err(`    ${formatFinding(f)}`);
      ctx.err(
        `mtc check: ${ctx.snapshot} is not what the migrations give${findings.length === 0 ? ' (same schema, different text: it was edited by hand)' : ''}; run mtc schema dump on a migrated database and commit it`,
      );
      return 1;
    }
    case 'rehearsal':
      ctx.err(`mtc check: a pending migration fails on a copy of the database schema:\n${formatFailure(report.rehearsal!.failure!)}`);
      return 1;
    default:
      if (report.rehearsal) progress(`    ${plural(report.rehearsal.rehearsed, 'pending migration')} rehearsed`);
      return 0;
  }
}

/** The line each step starts with. */
const STEP_LINES: Record<'lint' | 'replay' | 'snapshot' | 'rehearsal' | 'rehearsal-skipped', (migrations: number, snapshot: string) => string> = {
  lint: (n) => `1/4 lint: ${plural(n, 'migration')}`,
  replay: () => '2/4 replay every migration from empty',
  snapshot: (_, file) => `3/4 compare with ${file}`,
  rehearsal: () => '4/4 rehearse the pending migrations on a copy of the database schema',
  'rehearsal-skipped': () => '4/4 rehearsal skipped (no --database)',
};
