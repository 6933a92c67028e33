import type { AlterTableCmd, RangeVar } from 'libpg-query';
import type { AnalyzedStatement, MigrationAnalysis } from '../analysis.ts';
import { displayName, objectKey, type ObjectName } from '../objects.ts';
import type { ParsedStatement } from '../statements.ts';

/**
 * The unsafe-DDL checks look only at tables that may already hold rows: those the file has
 * not created earlier. Statements inside a function body do not run during the migration.
 */
export interface ExistingTableCommand {
  readonly stmt: ParsedStatement;
  readonly table: ObjectName;
  readonly cmd: AlterTableCmd;
}

/** A table reference as an object name (unqualified means `public`). */
export function tableName(rv: RangeVar): ObjectName {
  return { kind: 'relation', schema: rv.schemaname ?? 'public', name: rv.relname ?? '' };
}

/** The relation's name for a message, and its schema-qualified form for `LintFinding.relation`. */
export function names(table: ObjectName): { display: string; relation: string } {
  return { display: displayName(table), relation: `${table.schema}.${table.name}` };
}

/** True if `rv` names a table this file did not create before `stmt`. */
export function isExistingTable(file: MigrationAnalysis, stmt: ParsedStatement, rv: RangeVar | undefined): rv is RangeVar {
  if (rv?.relname === undefined || rv.relpersistence === 't') return false;
  return !file.createdBefore(objectKey(tableName(rv)), stmt.fileIndexOf());
}

/** Statements that run during the migration (top level, or in a DO block). */
export function runningStatements(file: MigrationAnalysis): AnalyzedStatement[] {
  return file.statements.filter((s) => s.place !== 'function');
}

/** Every ALTER TABLE command on a table that may already hold rows. */
export function existingTableCommands(file: MigrationAnalysis): ExistingTableCommand[] {
  const out: ExistingTableCommand[] = [];
  for (const { stmt } of runningStatements(file)) {
    if (!('AlterTableStmt' in stmt.node)) continue;
    const alter = stmt.node.AlterTableStmt;
    if (alter.objtype !== 'OBJECT_TABLE' || !isExistingTable(file, stmt, alter.relation)) continue;
    const table = tableName(alter.relation);
    for (const c of alter.cmds ?? []) if ('AlterTableCmd' in c) out.push({ stmt, table, cmd: c.AlterTableCmd });
  }
  return out;
}

/** File index of `ALTER [COLUMN] name …` in the statement, or of the statement. */
export function columnClauseIndex(stmt: ParsedStatement, column: string | undefined, rest: string): number {
  if (column === undefined) return stmt.fileIndexOf();
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`\\balter\\s+(?:column\\s+)?"?${escaped}"?\\s+${rest}`, 'i').exec(stmt.text);
  return m ? stmt.fragment.fileIndex(stmt.start + m.index) : stmt.fileIndexOf();
}
