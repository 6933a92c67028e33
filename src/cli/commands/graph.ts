import { writeFile } from 'node:fs/promises';
import type { CommandContext } from '../command.ts';
import { loadProject, withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';
import { createMigrator } from '../../schema/migrator.ts';
import { renderGraph } from '../../schema/migrations/graph.ts';

export const options = {
  format: { type: 'string' },
  status: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const;

export const help = `Usage: mtc graph [--format mermaid|dot] [--status] [-o FILE] [--migrations DIR]

Draws the migration dependency graph: each migration points to the ones it requires, in
the order mtc runs them. Mermaid (the default) renders in GitHub and GitLab markdown;
DOT is for Graphviz (dot -Tsvg). With --status (reads --database), applied migrations are
drawn green and pending ones amber. transaction: off migrations have a double border in DOT.`;

export async function run(ctx: CommandContext): Promise<number> {
  const format = (ctx.values.format as string | undefined) ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format ${format}: expected mermaid or dot`);
  const project = await loadProject(ctx);
  const { plan } = project;
  let applied: Set<string> | undefined;
  if (ctx.values.status === true) {
    const status = await withDatabase(ctx, (db) => createMigrator(db, project).status());
    applied = new Set(status.applied.map((a) => a.id));
  }
  const text = renderGraph(plan, format, applied ? { applied } : {});
  const output = ctx.values.output as string | undefined;
  if (output) await writeFile(output, text);
  else ctx.stdout.write(text);
  return 0;
}
