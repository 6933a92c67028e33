import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';
import { existingTableCommands, isExistingTable, names, runningStatements, tableName } from './existing-tables.ts';

/**
 * INDEX_WITHOUT_CONCURRENTLY: building an index on an existing table blocks its writes for
 * the whole build (CREATE INDEX) or blocks everything (ADD CONSTRAINT … UNIQUE/PRIMARY KEY).
 */
export function indexWithoutConcurrently(file: MigrationAnalysis): Problem[] {
  const problems: Problem[] = [];
  for (const { stmt } of runningStatements(file)) {
    if (!('IndexStmt' in stmt.node)) continue;
    const index = stmt.node.IndexStmt;
    if (index.concurrent || !isExistingTable(file, stmt, index.relation)) continue;
    const { display, relation } = names(tableName(index.relation));
    problems.push({
      severity: 'warning',
      code: 'INDEX_WITHOUT_CONCURRENTLY',
      message: `CREATE INDEX on ${display} blocks every write to ${display} until the index is built`,
      fileIndex: stmt.fileIndexOf(),
      relation,
      hint: 'use CREATE INDEX CONCURRENTLY, in a migration of its own with "-- transaction: off"',
    });
  }
  for (const { stmt, table, cmd } of existingTableCommands(file)) {
    const con = cmd.subtype === 'AT_AddConstraint' && cmd.def !== undefined && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
    if (!con || con.indexname !== undefined) continue;
    const kind =
      con.contype === 'CONSTR_UNIQUE'
        ? 'UNIQUE'
        : con.contype === 'CONSTR_PRIMARY'
          ? 'PRIMARY KEY'
          : con.contype === 'CONSTR_EXCLUSION'
            ? 'EXCLUDE'
            : undefined;
    if (kind === undefined) continue;
    const { display, relation } = names(table);
    problems.push({
      severity: 'warning',
      code: 'INDEX_WITHOUT_CONCURRENTLY',
      message: `ADD CONSTRAINT … ${kind} builds its index on ${display} while holding an ACCESS EXCLUSIVE lock: reads and writes wait until it is built`,
      fileIndex: stmt.fileIndexOf(con.location),
      relation,
      hint:
        kind === 'EXCLUDE'
          ? 'on a big table, schedule it for a quiet moment'
          : `first CREATE UNIQUE INDEX CONCURRENTLY (its own "-- transaction: off" migration), then ADD CONSTRAINT name ${kind} USING INDEX index_name`,
    });
  }
  return problems;
}
