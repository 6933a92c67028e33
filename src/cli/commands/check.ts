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
  const report: { lint?: unknown; replay?: unknown; snapshot?: unknown; rehearsal?: unknown } = {};
  const finish = (code: number) => {
    if (ctx.json) ctx.out(JSON.stringify({ ok: code === 0, ...report }, null, 2));
    return code;
  };
  const { sources, plan } = await loadProject(ctx);

  progress(`1/4 lint: ${plural(sources.length, 'migration')}`);
  const { rules } = (await loadConfig()).lint;
  const lint = await import('../../schema/lint/index.ts');
  const lintReport = await lint.lintMigrations(sources, { rules });
  report.lint = { errors: lintReport.errors, warnings: lintReport.warnings, findings: lintReport.findings, acknowledged: lintReport.acknowledged };
  if (!ctx.json) for (const f of lintReport.findings) ctx.err(lint.formatFinding(f));
  if (lintReport.errors > 0) {
    progress(`mtc check: ${plural(lintReport.errors, 'lint error')}`);
    return finish(1);
  }

  const { openScratchDatabase } = await import('../../db/scratch.ts');
  const { migrate } = await import('../../schema/migrations/migrate.ts');
  const { inspect } = await import('../../schema/catalog/inspect.ts');
  const { renderSnapshot } = await import('../../schema/catalog/render.ts');
  const { compareModels, formatFinding } = await import('../../schema/catalog/compare.ts');

  progress('2/4 replay every migration from empty');
  const scratch = await openScratchDatabase((m) => progress(`    ${m}`));
  let replayed;
  try {
    const result = await migrate(scratch, plan, {
      splitStatements: lint.splitStatements,
      recordSchema: false,
      onEvent: (e) => {
        if (e.type === 'end' && ctx.isTTY && !ctx.json) ctx.stderr.write(`\r\x1b[K    [${e.index + 1}/${e.total}] ${e.step.id}`);
      },
    });
    if (ctx.isTTY && !ctx.json) ctx.stderr.write('\r\x1b[K');
    report.replay = { applied: result.steps.length, failure: result.failure ?? null };
    if (result.failure) {
      if (!ctx.json) ctx.err(`mtc check: a migration fails when replayed from empty:\n${formatFailure(result.failure)}`);
      return finish(1);
    }
    replayed = await inspect(scratch);
  } finally {
    await scratch.close();
  }

  progress(`3/4 compare with ${ctx.snapshot}`);
  let snapshot: string | undefined;
  try {
    snapshot = await readFile(ctx.snapshot, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (snapshot === undefined) {
    report.snapshot = { missing: true };
    if (!ctx.json) ctx.err(`mtc check: ${ctx.snapshot} does not exist; write it with mtc schema dump and commit it`);
    return finish(1);
  }
  if (renderSnapshot(replayed) !== snapshot) {
    const copy = await openScratchDatabase();
    let findings;
    try {
      await copy.exec(snapshot);
      findings = compareModels(await inspect(copy), replayed);
    } finally {
      await copy.close();
    }
    report.snapshot = { upToDate: false, findings };
    if (!ctx.json) {
      for (const f of findings) ctx.err(`    ${formatFinding(f)}`);
      ctx.err(`mtc check: ${ctx.snapshot} is not what the migrations give${findings.length === 0 ? ' (same schema, different text: it was edited by hand)' : ''}; run mtc schema dump on a migrated database and commit it`);
    }
    return finish(1);
  }
  report.snapshot = { upToDate: true };

  if (ctx.database === undefined) {
    progress('4/4 rehearsal skipped (no --database)');
    return finish(0);
  }
  progress('4/4 rehearse the pending migrations on a copy of the database schema');
  const { rehearseOnCopy } = await import('../../schema/migrations/rehearse.ts');
  const live = await ctx.connect(ctx.database);
  try {
    const rehearsal = await rehearseOnCopy(live, plan, { splitStatements: lint.splitStatements, onProgress: (m) => progress(`    ${m}`) });
    report.rehearsal = { applied: rehearsal.steps.filter((s) => s.status === 'applied').map((s) => s.id), failure: rehearsal.failure ?? null };
    if (rehearsal.failure) {
      if (!ctx.json) ctx.err(`mtc check: a pending migration fails on a copy of the database schema:\n${formatFailure(rehearsal.failure)}`);
      return finish(1);
    }
    progress(`    ${plural(rehearsal.steps.length, 'pending migration')} rehearsed`);
  } finally {
    await live.close();
  }
  return finish(0);
}
