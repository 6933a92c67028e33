// "Stock changes only with a ledger row" is kept by one function (postStock in
// src/app/items/stock.ts): every other path (a movement, a lot's completion, an import, the
// demo) calls it. This reads src/ to prove that no other code writes item_variant.stock or
// adds to the ledger.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const SRC = new URL('../../src/', import.meta.url).pathname;
const STOCK_MODULE = 'app/items/stock.ts';

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await sourceFiles(join(dir, e.name))));
    else if (e.name.endsWith('.ts')) out.push(join(dir, e.name));
  }
  return out;
}

/** The writes of the stock column a file holds: `SET stock = …` (also `SET …, stock = …`) in an UPDATE of item_variant, or stock named in an INSERT into it. */
function stockWrites(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/UPDATE\s+public\.item_variant\b[^;`]*?\bSET\b[^;`]*?(?:\bWHERE\b|`)/gi)) {
    if (/(?:SET|,)\s*(?:\w+\.)?stock\s*=/i.test(m[0])) found.push(m[0].slice(0, 80));
  }
  for (const m of text.matchAll(/INSERT\s+INTO\s+public\.item_variant\s*\(([^)]*)\)/gi)) {
    if (/\bstock\b/i.test(m[1]!)) found.push(m[0].slice(0, 80));
  }
  return found;
}

test('only the stock module writes item_variant.stock', async () => {
  const files = await sourceFiles(SRC);
  assert.ok(files.length > 100, `expected the whole of src/, read ${files.length} files`);
  const writers = new Map<string, string[]>();
  for (const file of files) {
    const writes = stockWrites(await readFile(file, 'utf8'));
    if (writes.length > 0) writers.set(relative(SRC, file), writes);
  }
  // The matcher sees the one write there is (so an empty answer elsewhere means something).
  assert.equal(writers.get(STOCK_MODULE)?.length, 1, `expected the one stock write in ${STOCK_MODULE}`);
  writers.delete(STOCK_MODULE);
  assert.deepEqual(Object.fromEntries(writers), {}, 'stock is written only by postStock: call it instead');
});

test('the matcher finds the forms a stock write takes', () => {
  assert.equal(stockWrites('`UPDATE public.item_variant v SET stock = v.stock - n.needed FROM x WHERE v.variant_id = 1`').length, 1);
  assert.equal(stockWrites("'UPDATE public.item_variant SET unit = $2, stock = $3 WHERE variant_id = $1'").length, 1);
  assert.equal(stockWrites('`INSERT INTO public.item_variant (item_id, color_id, size_id, unit, reorder_threshold, stock) VALUES`').length, 1);
  assert.equal(stockWrites("'UPDATE public.item_variant SET deleted_at = now() WHERE variant_id = $1'").length, 0);
  assert.equal(stockWrites('`INSERT INTO public.item_variant (item_id, color_id, size_id, unit, reorder_threshold) VALUES`').length, 0);
});

test('only the stock module (postStock, and the entries it places in the past: back-dating.ts) (and mtc adopt, which opens the ledger of a database it takes over and values the stock it found) adds to the ledger', async () => {
  const files = await sourceFiles(SRC);
  const writers: string[] = [];
  for (const file of files) {
    if (/INSERT\s+INTO\s+public\.inventory_transactions\b/i.test(await readFile(file, 'utf8'))) writers.push(relative(SRC, file));
  }
  // adopt's two: the opening row of the stock as found (mapping.ts), and its first value from the old receipts (purchasing.ts)
  assert.deepEqual(writers.sort(), ['app/items/back-dating.ts', 'app/items/stock.ts', 'app/legacy/mapping.ts', 'app/legacy/purchasing.ts']);
});
