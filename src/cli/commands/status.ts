import type { CommandContext } from '../command.ts';
import { loadProject, plural, withDatabase } from '../project.ts';
import { createMigrator } from '../../schema/migrator.ts';
import type { MigrationStatus } from '../../schema/migrations/ledger.ts';

export const options = {};

export const help = `Usage: mtc status [--database URL] [--migrations DIR] [--json]

Shows, for the database and the migrations directory: the migrations applied, the ones
pending (in the order mtc migrate would apply them), the ones changed on disk since they
were applied (checksum differs), and the ones applied but missing from disk.
Exit 1 when a migration is changed or missing, else 0.`;

export async function run(ctx: CommandContext): Promise<number> {
  const project = await loadProject(ctx);
  const { plan } = project;
  const status = await withDatabase(ctx, (db) => createMigrator(db, project).status(), { lean: true });
  if (ctx.json) ctx.out(JSON.stringify(status, null, 2));
  else ctx.out(formatStatus(status, plan.order.length));
  return status.changed.length + status.missing.length + status.partial.length > 0 ? 1 : 0;
}

/** The status for a person. */
export function formatStatus(s: MigrationStatus, total: number): string {
  const lines: string[] = [];
  lines.push(
    `${plural(total, 'migration')} on disk: ${s.applied.length} applied, ${s.pending.length} pending, ${s.changed.length} changed, ${s.missing.length} missing from disk`,
  );
  if (s.applied.length > 0) {
    lines.push('', 'Applied:');
    for (const a of s.applied)
      lines.push(`  ${a.id}  ${a.appliedAt}${a.how === 'adopted' ? '  (adopted)' : ''}${a.history ? '  (ran the history it replaces)' : ''}`);
  }
  if (s.pending.length > 0) {
    lines.push('', 'Pending (in order):');
    for (const p of s.pending) lines.push(`  ${p.id}${p.requires.length ? `  requires ${p.requires.join(', ')}` : ''}`);
  }
  if (s.changed.length > 0) {
    lines.push('', 'Changed since applied (restore the file; put changes in a new migration):');
    for (const c of s.changed) lines.push(`  ${c.path}  applied ${c.appliedAt}, checksum ${c.appliedChecksum.slice(0, 12)} → ${c.fileChecksum.slice(0, 12)}`);
  }
  if (s.partial.length > 0) {
    lines.push('', 'Baselines of which only part of the history ran (apply the rest from a checkout before the squash):');
    for (const p of s.partial) lines.push(`  ${p.id}  ran ${p.have.join(', ')}; not ${p.lack.join(', ')}`);
  }
  if (s.missing.length > 0) {
    lines.push('', 'Applied but missing from disk (restore the file):');
    for (const m of s.missing) lines.push(`  ${m.id}  applied ${m.appliedAt}`);
  }
  return lines.join('\n');
}
