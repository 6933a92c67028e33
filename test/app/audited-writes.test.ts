// Each business write is one app-layer function that owns its transaction and its audit event
// (src/app/…, with the acting user as an argument): the HTTP routes, the CLI commands and the
// demo seed call those and nothing below them. This reads src/ to prove that none of them
// records an audit event, opens a transaction or writes a table itself.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const SRC = new URL('../../src/', import.meta.url).pathname;

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await files(join(dir, e.name))));
    else if (e.name.endsWith('.ts')) out.push(join(dir, e.name));
  }
  return out;
}

/** What a caller of the app layer must not do itself, each with the words a reader is told. */
const BELOW: { what: string; re: RegExp }[] = [
  { what: 'records an audit event', re: /\b(?:recordAudit|auditAs)\s*\(/ },
  { what: 'opens a transaction', re: /\.transaction\s*\(/ },
  { what: 'writes a table', re: /\b(?:INSERT\s+INTO|UPDATE\s+public\.|DELETE\s+FROM)\b/i },
];

function findings(text: string): string[] {
  return BELOW.filter((b) => b.re.test(text)).map((b) => b.what);
}

/**
 * The demo seed is all-or-nothing, so it opens the one transaction its writes share (each
 * through an `…In` app function), and it dates the history it made into the past weeks (an
 * UPDATE that sets only created_at, started_at or completed_at): that is the demo's own
 * time, not a change a person makes. Anything else it writes itself is a finding.
 */
const STAMP = '(?:created_at|started_at|completed_at)\\s*=[^,;`]*?';
const DATING = new RegExp(`UPDATE\\s+public\\.\\w+\\s+SET\\s+${STAMP}(?:,\\s*${STAMP})*\\s+WHERE\\b`, 'gi');
function seedFindings(text: string): string[] {
  return findings(text.replace(DATING, '')).filter((f) => f !== 'opens a transaction');
}

// The callers of business writes. The schema engine's own commands (migrate, adopt, squash…)
// write the migration ledger, not business data, and are not callers of the app layer.
const CALLERS = ['http/routes/', 'cli/commands/import.ts', 'cli/commands/user.ts', 'cli/commands/seed.ts', 'app/demo/'];

test('routes, the CLI and the demo seed call the app layer for every write: no audit, transaction or SQL of their own', async () => {
  const all = (await files(SRC)).map((f) => relative(SRC, f));
  const callers = all.filter((f) => CALLERS.some((c) => f.startsWith(c)));
  assert.ok(callers.filter((f) => f.startsWith('http/routes/')).length >= 10, `the route files were read: ${callers.join(', ')}`);
  assert.ok(callers.includes('app/demo/seed.ts') && callers.includes('cli/commands/user.ts'), 'the seed and the CLI were read');
  const found: Record<string, string[]> = {};
  for (const f of callers) {
    const text = await readFile(join(SRC, f), 'utf8');
    const what = f === 'app/demo/seed.ts' ? seedFindings(text) : findings(text);
    if (what.length > 0) found[f] = what;
  }
  assert.deepEqual(found, {}, 'call the app-layer function that owns the write (src/app/…) instead');
});

test('the check finds each thing a caller must not do', () => {
  assert.deepEqual(findings('await recordAudit(tx, { action: "create" })'), ['records an audit event']);
  assert.deepEqual(findings('await auditAs(tx, actor, {})'), ['records an audit event']);
  assert.deepEqual(findings('return db.transaction(async (tx) => f(tx))'), ['opens a transaction']);
  assert.deepEqual(findings("q.query('UPDATE public.items SET name = $1')"), ['writes a table']);
  assert.deepEqual(findings("q.query('insert into public.items (name) values ($1)')"), ['writes a table']);
  assert.deepEqual(findings('await createItem(db, body, actorOf(request))'), []);
  // the seed may date its history, and nothing more
  assert.deepEqual(
    seedFindings('tx.query(`UPDATE public.production_lots SET created_at = now() - $2::interval, started_at = now() - $3::interval WHERE id = $1`)'),
    [],
  );
  assert.deepEqual(seedFindings('tx.query(`UPDATE public.production_lots SET created_at = now(), status = $2 WHERE id = $1`)'), ['writes a table']);
  assert.deepEqual(seedFindings('tx.query(`INSERT INTO public.users (name) VALUES ($1)`)'), ['writes a table']);
});
