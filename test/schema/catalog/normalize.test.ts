import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { indexShape, normalizeConstraintDef, normalizeViewDef, stripSingleSourcePrefix } from '../../../src/schema/catalog/normalize.ts';

describe('normalize: view definitions', () => {
  test('a single FROM item: the PostgreSQL 15 prefix is removed, as 16+ prints it', () => {
    const pg15 = ' SELECT c.id,\n    lower((c.email)::text) AS email\n   FROM public.customers c\n  WHERE (c.deleted_at IS NULL);';
    const pg18 = ' SELECT id,\n    lower((email)::text) AS email\n   FROM public.customers c\n  WHERE (deleted_at IS NULL);';
    assert.equal(normalizeViewDef(pg15), normalizeViewDef(pg18));
    assert.equal(normalizeViewDef(pg18), 'SELECT id,\n    lower((email)::text) AS email\n   FROM public.customers c\n  WHERE (deleted_at IS NULL)');
  });

  test('without an alias, the prefix is the table name; the FROM item itself is untouched', () => {
    assert.equal(stripSingleSourcePrefix('SELECT t.a FROM s.t ORDER BY t.a'), 'SELECT a FROM s.t ORDER BY a');
    assert.equal(stripSingleSourcePrefix('SELECT inventory.a FROM inventory.inventory'), 'SELECT a FROM inventory.inventory');
  });

  test('joins, commas and set operations keep their prefixes (both versions print them)', () => {
    for (const sql of [
      'SELECT a.x FROM s.a a JOIN s.b b ON (a.id = b.id)',
      'SELECT a.x FROM s.a a, s.b b',
      'SELECT a.x FROM s.a a UNION ALL SELECT b.x FROM s.b b',
    ]) {
      assert.equal(stripSingleSourcePrefix(sql), sql);
    }
  });

  test('inside a subquery prefixes stay; strings, casts to qualified types and whole rows are left alone', () => {
    assert.equal(
      stripSingleSourcePrefix("SELECT c.id, 'c.id' AS s, c.* FROM s.c c WHERE EXISTS ( SELECT 1 FROM s.o o WHERE (o.c = c.id))"),
      "SELECT id, 'c.id' AS s, c.* FROM s.c c WHERE EXISTS ( SELECT 1 FROM s.o o WHERE (o.c = c.id))",
    );
    assert.equal(stripSingleSourcePrefix("SELECT 'a'::s.e AS v, s.id FROM public.t s"), "SELECT 'a'::s.e AS v, id FROM public.t s");
  });
});

describe('normalize: index shape', () => {
  test('drops the index name only', () => {
    assert.equal(indexShape('CREATE UNIQUE INDEX idx ON public.idx USING btree (idx)', 'idx'), 'CREATE UNIQUE INDEX ON public.idx USING btree (idx)');
    assert.equal(indexShape('CREATE INDEX "Odd Name" ON public.t USING btree (a)', 'Odd Name'), 'CREATE INDEX ON public.t USING btree (a)');
  });
});

describe('normalize: a varchar column checked against a list', () => {
  const roundTripped = "CHECK (((status)::text = ANY ((ARRAY['planning'::character varying, 'it''s'::character varying])::text[])))";
  test('the PostgreSQL 18 spelling of IN (...) and the old dump spelling both become the one that survives a round trip', () => {
    const pg18 = "CHECK (((status)::text = ANY (ARRAY[('planning'::character varying)::text, ('it''s'::character varying)::text])))";
    const pg14Dump = "CHECK (((status)::text = ANY (ARRAY['planning'::character varying::text, 'it''s'::character varying::text])))";
    assert.equal(normalizeConstraintDef(pg18), roundTripped);
    assert.equal(normalizeConstraintDef(pg14Dump), roundTripped);
    assert.equal(normalizeConstraintDef(roundTripped), roundTripped);
  });

  test('other arrays and casts are left alone', () => {
    for (const def of [
      "CHECK ((u = ANY (ARRAY['a'::text, 'b'::text])))",
      "CHECK (((s)::text = ('x'::character varying)::text))",
      "CHECK ((v = 'abc'::bpchar))",
    ]) {
      assert.equal(normalizeConstraintDef(def), def);
    }
  });
});
