import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { compareModels, formatFinding, type Finding } from '../../../src/schema/catalog/compare.ts';
import type { ColumnModel, ConstraintModel, IndexModel, SchemaModel, TableModel } from '../../../src/schema/catalog/model.ts';

const fixture = (): SchemaModel => JSON.parse(readFileSync('test/fixtures/snapshot/model.json', 'utf8')) as SchemaModel;

function column(name: string, position: number, type = 'text', more: Partial<ColumnModel> = {}): ColumnModel {
  return { name, position, type, notNull: false, default: null, identity: null, generated: null, ...more };
}

function constraint(name: string, kind: ConstraintModel['kind'], definition: string, more: Partial<ConstraintModel> = {}): ConstraintModel {
  return { name, kind, definition, columns: [], references: null, deferrable: false, initiallyDeferred: false, validated: true, ...more };
}

function index(name: string, table: string, keys: string, more: Partial<IndexModel> = {}): IndexModel {
  const unique = more.unique ?? false;
  const shape = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ON public.${table} USING btree (${keys})`;
  return {
    name,
    definition: shape.replace(' INDEX ON ', ` INDEX ${name} ON `),
    shape,
    unique,
    method: 'btree',
    keys: keys.split(', '),
    predicate: null,
    constraint: null,
    ...more,
  };
}

function table(name: string, parts: Partial<TableModel> = {}, schema = 'public'): TableModel {
  return { schema, name, columns: [], constraints: [], indexes: [], triggers: [], ...parts };
}

function model(parts: Partial<SchemaModel> = {}): SchemaModel {
  return { schemas: ['public'], extensions: [], enums: [], sequences: [], tables: [], views: [], functions: [], ...parts };
}

const users = (more: Partial<TableModel> = {}) =>
  table('users', {
    columns: [column('user_id', 1, 'integer', { notNull: true }), column('email', 2, 'text', { notNull: true })],
    constraints: [constraint('users_pkey', 'primary key', 'PRIMARY KEY (user_id)')],
    indexes: [index('users_pkey', 'users', 'user_id', { unique: true, constraint: 'users_pkey' })],
    ...more,
  });

describe('compareModels', () => {
  test('finds nothing between a model and itself', () => {
    assert.deepEqual(compareModels(fixture(), fixture()), []);
  });

  test('reports an object in expected only as missing, with what it should be', () => {
    const actual = users();
    actual.columns.pop();
    const findings = compareModels(model({ tables: [users()] }), model({ tables: [actual] }));
    assert.deepEqual(findings, [{ kind: 'missing', object: 'column', schema: 'public', table: 'users', name: 'email', detail: 'text not null' }]);
    assert.equal(formatFinding(findings[0]!), 'missing column public.users.email (text not null)');
  });

  test('reports an object in actual only as extra', () => {
    const findings = compareModels(model(), model({ schemas: ['legacy', 'public'], enums: [{ schema: 'public', name: 'mood', values: ['ok'] }] }));
    assert.deepEqual(findings, [
      { kind: 'extra', object: 'schema', schema: 'legacy', name: 'legacy' },
      { kind: 'extra', object: 'enum', schema: 'public', name: 'mood', detail: "'ok'" },
    ]);
    assert.deepEqual(findings.map(formatFinding), ['extra schema legacy', "extra enum public.mood ('ok')"]);
  });

  test('reports a missing table once, not each of its columns, constraints and indexes', () => {
    assert.deepEqual(compareModels(model({ tables: [users()] }), model()), [{ kind: 'missing', object: 'table', schema: 'public', name: 'users' }]);
  });

  test('reports each changed property of a column with its expected and actual value', () => {
    const lots = (status: Partial<ColumnModel>) => table('lots', { columns: [column('status', 1, 'text', status)] });
    const findings = compareModels(
      model({ tables: [lots({ default: "'planning'::text", notNull: true })] }),
      model({ tables: [lots({ default: "'Planning'::text", type: 'character varying(20)' })] }),
    );
    assert.deepEqual(findings, [
      {
        kind: 'changed',
        object: 'column',
        schema: 'public',
        table: 'lots',
        name: 'status',
        property: 'default',
        before: "'planning'::text",
        after: "'Planning'::text",
      },
      { kind: 'changed', object: 'column', schema: 'public', table: 'lots', name: 'status', property: 'notNull', before: true, after: false },
      { kind: 'changed', object: 'column', schema: 'public', table: 'lots', name: 'status', property: 'type', before: 'text', after: 'character varying(20)' },
    ]);
    assert.equal(formatFinding(findings[0]!), "changed column public.lots.status default: 'planning'::text → 'Planning'::text");
  });

  test("reports a constraint's changed definition, and NOT VALID as validated, not as a second definition change", () => {
    const fk = (definition: string, more: Partial<ConstraintModel> = {}) =>
      table('jobs', { constraints: [constraint('jobs_user_fkey', 'foreign key', definition, more)] });
    const findings = compareModels(
      model({ tables: [fk('FOREIGN KEY (user_id) REFERENCES users(user_id) ON DELETE CASCADE')] }),
      model({ tables: [fk('FOREIGN KEY (user_id) REFERENCES users(user_id) NOT VALID', { validated: false })] }),
    );
    assert.deepEqual(
      findings.map((f) => (f.kind === 'changed' ? [f.property, f.before, f.after] : f.kind)),
      [
        ['definition', 'FOREIGN KEY (user_id) REFERENCES users(user_id) ON DELETE CASCADE', 'FOREIGN KEY (user_id) REFERENCES users(user_id)'],
        ['validated', true, false],
      ],
    );
  });

  test("reports an enum's values, a view's definition, a sequence's settings and a function's body", () => {
    const expected = fixture();
    const actual = fixture();
    actual.enums[0]!.values = ['planning', 'done'];
    actual.views.find((v) => v.name === 'a_busy_users')!.definition = 'SELECT email FROM public.z_user_lots';
    actual.sequences.find((s) => s.name === 'invoice_no_seq')!.increment = '1';
    actual.functions.find((f) => f.name === 'touch')!.body = '\nbegin\n  return new;\nend\n';
    const lines = compareModels(expected, actual).map(formatFinding);
    assert.deepEqual(lines, [
      "changed enum app.lot_status values: ('planning', 'in progress', 'done', 'it''s late') → ('planning', 'done')",
      'changed sequence public.invoice_no_seq increment: 10 → 1',
      'changed view public.a_busy_users definition: SELECT email FROM public.z_user_lots WHERE (lots > 10) → SELECT email FROM public.z_user_lots',
      'changed function public.touch() body: begin new.updated_at := now(); return new; end → begin return new; end',
    ]);
  });

  test('shows values that differ only in white space exactly, still on one line', () => {
    const v = (definition: string) => ({ schema: 'public', name: 'v', materialized: false, definition });
    const [f] = compareModels(model({ views: [v('SELECT 1\n')] }), model({ views: [v('SELECT 1')] }));
    assert.equal(formatFinding(f!), 'changed view public.v definition: "SELECT 1\\n" → "SELECT 1"');
  });

  test('tells overloaded functions apart by their arguments', () => {
    const fn = (args: string) => ({ ...fixture().functions.find((f) => f.name === 'lot_count')!, arguments: args });
    const findings = compareModels(model({ functions: [fn('p_user integer')] }), model({ functions: [fn('p_user integer'), fn('p_user bigint')] }));
    assert.deepEqual(findings, [{ kind: 'extra', object: 'function', schema: 'app', name: 'lot_count(p_user bigint)' }]);
  });

  test('reports a rename as missing plus extra, with a hint naming the other', () => {
    const renamed = users();
    renamed.columns[1]!.name = 'email_address';
    const findings = compareModels(model({ tables: [users()] }), model({ tables: [renamed] }));
    assert.deepEqual(findings.map(formatFinding), [
      'missing column public.users.email (text not null) (renamed to email_address?)',
      'extra column public.users.email_address (text not null) (renamed from email?)',
    ]);
    assert.deepEqual(findings[0]!.kind === 'missing' && findings[0]!.hint, { kind: 'renamed', counterpart: 'email_address' });
  });

  test('does not hint a rename between objects that differ', () => {
    const other = users();
    other.columns[1] = column('phone', 2, 'text');
    const findings = compareModels(model({ tables: [users()] }), model({ tables: [other] }));
    assert.ok(findings.length > 0, 'the two models differ');
    assert.ok(findings.every((f) => !('hint' in f)));
  });
});

describe('compareModels: duplicates in the actual database', () => {
  const fkDef = 'FOREIGN KEY (user_id) REFERENCES users(user_id)';
  const jobs = (more: Partial<TableModel>) => table('import_jobs', { columns: [column('user_id', 1, 'integer')], ...more });

  test('reports two foreign keys with one definition, whatever their names', () => {
    const actual = jobs({
      constraints: [constraint('import_jobs_user_id_fkey', 'foreign key', fkDef), constraint('fk_import_jobs_user', 'foreign key', fkDef)],
    });
    const expected = jobs({ constraints: [constraint('import_jobs_user_id_fkey', 'foreign key', fkDef)] });
    const findings = compareModels(model({ tables: [expected] }), model({ tables: [actual] }));
    const dup = findings.find((f) => f.kind === 'duplicate');
    assert.deepEqual(dup, {
      kind: 'duplicate',
      object: 'constraint',
      schema: 'public',
      table: 'import_jobs',
      constraintKind: 'foreign key',
      names: ['fk_import_jobs_user', 'import_jobs_user_id_fkey'],
      definition: fkDef,
    });
    assert.equal(
      formatFinding(dup!),
      'duplicate foreign key on public.import_jobs: fk_import_jobs_user, import_jobs_user_id_fkey (FOREIGN KEY (user_id) REFERENCES users(user_id))',
    );
  });

  test('counts a NOT VALID copy of a constraint as a duplicate', () => {
    const actual = jobs({ constraints: [constraint('a', 'foreign key', fkDef), constraint('b', 'foreign key', `${fkDef} NOT VALID`, { validated: false })] });
    const dups = compareModels(model(), model({ tables: [actual] })).filter((f) => f.kind === 'duplicate');
    assert.equal(dups.length, 1);
  });

  test('reports two indexes of one shape', () => {
    const actual = users({ indexes: [...users().indexes, index('users_email_idx', 'users', 'email'), index('idx_users_email', 'users', 'email')] });
    const dups = compareModels(model({ tables: [actual] }), model({ tables: [actual] }));
    assert.deepEqual(dups, [
      {
        kind: 'duplicate',
        object: 'index',
        schema: 'public',
        table: 'users',
        names: ['idx_users_email', 'users_email_idx'],
        definition: 'CREATE INDEX ON public.users USING btree (email)',
      },
    ]);
    assert.equal(
      formatFinding(dups[0]!),
      'duplicate index on public.users: idx_users_email, users_email_idx (CREATE INDEX ON public.users USING btree (email))',
    );
  });

  test('reports a unique constraint and a plain unique index on the same column as duplicate indexes', () => {
    const actual = users({
      constraints: [...users().constraints, constraint('users_email_key', 'unique', 'UNIQUE (email)')],
      indexes: [
        ...users().indexes,
        index('users_email_key', 'users', 'email', { unique: true, constraint: 'users_email_key' }),
        index('users_email_unique', 'users', 'email', { unique: true }),
      ],
    });
    const dups = compareModels(model({ tables: [actual] }), model({ tables: [actual] }));
    assert.deepEqual(dups.map(formatFinding), [
      'duplicate index on public.users: users_email_key, users_email_unique (CREATE UNIQUE INDEX ON public.users USING btree (email))',
    ]);
  });

  test('reports two duplicate unique constraints once, not again through their indexes', () => {
    const actual = users({
      constraints: [...users().constraints, constraint('u1', 'unique', 'UNIQUE (email)'), constraint('u2', 'unique', 'UNIQUE (email)')],
      indexes: [
        ...users().indexes,
        index('u1', 'users', 'email', { unique: true, constraint: 'u1' }),
        index('u2', 'users', 'email', { unique: true, constraint: 'u2' }),
      ],
    });
    const dups = compareModels(model({ tables: [actual] }), model({ tables: [actual] }));
    assert.deepEqual(dups.map(formatFinding), ['duplicate unique constraint on public.users: u1, u2 (UNIQUE (email))']);
  });

  test('pairs the first of three duplicates with each of the others', () => {
    const actual = users({ indexes: ['c', 'a', 'b'].map((n) => index(n, 'users', 'email')) });
    const dups = compareModels(model({ tables: [actual] }), model({ tables: [actual] }));
    assert.deepEqual(
      dups.map((f) => f.kind === 'duplicate' && f.names),
      [
        ['a', 'b'],
        ['a', 'c'],
      ],
    );
  });

  test('does not count indexes that differ in uniqueness, predicate or method as duplicates', () => {
    const actual = users({
      indexes: [
        index('a', 'users', 'email'),
        index('b', 'users', 'email', { unique: true }),
        index('c', 'users', 'email', { shape: 'CREATE INDEX ON public.users USING hash (email)' }),
      ],
    });
    assert.deepEqual(compareModels(model({ tables: [actual] }), model({ tables: [actual] })), []);
  });
});

describe('compareModels: ignore and unmanaged patterns', () => {
  const withExtras = () =>
    model({
      schemas: ['audit', 'public'],
      tables: [users(), table('legacy_orders'), table('legacy_items'), table('log', {}, 'audit'), table('sessions')],
    });

  test('lists each unmanaged object once and never reports it as extra', () => {
    const findings = compareModels(model({ tables: [users()] }), withExtras(), { unmanaged: ['legacy_*', 'audit'] });
    assert.deepEqual(findings.map(formatFinding), [
      'unmanaged schema audit',
      'unmanaged table public.legacy_items',
      'unmanaged table public.legacy_orders',
      'extra table public.sessions',
    ]);
  });

  test('keeps ignored objects silent', () => {
    const findings = compareModels(model({ tables: [users()] }), withExtras(), { ignore: ['public.sessions', 'audit', 'legacy_*'] });
    assert.deepEqual(findings, []);
  });

  test('lists ignored objects only when asked', () => {
    const findings = compareModels(model(), model({ tables: [table('sessions')] }), { ignore: ['sessions'], listIgnored: true });
    assert.deepEqual(findings, [{ kind: 'ignored', object: 'table', schema: 'public', name: 'sessions' }]);
  });

  test('an ignored table is not compared: its changes, missing columns and duplicates are silent', () => {
    const drifted = users({ columns: [column('user_id', 1, 'bigint')], indexes: [index('a', 'users', 'email'), index('b', 'users', 'email')] });
    assert.deepEqual(compareModels(model({ tables: [users()] }), model({ tables: [drifted] }), { ignore: ['users'] }), []);
  });

  test('an unmanaged object in both models is listed once and not compared', () => {
    const drifted = users({ columns: [column('user_id', 1, 'bigint')] });
    const findings = compareModels(model({ tables: [users()] }), model({ tables: [drifted] }), { unmanaged: ['public.users'] });
    assert.deepEqual(findings, [{ kind: 'unmanaged', object: 'table', schema: 'public', name: 'users' }]);
  });

  test('a wildcard does not cross the dot between schema and name', () => {
    const findings = compareModels(model(), model({ tables: [table('users_archive')] }), { ignore: ['p*s_archive'] });
    assert.deepEqual(findings.map(formatFinding), ['extra table public.users_archive']);
  });

  test('a schema.table.name pattern covers one index or constraint of a table', () => {
    const actual = users({ indexes: [...users().indexes, index('users_email_pgroll_idx', 'users', 'email')] });
    const findings = compareModels(model({ tables: [users()] }), model({ tables: [actual] }), { unmanaged: ['public.users.*_pgroll_*'] });
    assert.deepEqual(findings.map(formatFinding), ['unmanaged index public.users.users_email_pgroll_idx']);
  });

  test('a function is matched by its name, without its arguments', () => {
    const fn = fixture().functions.find((f) => f.name === 'touch')!;
    assert.deepEqual(compareModels(model(), model({ functions: [fn] }), { ignore: ['public.touch'] }), []);
  });
});

describe('compareModels: order', () => {
  test('sorts findings by schema, then table by table, whatever the input order', () => {
    const expected = fixture();
    const actual = fixture();
    actual.tables.find((t) => t.name === 'users')!.columns.splice(1, 1);
    actual.tables.find((t) => t.name === 'lots')!.columns[2]!.default = null;
    actual.views.pop();
    actual.schemas.push('zz');
    actual.enums = [];
    const forward = compareModels(expected, actual);
    const reverse = (m: SchemaModel): SchemaModel => ({
      ...m,
      tables: [...m.tables].reverse(),
      views: [...m.views].reverse(),
      schemas: [...m.schemas].reverse(),
    });
    assert.deepEqual(compareModels(reverse(expected), reverse(actual)), forward);
    assert.deepEqual(forward.map(formatFinding), [
      "missing enum app.lot_status ('planning', 'in progress', 'done', 'it''s late')",
      "changed column app.lots.status default: 'planning'::app.lot_status → (none)",
      'missing view public.z_user_lots',
      'missing column public.users.email (text not null)',
      'extra schema zz',
    ]);
  });

  test('returns plain data that survives JSON', () => {
    const findings: Finding[] = compareModels(model({ tables: [users()] }), model());
    assert.deepEqual(JSON.parse(JSON.stringify(findings)), findings);
  });
});
