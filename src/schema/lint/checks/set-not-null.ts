import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';
import { columnClauseIndex, existingTableCommands, names } from './existing-tables.ts';

/** SET_NOT_NULL: ALTER COLUMN … SET NOT NULL on an existing table scans it under an ACCESS EXCLUSIVE lock. */
export function setNotNull(file: MigrationAnalysis): Problem[] {
  const problems: Problem[] = [];
  for (const { stmt, table, cmd } of existingTableCommands(file)) {
    if (cmd.subtype !== 'AT_SetNotNull') continue;
    const { display, relation } = names(table);
    const column = cmd.name ?? 'column';
    problems.push({
      severity: 'warning',
      code: 'SET_NOT_NULL',
      message: `ALTER COLUMN ${column} SET NOT NULL scans every row of ${display} while holding an ACCESS EXCLUSIVE lock: reads and writes wait`,
      fileIndex: columnClauseIndex(stmt, cmd.name, 'set\\s+not\\s+null'),
      relation,
      hint: `add CHECK (${column} IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL (PostgreSQL 12+ skips the scan thanks to the validated check) and drop the check`,
    });
  }
  return problems;
}
