import type { MigrationSource } from '../migrations/source.ts';
import type { MigrationAnalysis } from './analysis.ts';
import { objectKey } from './objects.ts';

/** What the whole set of migrations says: who creates what, and who requires whom. */
export interface Project {
  /** Migrations creating the object with this key, in id order. */
  creatorsOf(key: string): readonly MigrationSource[];
  /** Ids `id` requires, directly or through others (itself excluded). */
  requiresClosure(id: string): ReadonlySet<string>;
}

/** Indexes the analysed migrations by what they create and what they require. */
export function projectOf(analyses: readonly MigrationAnalysis[]): Project {
  const byId = new Map<string, MigrationSource>();
  const creators = new Map<string, MigrationSource[]>();
  for (const a of analyses) {
    byId.set(a.migration.id, a.migration);
    for (const c of a.creates) {
      const key = objectKey(c.object);
      const list = creators.get(key) ?? [];
      if (!list.includes(a.migration)) list.push(a.migration);
      creators.set(key, list);
    }
  }
  // a requirement on a squashed migration is one on the baseline that replaces it
  const replacedBy = new Map<string, string>();
  for (const a of analyses) for (const r of a.migration.replaces) replacedBy.set(r, a.migration.id);
  const requiresOf = (id: string): string[] => (byId.get(id)?.requires ?? []).map((r) => replacedBy.get(r) ?? r);
  const closures = new Map<string, Set<string>>();
  const closure = (id: string): Set<string> => {
    const known = closures.get(id);
    if (known) return known;
    // iterative, and safe on cycles (the planner reports those)
    const seen = new Set<string>();
    const stack = requiresOf(id);
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next) || next === id) continue;
      seen.add(next);
      stack.push(...requiresOf(next));
    }
    closures.set(id, seen);
    return seen;
  };
  return {
    creatorsOf: (key) => creators.get(key) ?? [],
    requiresClosure: closure,
  };
}
