// The JSON body scan on its own: numbers a double cannot hold come through as their digits,
// everything else is left exactly as sent, and what it refuses it refuses in one pass.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_INEXACT_NUMBERS, MAX_VALUE_CHARS, MAX_JSON_DEPTH, MAX_OBJECT_MEMBERS, quoteInexactNumbers } from '../../src/http/json-body.ts';
import { random } from '../helpers/random.ts';

/** True when `scanned` is `original` but for numbers a double rounds, which it has as the digits written (not the double's own). */
function sameButInexact(original: unknown, scanned: unknown): boolean {
  if (typeof original === 'number' && typeof scanned === 'string') return /^-?\d/.test(scanned) && Number(scanned) === original && String(original) !== scanned;
  if (Array.isArray(original)) return Array.isArray(scanned) && original.length === scanned.length && original.every((v, i) => sameButInexact(v, scanned[i]));
  if (original !== null && typeof original === 'object') {
    if (scanned === null || typeof scanned !== 'object' || Array.isArray(scanned)) return false;
    const a = Object.entries(original);
    return (
      a.length === Object.keys(scanned).length && a.every(([k, v]) => Object.hasOwn(scanned, k) && sameButInexact(v, (scanned as Record<string, unknown>)[k]))
    );
  }
  return Object.is(original, scanned);
}

const parsed = (text: string) => JSON.parse(quoteInexactNumbers(text)) as unknown;

describe('the JSON body scan', () => {
  test('a number a double holds exactly stays a number; one it would round comes through as the digits written', () => {
    for (const exact of [
      '0',
      '-0',
      '12.5',
      '12.50',
      '1e3',
      '1E+3',
      '0.1',
      '-0.01',
      '123456789012345',
      '99999999999.99',
      '1.5e-7',
      '5e-324',
      '1.7976931348623157e308',
      '0.30000000000000004',
    ])
      assert.deepEqual(parsed(`{"x": ${exact}}`), { x: Number(exact) }, exact);
    for (const inexact of [
      '12.3400000000000001',
      '0.30000000000000001',
      '9007199254740993',
      '1e400',
      '-1e400',
      '2.0000000000000001',
      `1${'0'.repeat(400)}1`,
      `0.${'0'.repeat(500)}1`,
    ])
      assert.deepEqual(parsed(`{"x": ${inexact}}`), { x: inexact }, inexact.slice(0, 30));
  });

  test('numbers inside strings, keys, escapes and literals are left as they are', () => {
    const text = '{"a1": "12.3400000000000001", "b\\"2": ["x\\\\", "\\"1e400\\"", true, null, false, -3], "c": "\\u0031"}';
    assert.equal(quoteInexactNumbers(text), text);
    assert.deepEqual(parsed(text), JSON.parse(text));
  });

  test('any text is either JSON.parse(text) with only inexact numbers changed, or refused: a random check', () => {
    const r = random(1505);
    const atoms = ['"a"', '"\\""', '"\\\\"', '1', '-2.5', '0.30000000000000001', '1e999', 'true', 'null', '[', ']', '{', '}', ',', ':', '"k":', ' ', '\\', '"'];
    for (let n = 0; n < 5000; n++) {
      let text = '';
      const length = r.int(1, 12);
      for (let i = 0; i < length; i++) text += r.pick(atoms);
      let scanned: string | undefined;
      try {
        scanned = quoteInexactNumbers(text);
      } catch {
        // refused by the scan: then JSON.parse refuses it too
        assert.throws(() => JSON.parse(text), `refused ${JSON.stringify(text)}, which JSON.parse reads`);
        continue;
      }
      try {
        JSON.parse(text);
      } catch {
        assert.throws(() => JSON.parse(scanned), `${JSON.stringify(text)} became JSON`);
        continue;
      }
      assert.ok(sameButInexact(JSON.parse(text), JSON.parse(scanned)), `${JSON.stringify(text)} became ${JSON.stringify(scanned)}`);
    }
  });

  test(`a string left open, a value over ${MAX_VALUE_CHARS} characters, nesting beyond ${MAX_JSON_DEPTH}, an object of more than ${MAX_OBJECT_MEMBERS} members or more than ${MAX_INEXACT_NUMBERS} inexact numbers is refused, saying which`, () => {
    assert.throws(() => quoteInexactNumbers('{"name": "Frame'), { message: 'a string opened at character 10 is never closed' });
    assert.throws(() => quoteInexactNumbers(`"${'\\"'.repeat(1000)}`), { message: 'a string opened at character 1 is never closed' });
    assert.throws(() => quoteInexactNumbers('['.repeat(MAX_JSON_DEPTH + 1)), { message: `arrays and objects are nested more than ${MAX_JSON_DEPTH} deep` });
    // a value longer than any field takes, string or number, escapes counted
    assert.doesNotThrow(() => quoteInexactNumbers(`{"name": "${'x'.repeat(MAX_VALUE_CHARS)}"}`));
    assert.throws(() => quoteInexactNumbers(`{"name": "${'x'.repeat(MAX_VALUE_CHARS + 1)}"}`), {
      message: 'a string at character 10 is over 100,000 characters long: no field takes one',
    });
    assert.throws(() => quoteInexactNumbers(`{"name": "${'\\\\'.repeat(MAX_VALUE_CHARS / 2 + 1)}"}`), {
      message: 'a string at character 10 is over 100,000 characters long: no field takes one',
    });
    assert.doesNotThrow(() => quoteInexactNumbers(`[${'7'.repeat(MAX_VALUE_CHARS)}]`));
    assert.throws(() => quoteInexactNumbers(`[1, ${'7'.repeat(MAX_VALUE_CHARS + 1)}]`), {
      message: 'a number at character 5 is over 100,000 characters long: no field takes one',
    });
    assert.doesNotThrow(() => quoteInexactNumbers('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)));
    const members = (k: number) => `{${Array.from({ length: k }, (_, i) => `"k${i}": [1, 2]`).join(', ')}}`;
    assert.doesNotThrow(() => quoteInexactNumbers(members(MAX_OBJECT_MEMBERS)));
    assert.throws(() => quoteInexactNumbers(members(MAX_OBJECT_MEMBERS + 1)), { message: `an object has more than ${MAX_OBJECT_MEMBERS} members` });
    // an array's elements are not an object's members: a long list is read
    assert.doesNotThrow(() => quoteInexactNumbers(`[${'1,'.repeat(100_000)}1]`));
    // numbers a double holds exactly never count; those it would round are taken up to the limit
    assert.doesNotThrow(() => quoteInexactNumbers(`[${'12.50,'.repeat(100_000)}1]`));
    assert.doesNotThrow(() => quoteInexactNumbers(`[${'0.30000000000000001,'.repeat(MAX_INEXACT_NUMBERS - 1)}0.30000000000000001]`));
    assert.throws(() => quoteInexactNumbers(`[${'0.30000000000000001,'.repeat(MAX_INEXACT_NUMBERS)}0.30000000000000001]`), {
      message: `more than ${MAX_INEXACT_NUMBERS} numbers have more digits than a number can hold exactly: send such values as strings`,
    });
  });
});
