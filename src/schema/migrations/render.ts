import { CREATE_LEDGER_SQL, LEDGER_TABLE, ledgerInsertSql, sqlLiteral } from './ledger.ts';
import { LOCK_SQL, UNLOCK_SQL } from './lock.ts';
import type { MigrationSource } from './source.ts';

/**
 * The migrations as one script for `psql -v ON_ERROR_STOP=1 -f`: the same ledger, the same
 * lock, each migration and its ledger row in one transaction. Each block first asks the ledger
 * and skips a migration already applied, so the script can be run over a partly migrated
 * database, and run again, safely. Needs psql 10 or later (\if, \gset).
 */
export function renderScript(migrations: readonly MigrationSource[], generatedBy: string): string {
  const out: string[] = [
    `-- ${generatedBy}`,
    `-- Apply with: psql -X -v ON_ERROR_STOP=1 -f <this file>`,
    `-- ${migrations.length} migration${migrations.length === 1 ? '' : 's'}: ${migrations.map((m) => m.id).join(', ') || '(none)'}`,
    '\\set ON_ERROR_STOP 1',
    '\\set QUIET 1',
    `${CREATE_LEDGER_SQL};`,
    `SELECT ${LOCK_SQL} AS mtc_locked \\gset`,
    '',
  ];
  for (const m of migrations) {
    const body = m.text.replace(/\r\n?/g, '\n');
    out.push(
      `-- ===== ${m.id} (${m.path})${m.requires.length ? ` requires ${m.requires.join(' ')}` : ''}`,
      `SELECT NOT EXISTS (SELECT 1 FROM ${LEDGER_TABLE} WHERE id = ${sqlLiteral(m.id)}) AS mtc_pending \\gset`,
      '\\if :mtc_pending',
      `\\echo 'mtc: applying ${m.id.replace(/'/g, '')}'`,
    );
    if (m.transactional) {
      out.push('BEGIN;', body, ';', `${ledgerInsertSql(m, '(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer')};`, 'COMMIT;');
    } else {
      out.push('-- transaction: off: each statement runs on its own', body, ';', `${ledgerInsertSql(m, '0')};`);
    }
    out.push('\\else', `\\echo 'mtc: ${m.id.replace(/'/g, '')} already applied, skipped'`, '\\endif', '');
  }
  out.push(`SELECT ${UNLOCK_SQL} AS mtc_unlocked \\gset`, '');
  return out.join('\n');
}
