// The web app keeps no copy of a rule the API serves: the import kinds' columns come from GET
// /api/imports/kinds (src/app/imports/kinds/), so no file of web/src may spell out a kind's
// list of required or optional columns (as an array literal of its headers, in its order);
// roles, permissions and state machines come from the API too (see copiesIn below).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROLES } from '../../src/app/access/roles.ts';
import { IMPORT_STATUSES } from '../../src/app/imports/status.ts';
import { describeImportKinds } from '../../src/app/imports/kinds/index.ts';
import { LOT_STATUSES } from '../../src/app/lots/status.ts';
import { PROCESS_STATUSES } from '../../src/app/processes/tree.ts';
import { ROOT } from '../helpers/cli.ts';

const WEB = join(ROOT, 'web', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'generated' ? [] : sources(join(dir, e.name))) : /\.(ts|tsx)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

test("no web file spells out an import kind's columns: the web app takes them from the API", () => {
  const files = sources(WEB);
  assert.ok(files.length > 20, `web/src read: ${files.length} files`);
  const kinds = describeImportKinds();
  assert.ok(kinds.length >= 3 && kinds.every((k) => k.required.length + k.optional.length >= 3));
  const escapeRegExp = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const literal = (labels: string[]) => new RegExp(`\\[\\s*${labels.map((l) => `['"\`]${escapeRegExp(l)}['"\`]`).join('\\s*,\\s*')}\\s*,?\\s*\\]`);
  const lists = kinds.flatMap((k) => [
    { what: `${k.name} required`, re: literal(k.required) },
    { what: `${k.name} optional`, re: literal(k.optional) },
  ]);
  // the check finds such a copy: the list as the web app once spelled it
  assert.ok(lists[0]!.re.test(`required: ['${kinds[0]!.required.join("', '")}'],`), lists[0]!.re.source);
  const copies: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const l of lists) if (l.re.test(text)) copies.push(`${file.slice(ROOT.length)}: ${l.what}`);
  }
  assert.deepEqual(copies, []);
});

/**
 * What a web file must not carry, each a copy of a table the API serves: a role's name (the
 * pages ask `useCan(permission)`, the role picker reads GET /api/roles), a role compared
 * with a name, a permission table (a permission named with its roles), and a list of two or more of
 * an entity's statuses (a transition table's `from`, an editable-while list: the pages show
 * the entity's `actions` and the flags the API serves).
 */
function copiesIn(text: string): string[] {
  const found: string[] = [];
  for (const role of ROLES) if (new RegExp(`['"\`]${role}['"\`]`).test(text)) found.push(`the role ${role}`);
  if (/\.role\s*[!=]==?\s*['"`]|['"`]\s*[!=]==?\s*[\w?.]*\.role\b/.test(text)) found.push('a role compared with a name');
  if (/['"]?[a-z]+\.[a-z]+['"]?\s*:\s*\[\s*['"]/.test(text)) found.push('a permission with its roles');
  for (const [machine, statuses] of STATUS_LISTS) {
    const one = statuses.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    if (new RegExp(`\\[\\s*['"\`](?:${one})['"\`]\\s*,\\s*['"\`](?:${one})['"\`]`).test(text)) found.push(`a list of ${machine} statuses`);
  }
  return found;
}

const STATUS_LISTS: [string, readonly string[]][] = [
  ['lot', LOT_STATUSES],
  ['process', PROCESS_STATUSES],
  ['import job', IMPORT_STATUSES],
];

test('no web file carries a role, permission or transition table: the pages show what the API says the caller may do', () => {
  const files = sources(WEB);
  assert.ok(files.length > 20, `web/src read: ${files.length} files`);
  const copies: string[] = [];
  for (const file of files) for (const what of copiesIn(readFileSync(file, 'utf8'))) copies.push(`${file.slice(ROOT.length)}: ${what}`);
  assert.deepEqual(copies, []);
});

test('the check finds each kind of copy, as the web app once spelled them', () => {
  assert.deepEqual(copiesIn("const ROLES = ['admin', 'planner', 'operator', 'viewer'] as const;"), [
    'the role admin',
    'the role planner',
    'the role operator',
    'the role viewer',
  ]);
  assert.deepEqual(copiesIn("const canRun = user?.role === 'x' || y;"), ['a role compared with a name']);
  assert.deepEqual(copiesIn("if ('x' !== user.role) return;"), ['a role compared with a name']);
  // comparing a role with another value (a form's choice, the served list) is no copy
  assert.deepEqual(copiesIn('const changed = role !== user.role; const chosen = roles.find((r) => r.role === role);'), []);
  assert.deepEqual(copiesIn("const P = { 'lot.plan': ['a', 'b'] };"), ['a permission with its roles']);
  assert.deepEqual(copiesIn("{ action: 'cancel', from: ['planning', 'ready', 'in_progress'] }"), ['a list of lot statuses']);
  assert.deepEqual(copiesIn("const EDITABLE = ['draft', 'active'];"), ['a list of process statuses']);
  assert.deepEqual(copiesIn("const can = useCan('lot.plan'); const shown = lot.actions.map((a) => a.label);"), []);
});
