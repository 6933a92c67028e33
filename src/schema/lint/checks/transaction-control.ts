import type { MigrationAnalysis } from '../analysis.ts';
import type { Problem } from '../finding.ts';

const HINT =
  'the engine runs each migration in its own transaction and records it in the same one; remove the statement (for statements that cannot run in a transaction, use a "-- transaction: off" migration)';

const KEYWORDS: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** TRANSACTION_CONTROL: BEGIN, COMMIT, ROLLBACK, SAVEPOINT … in a migration, or COMMIT/ROLLBACK in its DO blocks. */
export function transactionControl(file: MigrationAnalysis): Problem[] {
  const problems: Problem[] = [];
  for (const { stmt, place } of file.statements) {
    if (place !== 'top' || !('TransactionStmt' in stmt.node)) continue;
    const keyword = KEYWORDS[String(stmt.node.TransactionStmt.kind)] ?? 'transaction control';
    problems.push({
      severity: 'error',
      code: 'TRANSACTION_CONTROL',
      message: `${keyword} in a migration: transaction control belongs to the migration engine`,
      fileIndex: stmt.fileIndexOf(),
      hint: HINT,
    });
  }
  for (const tc of file.doTransactionControl) {
    problems.push({
      severity: 'error',
      code: 'TRANSACTION_CONTROL',
      message: `${tc.statement} inside a DO block: it fails inside the migration's transaction ("invalid transaction termination")`,
      fileIndex: tc.fileIndex,
      hint: HINT,
    });
  }
  return problems;
}
