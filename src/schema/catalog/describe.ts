import type { SchemaModel, TableModel } from './model.ts';

/** One table as a person checks it by hand: columns, keys, constraints, indexes, triggers, foreign keys in and out. */
export function describeTable(model: SchemaModel, table: TableModel): string {
  const out: string[] = [`Table ${table.schema}.${table.name}`, ''];
  const width = Math.max(6, ...table.columns.map((c) => c.name.length));
  const typeWidth = Math.max(4, ...table.columns.map((c) => c.type.length));
  out.push(`  ${'column'.padEnd(width)}  ${'type'.padEnd(typeWidth)}  null?     default`);
  for (const c of table.columns) {
    const dflt = c.identity ? `generated ${c.identity} as identity` : c.generated ? `generated always as (${c.generated}) stored` : (c.default ?? '');
    out.push(`  ${c.name.padEnd(width)}  ${c.type.padEnd(typeWidth)}  ${c.notNull ? 'not null' : 'null    '}  ${dflt}`.trimEnd());
  }
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push('', `${title}:`, ...lines.map((l) => `  ${l}`));
  };
  section(
    'Constraints',
    table.constraints.filter((c) => c.kind !== 'foreign key').map((c) => `${c.name}: ${c.definition}`),
  );
  section(
    'Indexes',
    table.indexes.map(
      (i) =>
        `${i.name}: ${i.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, (_m, u: string | undefined) => (u ? 'UNIQUE ' : ''))}${i.constraint ? `  (for ${i.constraint})` : ''}`,
    ),
  );
  section(
    'Foreign keys out',
    table.constraints.filter((c) => c.kind === 'foreign key').map((c) => `${c.name}: ${c.definition}`),
  );
  const incoming = model.tables.flatMap((t) =>
    t.constraints
      .filter((c) => c.references && c.references.schema === table.schema && c.references.table === table.name)
      .map(
        (c) =>
          `${t.schema}.${t.name}.${c.name}: (${c.columns.join(', ')}) → (${c.references?.columns.join(', ')}) on delete ${c.references?.onDelete.toLowerCase()}`,
      ),
  );
  section('Foreign keys in', incoming);
  section(
    'Triggers',
    table.triggers.map((t) => `${t.name}${t.enabled ? '' : ' (disabled)'}: ${t.definition}`),
  );
  return out.join('\n');
}

/** Every table, one line each: columns, indexes, foreign keys. */
export function listTables(model: SchemaModel): string {
  if (model.tables.length === 0) return 'No tables.';
  const names = model.tables.map((t) => `${t.schema}.${t.name}`);
  const width = Math.max(...names.map((n) => n.length));
  return model.tables
    .map((t, i) => {
      const fks = t.constraints.filter((c) => c.kind === 'foreign key').length;
      return `${(names[i] ?? '').padEnd(width)}  ${count(t.columns.length, 'column')}, ${count(t.indexes.length, 'index', 'indexes')}, ${count(fks, 'foreign key')}, ${count(t.triggers.length, 'trigger')}`;
    })
    .join('\n');
}

/** The table `name` (`schema.table` or `table`, public first), or undefined. */
export function findTable(model: SchemaModel, name: string): TableModel | undefined {
  const [schema, table] = name.includes('.') ? (name.split('.', 2) as [string, string]) : [undefined, name];
  const matches = model.tables.filter((t) => t.name === table && (schema === undefined || t.schema === schema));
  return matches.find((t) => t.schema === 'public') ?? matches[0];
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
