import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';
import { existingTableCommands, names } from './existing-tables.ts';

/** CONSTRAINT_WITHOUT_NOT_VALID: ADD FOREIGN KEY / ADD CHECK on an existing table checks every row under a heavy lock. */
export function constraintWithoutNotValid(file: MigrationAnalysis): Problem[] {
  const problems: Problem[] = [];
  for (const { stmt, table, cmd } of existingTableCommands(file)) {
    const con = cmd.subtype === 'AT_AddConstraint' && cmd.def !== undefined && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
    if (!con || con.skip_validation === true) continue;
    if (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK') continue;
    const { display, relation } = names(table);
    const name = con.conname ?? 'name';
    problems.push({
      severity: 'warning',
      code: 'CONSTRAINT_WITHOUT_NOT_VALID',
      message:
        con.contype === 'CONSTR_FOREIGN'
          ? `ADD FOREIGN KEY checks every row of ${display} while holding a SHARE ROW EXCLUSIVE lock on it and on the referenced table: writes to both wait`
          : `ADD CHECK scans every row of ${display} while holding an ACCESS EXCLUSIVE lock: reads and writes wait`,
      fileIndex: stmt.fileIndexOf(con.location),
      relation,
      hint: `add it with NOT VALID (new rows are checked at once), then ALTER TABLE ${display} VALIDATE CONSTRAINT ${name} in a later migration, which takes a lighter lock`,
    });
  }
  return problems;
}
