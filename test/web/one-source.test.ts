// The web app keeps no copy of a rule the API serves: the import kinds' columns come from GET
// /api/imports/kinds (src/app/imports/kinds/), so no file of web/src may spell out a kind's
// list of required or optional columns (as an array literal of its headers, in its order).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeImportKinds } from '../../src/app/imports/kinds/index.ts';
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
