import { MtcError } from '../../errors.ts';
import type { MigrationSource } from './source.ts';
import { compareIds } from './source.ts';

/** The migrations in an order that respects every `requires`, ties broken by id. */
export interface Plan {
  readonly order: readonly MigrationSource[];
  readonly byId: ReadonlyMap<string, MigrationSource>;
  /** Ids squashed into a baseline (its `-- replaces:`), and that baseline. */
  readonly replacedBy: ReadonlyMap<string, MigrationSource>;
}

/**
 * Orders migrations topologically (Kahn's algorithm, always taking the smallest ready id),
 * so the order is the same on every machine. An unknown id in `requires` or a cycle is an
 * error naming the files, raised before anything touches a database.
 */
export function planMigrations(sources: readonly MigrationSource[]): Plan {
  const byId = new Map<string, MigrationSource>();
  for (const s of sources) {
    const prev = byId.get(s.id);
    if (prev) {
      throw new MtcError('MIGRATION_DUPLICATE_ID', `duplicate migration id "${s.id}": ${prev.path} and ${s.path}; rename one of them`, 'state', {
        id: s.id,
        files: [prev.path, s.path],
      });
    }
    byId.set(s.id, s);
  }
  const replacedBy = new Map<string, MigrationSource>();
  for (const s of sources) {
    for (const r of s.replaces) {
      const still = byId.get(r);
      if (still)
        throw new MtcError(
          'MIGRATION_REPLACED_STILL_PRESENT',
          `${s.path} replaces "${r}", but ${still.path} is still there; delete the squashed files (mtc squash does)`,
          'state',
          { id: r },
        );
      const other = replacedBy.get(r);
      if (other) throw new MtcError('MIGRATION_REPLACED_TWICE', `"${r}" is replaced by both ${other.path} and ${s.path}`, 'state', { id: r });
      replacedBy.set(r, s);
    }
  }
  // A requirement on a squashed migration is a requirement on its baseline.
  const resolve = (r: string): string => replacedBy.get(r)?.id ?? r;
  const unknown: string[] = [];
  for (const s of sources) {
    for (const r of s.requires) {
      if (resolve(r) === s.id) unknown.push(`${s.path}:${s.requiresLines[r] ?? 1}: requires itself`);
      else if (!byId.has(resolve(r))) unknown.push(`${s.path}:${s.requiresLines[r] ?? 1}: requires "${r}", but no migration has that id${suggest(r, byId)}`);
    }
  }
  if (unknown.length > 0) {
    throw new MtcError('MIGRATION_UNKNOWN_REQUIRES', `unknown migration in requires:\n  ${unknown.join('\n  ')}`, 'state', { problems: unknown });
  }

  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const s of sources) {
    const deps = [...new Set(s.requires.map(resolve))];
    indegree.set(s.id, deps.length);
    for (const r of deps) {
      const list = dependents.get(r);
      if (list) list.push(s.id);
      else dependents.set(r, [s.id]);
    }
  }
  const ready = new MinHeap();
  for (const [id, n] of indegree) if (n === 0) ready.push(id);
  const order: MigrationSource[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    order.push(byId.get(id) as MigrationSource);
    for (const d of dependents.get(id) ?? []) {
      const n = (indegree.get(d) ?? 0) - 1;
      indegree.set(d, n);
      if (n === 0) ready.push(d);
    }
  }
  if (order.length < sources.length) {
    const cycle = findCycle(
      sources.filter((s) => (indegree.get(s.id) ?? 0) > 0),
      byId,
      resolve,
    );
    const chain = cycle.map((id) => `${byId.get(id)?.path ?? id}`).join(' → ');
    throw new MtcError('MIGRATION_CYCLE', `migrations require each other in a cycle: ${chain}; remove one of these requires`, 'state', { cycle });
  }
  return { order, byId, replacedBy };
}

/** Every migration `id` requires, directly or through others (not including `id`). */
export function requiresClosure(
  id: string,
  byId: ReadonlyMap<string, MigrationSource>,
  replacedBy: ReadonlyMap<string, MigrationSource> = new Map(),
): Set<string> {
  const resolve = (r: string) => replacedBy.get(r)?.id ?? r;
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.requires ?? [])].map(resolve);
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next)?.requires ?? []).map(resolve));
  }
  return seen;
}

/**
 * The migrations of `plan` not in `applied`, in plan order; with `to`, only `to` and what it
 * requires (an unknown `to` is a usage error).
 */
export function pendingMigrations(plan: Plan, applied: ReadonlySet<string>, to?: string): MigrationSource[] {
  let wanted: Set<string> | undefined;
  if (to !== undefined) {
    const target = plan.replacedBy.get(to)?.id ?? to;
    if (!plan.byId.has(target)) {
      throw new MtcError('MIGRATION_UNKNOWN_TARGET', `--to ${to}: no migration has that id${suggest(to, plan.byId)}`, 'usage', { id: to });
    }
    wanted = requiresClosure(target, plan.byId, plan.replacedBy);
    wanted.add(target);
  }
  return plan.order.filter((m) => !applied.has(m.id) && (wanted === undefined || wanted.has(m.id)));
}

function findCycle(stuck: readonly MigrationSource[], byId: ReadonlyMap<string, MigrationSource>, resolve: (id: string) => string): string[] {
  const stuckIds = new Set(stuck.map((s) => s.id));
  const start = [...stuckIds].sort(compareIds)[0] as string;
  // Walk requires inside the stuck set until an id repeats: every stuck node has a stuck requirement.
  const path: string[] = [];
  const at = new Map<string, number>();
  let current: string | undefined = start;
  while (current !== undefined && !at.has(current)) {
    at.set(current, path.length);
    path.push(current);
    const next: string[] = (byId.get(current)?.requires ?? []).map(resolve).filter((r) => stuckIds.has(r));
    current = [...next].sort(compareIds)[0];
  }
  if (current === undefined) return path;
  const cycle = path.slice(at.get(current));
  return [...cycle, current];
}

function suggest(id: string, byId: ReadonlyMap<string, MigrationSource>): string {
  const near = [...byId.keys()].filter((k) => k.startsWith(id.split('_')[0] ?? id) || k.endsWith(id.split('_').slice(1).join('_') || '\u0000'));
  return near.length > 0 && near.length <= 3 ? ` (did you mean ${near.map((n) => `"${n}"`).join(' or ')}?)` : '';
}

/** A binary min-heap of ids in code point order. */
class MinHeap {
  private readonly items: string[] = [];
  push(v: string): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareIds(a[p] as string, a[i] as string) <= 0) break;
      [a[p], a[i]] = [a[i] as string, a[p] as string];
      i = p;
    }
  }
  pop(): string | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as string;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && compareIds(a[l] as string, a[m] as string) < 0) m = l;
        if (r < a.length && compareIds(a[r] as string, a[m] as string) < 0) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i] as string, a[m] as string];
        i = m;
      }
    }
    return top;
  }
}
