import type { Node } from 'libpg-query';
import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';
import { isSerialType, lastName } from '../parse-tree.ts';
import { columnClauseIndex, existingTableCommands, names } from './existing-tables.ts';

/** Functions whose value differs per row, so a column default calling them is computed for every existing row. */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'nextval',
  'txid_current',
]);

const ADD_COLUMN_HINT = 'add the column without a default (or with a constant one), backfill existing rows in batches, then SET DEFAULT in a later step';

/** TABLE_REWRITE: ALTER TABLE commands that rewrite every row of an existing table under an ACCESS EXCLUSIVE lock. */
export function tableRewrite(file: MigrationAnalysis): Problem[] {
  const problems: Problem[] = [];
  for (const { stmt, table, cmd } of existingTableCommands(file)) {
    const def = cmd.def !== undefined && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
    if (cmd.subtype === 'AT_AlterColumnType') {
      const { display, relation } = names(table);
      problems.push({
        severity: 'warning',
        code: 'TABLE_REWRITE',
        message: `ALTER COLUMN ${cmd.name ?? ''} TYPE rewrites ${display} and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock: reads and writes wait until it is done`,
        fileIndex: columnClauseIndex(stmt, cmd.name, '(?:set\\s+data\\s+)?type'),
        relation,
        hint: 'safe only if the new type is binary-compatible (varchar(n) to text or a longer varchar); on a big table add a new column, backfill it in batches, and switch over in a later migration',
      });
    } else if (cmd.subtype === 'AT_AddColumn' && def) {
      const reason = rewritingColumnReason(def.typeName?.names, def.constraints);
      if (reason === undefined) continue;
      const { display, relation } = names(table);
      problems.push({
        severity: 'warning',
        code: 'TABLE_REWRITE',
        message: `ADD COLUMN ${def.colname ?? ''} ${reason}, so PostgreSQL rewrites every row of ${display} while holding an ACCESS EXCLUSIVE lock`,
        fileIndex: stmt.fileIndexOf(def.location),
        relation,
        hint: ADD_COLUMN_HINT,
      });
    }
  }
  return problems;
}

function rewritingColumnReason(typeNames: Node[] | undefined, constraints: Node[] | undefined): string | undefined {
  if (isSerialType(typeNames)) return `is ${lastName(typeNames)}: each existing row gets its own sequence value`;
  for (const c of constraints ?? []) {
    if (!('Constraint' in c)) continue;
    const con = c.Constraint;
    if (con.contype === 'CONSTR_IDENTITY') return 'is an identity column: each existing row gets its own value';
    if (con.contype === 'CONSTR_GENERATED') return 'is a stored generated column: its value is computed for each existing row';
    if (con.contype === 'CONSTR_DEFAULT') {
      const volatile = volatileCall(con.raw_expr);
      if (volatile !== undefined) return `has the volatile default ${volatile}(): it is evaluated for each existing row`;
    }
  }
  return undefined;
}

function volatileCall(expr: unknown): string | undefined {
  if (typeof expr !== 'object' || expr === null) return undefined;
  if (Array.isArray(expr)) {
    for (const e of expr) {
      const found = volatileCall(e);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const obj = expr as Record<string, unknown>;
  const call = obj.FuncCall as { funcname?: Node[] } | undefined;
  if (call) {
    const name = lastName(call.funcname);
    if (VOLATILE_FUNCTIONS.has(name)) return name;
  }
  for (const v of Object.values(obj)) {
    const found = volatileCall(v);
    if (found !== undefined) return found;
  }
  return undefined;
}
