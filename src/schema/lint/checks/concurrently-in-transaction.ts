import type { Node } from 'libpg-query';
import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';

/** CONCURRENTLY_IN_TRANSACTION: a statement PostgreSQL refuses to run inside a transaction block. */
export function concurrentlyInTransaction(file: MigrationAnalysis): Problem[] {
  const problems: Problem[] = [];
  for (const { stmt, place } of file.statements) {
    const what = nonTransactionalStatement(stmt.node);
    if (what === undefined) continue;
    if (place === 'top') {
      if (!file.migration.transactional) continue;
      problems.push({
        severity: 'error',
        code: 'CONCURRENTLY_IN_TRANSACTION',
        message: `${what} cannot run inside a transaction block, and this migration runs in one; add "-- transaction: off" to its header`,
        fileIndex: stmt.fileIndexOf(),
        hint: 'keep such statements in a migration of their own: without a transaction, a failure halfway leaves the earlier statements applied',
      });
    } else {
      problems.push({
        severity: 'error',
        code: 'CONCURRENTLY_IN_TRANSACTION',
        message: `${what} cannot run inside a ${place === 'do' ? 'DO block' : 'function'}, which always runs in a transaction; make it a top-level statement of a "-- transaction: off" migration`,
        fileIndex: stmt.fileIndexOf(),
      });
    }
  }
  return problems;
}

/** The name of the statement if it cannot run in a transaction block, else undefined. */
export function nonTransactionalStatement(node: Node): string | undefined {
  if ('IndexStmt' in node) return node.IndexStmt.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
  if ('DropStmt' in node) return node.DropStmt.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
  if ('ReindexStmt' in node) {
    const concurrently = (node.ReindexStmt.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
    return concurrently ? 'REINDEX CONCURRENTLY' : undefined;
  }
  if ('VacuumStmt' in node) return node.VacuumStmt.is_vacuumcmd ? 'VACUUM' : undefined;
  if ('AlterTableStmt' in node) {
    const detach = (node.AlterTableStmt.cmds ?? []).some((c) => {
      const def = 'AlterTableCmd' in c ? c.AlterTableCmd.def : undefined;
      return def !== undefined && 'PartitionCmd' in def && def.PartitionCmd.concurrent === true;
    });
    return detach ? 'DETACH PARTITION … CONCURRENTLY' : undefined;
  }
  if ('CreatedbStmt' in node) return 'CREATE DATABASE';
  if ('DropdbStmt' in node) return 'DROP DATABASE';
  if ('CreateTableSpaceStmt' in node) return 'CREATE TABLESPACE';
  if ('DropTableSpaceStmt' in node) return 'DROP TABLESPACE';
  if ('AlterSystemStmt' in node) return 'ALTER SYSTEM';
  return undefined;
}
