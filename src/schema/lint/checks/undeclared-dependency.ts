import type { MigrationSource } from '../../migrations/source.ts';
import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';
import { displayName, objectKey, type Use } from '../objects.ts';
import type { Project } from '../project.ts';

/**
 * UNDECLARED_DEPENDENCY: the file uses an object that another migration creates, and that
 * migration is not in the file's `requires` closure, so nothing orders the two. One finding
 * per object, at its first use; objects no migration creates (legacy ones) are not checked.
 */
export function undeclaredDependency(file: MigrationAnalysis, project: Project): Problem[] {
  const { migration } = file;
  const closure = project.requiresClosure(migration.id);
  const firstUses = new Map<string, Use>();
  for (const use of file.uses) {
    const key = objectKey(use.object);
    const prev = firstUses.get(key);
    if (file.createdBefore(key, use.fileIndex)) continue;
    if (!prev || use.fileIndex < prev.fileIndex) firstUses.set(key, use);
  }
  const problems: Problem[] = [];
  for (const [key, use] of firstUses) {
    const creators = project.creatorsOf(key).filter((m) => m.id !== migration.id);
    if (creators.length === 0 || creators.some((m) => closure.has(m.id))) continue;
    const name = displayName(use.object);
    const noun = use.object.kind === 'relation' || use.verb.endsWith(use.object.kind) ? '' : `${use.object.kind} `;
    const createdBy = `${creators.map((m) => m.path).join(' and ')}${creators.length > 1 ? ' (any one will do)' : ''}`;
    const usable = creators.filter((m) => !project.requiresClosure(m.id).has(migration.id));
    const base = `${migration.path} ${use.verb} ${noun}${name}, which is created by ${createdBy}`;
    const first = creators[0] as MigrationSource;
    const suggested = usable[0];
    problems.push({
      severity: 'error',
      code: 'UNDECLARED_DEPENDENCY',
      message: suggested
        ? `${base}, but does not require it; add "-- requires: ${suggested.id}" to its header`
        : `${base}, which itself requires ${migration.id} (directly or through others) and so runs after it; move the statement into ${first.id} or into a migration that requires it`,
      fileIndex: use.fileIndex,
      relation: `${use.object.schema}.${use.object.name}`,
      relatedFile: (suggested ?? first).path,
    });
  }
  return problems;
}
