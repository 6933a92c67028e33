import type { Plan } from './plan.ts';

export type GraphFormat = 'mermaid' | 'dot';

export interface GraphOptions {
  /** Ids to mark as applied (drawn differently from pending ones). */
  applied?: ReadonlySet<string>;
}

/**
 * The migration dependency graph as text: Mermaid (renders in GitHub and GitLab markdown)
 * or Graphviz DOT. Nodes come in plan order and each edge points from a migration to one it
 * requires, so the drawing documents the order the engine runs.
 */
export function renderGraph(plan: Plan, format: GraphFormat, options: GraphOptions = {}): string {
  return format === 'dot' ? dot(plan, options) : mermaid(plan, options);
}

function mermaid(plan: Plan, options: GraphOptions): string {
  const key = nodeKeys(plan);
  const lines = ['flowchart BT'];
  for (const m of plan.order) {
    const label = m.id.replace(/"/g, '#quot;');
    lines.push(`  ${key.get(m.id)}["${label}"]`);
  }
  for (const m of plan.order) for (const r of m.requires) lines.push(`  ${key.get(m.id)} --> ${key.get(r)}`);
  if (options.applied) {
    lines.push('  classDef applied fill:#d4edda,stroke:#2e7d32;', '  classDef pending fill:#fff3cd,stroke:#b26a00;');
    const applied = plan.order.filter((m) => options.applied?.has(m.id)).map((m) => key.get(m.id));
    const pending = plan.order.filter((m) => !options.applied?.has(m.id)).map((m) => key.get(m.id));
    if (applied.length) lines.push(`  class ${applied.join(',')} applied;`);
    if (pending.length) lines.push(`  class ${pending.join(',')} pending;`);
  }
  return `${lines.join('\n')}\n`;
}

function dot(plan: Plan, options: GraphOptions): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph migrations {', '  rankdir=BT;', '  node [shape=box, fontname="Helvetica"];'];
  for (const m of plan.order) {
    const style = options.applied ? (options.applied.has(m.id) ? ', style=filled, fillcolor="#d4edda"' : ', style=filled, fillcolor="#fff3cd"') : '';
    lines.push(`  ${q(m.id)} [label=${q(m.id)}${m.transactional ? '' : ', peripheries=2'}${style}];`);
  }
  for (const m of plan.order) for (const r of m.requires) lines.push(`  ${q(m.id)} -> ${q(r)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid node keys must be plain words: m1, m2, … in plan order. */
function nodeKeys(plan: Plan): Map<string, string> {
  return new Map(plan.order.map((m, i) => [m.id, `m${i + 1}`]));
}
