import { compareIds } from '../migrations/source.ts';
import type {
  ColumnModel,
  ConstraintKind,
  ConstraintModel,
  EnumModel,
  FunctionModel,
  IndexModel,
  SchemaModel,
  SequenceModel,
  TableModel,
  TriggerModel,
} from './model.ts';

/** The kinds of object a finding can be about. */
export type ObjectKind = 'schema' | 'extension' | 'enum' | 'sequence' | 'table' | 'column' | 'constraint' | 'index' | 'trigger' | 'function' | 'view';

/** A property's value as compared: enum values are a list, flags are booleans, absent is null. */
export type FindingValue = string | boolean | null | readonly string[];

/** Where an object lives: `table` is set for columns, constraints, indexes and triggers. */
export interface ObjectRef {
  object: ObjectKind;
  schema: string;
  table?: string;
  /** For a function, `name(identity arguments)`, so that overloads are told apart. */
  name: string;
}

/** A guess that a missing object and an extra one are the same object under another name. */
export interface RenameHint {
  kind: 'renamed';
  /** The name of the object on the other side (the extra one for a missing object, and vice versa). */
  counterpart: string;
}

export interface MissingFinding extends ObjectRef {
  kind: 'missing';
  /** A short description of the object (a column's type, a constraint's definition…), if it has one. */
  detail?: string;
  hint?: RenameHint;
}

export interface ExtraFinding extends ObjectRef {
  kind: 'extra';
  detail?: string;
  hint?: RenameHint;
}

/** The properties compared, by object: each is a field of the model (`ownedBy` as `table.column`). */
export type ChangedProperty =
  | 'schema' // extension
  | 'values' // enum
  | 'type'
  | 'start'
  | 'increment'
  | 'min'
  | 'max'
  | 'cycle'
  | 'ownedBy' // sequence (type: column too)
  | 'notNull'
  | 'default'
  | 'identity'
  | 'generated' // column
  | 'kind'
  | 'definition'
  | 'deferrable'
  | 'initiallyDeferred'
  | 'validated' // constraint (definition: index, trigger, view, function too)
  | 'constraint' // index
  | 'enabled' // trigger
  | 'materialized' // view
  | 'returns'
  | 'language'
  | 'volatility'
  | 'body'; // function (kind too)

export interface ChangedFinding extends ObjectRef {
  kind: 'changed';
  property: ChangedProperty;
  /** The expected value. */
  before: FindingValue;
  /** The actual value. */
  after: FindingValue;
}

export interface DuplicateFinding {
  kind: 'duplicate';
  object: 'constraint' | 'index';
  schema: string;
  table: string;
  /** For constraints, their kind (both have it). */
  constraintKind?: ConstraintKind;
  names: [string, string];
  definition: string;
}

export interface UnmanagedFinding extends ObjectRef {
  kind: 'unmanaged';
}

export interface IgnoredFinding extends ObjectRef {
  kind: 'ignored';
}

/** One difference between an expected and an actual schema, as data. */
export type Finding = MissingFinding | ExtraFinding | ChangedFinding | DuplicateFinding | UnmanagedFinding | IgnoredFinding;

export interface CompareOptions {
  /** Patterns (`schema.name` or `name`, `*` wildcards) of objects nobody should hear about. */
  ignore?: string[];
  /** Patterns of objects managed outside the migrations: listed once each, never compared. */
  unmanaged?: string[];
  /** Also return an `ignored` finding for each ignored object (silent otherwise). */
  listIgnored?: boolean;
}

/**
 * Compares the schema the migrations produce (`expected`) with a database's (`actual`) and
 * returns every difference as a typed value: missing and extra objects, changed properties,
 * duplicate constraints and indexes in `actual`, and objects matched by `options.unmanaged`.
 * The children of a missing or extra table are not reported separately. Objects matched by
 * `options.ignore` or `options.unmanaged` (and everything inside them) are never compared.
 * The result is sorted by schema, table, object and name, so one input gives one output.
 */
export function compareModels(expected: SchemaModel, actual: SchemaModel, options: CompareOptions = {}): Finding[] {
  const c = new Comparison(options);
  c.run(expected, actual);
  return c.findings.sort(compareFindings);
}

// ---------------------------------------------------------------------------------------------
// Patterns

type Scope = 'ignored' | 'unmanaged' | null;

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^.]*');
  return new RegExp(`^${escaped}$`);
}

class Comparison {
  readonly findings: Finding[] = [];
  readonly #ignore: RegExp[];
  readonly #unmanaged: RegExp[];
  readonly #listIgnored: boolean;
  readonly #listed = new Set<string>();
  /** No pattern at all: nothing is excluded, and nothing needs to be asked per object. */
  readonly #noPatterns: boolean;

  constructor(options: CompareOptions) {
    this.#ignore = (options.ignore ?? []).map(patternRegExp);
    this.#unmanaged = (options.unmanaged ?? []).map(patternRegExp);
    this.#listIgnored = options.listIgnored ?? false;
    this.#noPatterns = this.#ignore.length === 0 && this.#unmanaged.length === 0;
  }

  /** Whether `ref` is covered by a pattern, directly or through its schema or table; lists it once. */
  #excluded(ref: ObjectRef, bareName: string): boolean {
    const schemaScope = ref.object === 'schema' ? null : this.#scopeOf([ref.schema]);
    if (schemaScope) return true; // listed under its schema
    if (ref.table !== undefined) {
      if (this.#scopeOf([`${ref.schema}.${ref.table}`, ref.table])) return true; // listed under its table
      return this.#note(ref, this.#scopeOf([`${ref.schema}.${ref.table}.${bareName}`]));
    }
    const candidates = ref.object === 'schema' ? [ref.name] : [`${ref.schema}.${bareName}`, bareName];
    if (ref.object === 'function' && bareName !== ref.name) candidates.push(`${ref.schema}.${ref.name}`, ref.name);
    return this.#note(ref, this.#scopeOf(candidates));
  }

  #scopeOf(candidates: string[]): Scope {
    if (this.#ignore.some((p) => candidates.some((c) => p.test(c)))) return 'ignored';
    if (this.#unmanaged.some((p) => candidates.some((c) => p.test(c)))) return 'unmanaged';
    return null;
  }

  #note(ref: ObjectRef, scope: Scope): boolean {
    if (scope === null) return false;
    const key = JSON.stringify([ref.object, ref.schema, ref.table ?? null, ref.name]);
    if (!this.#listed.has(key) && (scope === 'unmanaged' || this.#listIgnored)) {
      this.#listed.add(key);
      const base: ObjectRef = { object: ref.object, schema: ref.schema, name: ref.name };
      if (ref.table !== undefined) base.table = ref.table;
      this.findings.push({ kind: scope, ...base });
    }
    return true;
  }

  run(expected: SchemaModel, actual: SchemaModel): void {
    this.#matchAll(
      'schema',
      expected.schemas.map((name) => ({ schema: name, name, value: name })),
      actual.schemas.map((name) => ({ schema: name, name, value: name })),
    );
    this.#matchAll('extension', expected.extensions.map(named), actual.extensions.map(named), (e, a, ref) => {
      this.#prop(ref, 'schema', e.value.schema, a.value.schema);
    });
    this.#matchAll('enum', expected.enums.map(named), actual.enums.map(named), (e, a, ref) => this.#compareEnum(e.value, a.value, ref), {
      detail: (e) => quoteList(e.values).slice(1, -1),
      same: (x, y) => sameList(x.values, y.values),
    });
    this.#matchAll('sequence', expected.sequences.map(named), actual.sequences.map(named), (e, a, ref) => this.#compareSequence(e.value, a.value, ref));
    this.#matchAll('table', expected.tables.map(named), actual.tables.map(named), (e, a) => this.#compareTable(e.value, a.value), {
      same: (x, y) => columnSignature(x) === columnSignature(y),
    });
    this.#matchAll(
      'view',
      expected.views.map(named),
      actual.views.map(named),
      (e, a, ref) => {
        this.#prop(ref, 'materialized', e.value.materialized, a.value.materialized);
        this.#prop(ref, 'definition', e.value.definition, a.value.definition);
      },
      { same: (x, y) => x.materialized === y.materialized && x.definition === y.definition },
    );
    this.#matchAll('function', expected.functions.map(fnNamed), actual.functions.map(fnNamed), (e, a, ref) => this.#compareFunction(e.value, a.value, ref));
    for (const table of actual.tables) this.#findDuplicates(table);
  }

  /**
   * Pairs objects by key, reports the unpaired as missing/extra (with a rename hint when an
   * unpaired object on each side looks the same) and hands the pairs to `compare`.
   */
  #matchAll<T>(
    object: ObjectKind,
    expected: Keyed<T>[],
    actual: Keyed<T>[],
    compare?: (e: Keyed<T>, a: Keyed<T>, ref: ObjectRef) => void,
    how: { table?: string; detail?: (x: T) => string | undefined; same?: (x: T, y: T) => boolean } = {},
  ): void {
    const ref = (k: Keyed<T>): ObjectRef => {
      const r: ObjectRef = { object, schema: k.schema, name: k.name };
      if (how.table !== undefined) r.table = how.table;
      return r;
    };
    const kept = (list: Keyed<T>[]) => (this.#noPatterns ? list : list.filter((k) => !this.#excluded(ref(k), k.bare ?? k.name)));
    const exp = kept(expected);
    const act = kept(actual);
    const key = (k: Keyed<T>) => `${k.schema}\u0000${k.name}`;
    // The usual case, both sides alike in the same order: pairs by position, no maps to build.
    if (exp.length === act.length && exp.every((e, i) => e.schema === act[i]!.schema && e.name === act[i]!.name)) {
      if (compare) exp.forEach((e, i) => compare(e, act[i]!, ref(e)));
      return;
    }
    const actualByKey = new Map(act.map((k) => [key(k), k]));
    const expectedKeys = new Set(exp.map(key));
    const missing: MissingFinding[] = [];
    const extra: ExtraFinding[] = [];
    const missingValues: T[] = [];
    const extraValues: T[] = [];
    for (const e of exp) {
      const a = actualByKey.get(key(e));
      if (a) {
        compare?.(e, a, ref(e));
        continue;
      }
      const f: MissingFinding = { kind: 'missing', ...ref(e) };
      const detail = how.detail?.(e.value);
      if (detail !== undefined) f.detail = detail;
      missing.push(f);
      missingValues.push(e.value);
    }
    for (const a of act) {
      if (expectedKeys.has(key(a))) continue;
      const f: ExtraFinding = { kind: 'extra', ...ref(a) };
      const detail = how.detail?.(a.value);
      if (detail !== undefined) f.detail = detail;
      extra.push(f);
      extraValues.push(a.value);
    }
    if (how.same) {
      const taken = new Set<number>();
      missing.forEach((m, i) => {
        const j = extraValues.findIndex((x, n) => !taken.has(n) && extra[n]!.schema === m.schema && how.same!(missingValues[i]!, x));
        if (j < 0) return;
        taken.add(j);
        m.hint = { kind: 'renamed', counterpart: extra[j]!.name };
        extra[j]!.hint = { kind: 'renamed', counterpart: m.name };
      });
    }
    this.findings.push(...missing, ...extra);
  }

  #prop(ref: ObjectRef, property: ChangedProperty, before: FindingValue, after: FindingValue): void {
    if (sameValue(before, after)) return;
    this.findings.push({ kind: 'changed', ...ref, property, before, after });
  }

  #compareEnum(e: EnumModel, a: EnumModel, ref: ObjectRef): void {
    this.#prop(ref, 'values', e.values, a.values);
  }

  #compareSequence(e: SequenceModel, a: SequenceModel, ref: ObjectRef): void {
    for (const p of ['type', 'start', 'increment', 'min', 'max', 'cycle'] as const) this.#prop(ref, p, e[p], a[p]);
    this.#prop(ref, 'ownedBy', ownerText(e), ownerText(a));
  }

  #compareTable(e: TableModel, a: TableModel): void {
    const table = e.name;
    const child = <T extends { name: string }>(list: T[]): Keyed<T>[] => list.map((value) => ({ schema: e.schema, name: value.name, value }));
    this.#matchAll('column', child(e.columns), child(a.columns), (x, y, ref) => this.#compareColumn(x.value, y.value, ref), {
      table,
      detail: columnDetail,
      same: (x, y) => columnDetail(x) === columnDetail(y),
    });
    this.#matchAll('constraint', child(e.constraints), child(a.constraints), (x, y, ref) => this.#compareConstraint(x.value, y.value, ref), {
      table,
      detail: (c) => c.definition,
      same: (x, y) => x.kind === y.kind && bareConstraintDefinition(x) === bareConstraintDefinition(y),
    });
    this.#matchAll('index', child(e.indexes), child(a.indexes), (x, y, ref) => this.#compareIndex(x.value, y.value, ref), {
      table,
      detail: (i) => i.shape,
      same: (x, y) => x.shape === y.shape,
    });
    this.#matchAll('trigger', child(e.triggers), child(a.triggers), (x, y, ref) => this.#compareTrigger(x.value, y.value, ref), {
      table,
      detail: (t) => t.definition,
    });
  }

  #compareColumn(e: ColumnModel, a: ColumnModel, ref: ObjectRef): void {
    for (const p of ['type', 'notNull', 'default', 'identity', 'generated'] as const) this.#prop(ref, p, e[p], a[p]);
  }

  #compareConstraint(e: ConstraintModel, a: ConstraintModel, ref: ObjectRef): void {
    this.#prop(ref, 'kind', e.kind, a.kind);
    this.#prop(ref, 'definition', bareConstraintDefinition(e), bareConstraintDefinition(a));
    this.#prop(ref, 'deferrable', e.deferrable, a.deferrable);
    this.#prop(ref, 'initiallyDeferred', e.initiallyDeferred, a.initiallyDeferred);
    this.#prop(ref, 'validated', e.validated, a.validated);
  }

  #compareIndex(e: IndexModel, a: IndexModel, ref: ObjectRef): void {
    this.#prop(ref, 'definition', e.shape, a.shape);
    this.#prop(ref, 'constraint', e.constraint, a.constraint);
  }

  #compareTrigger(e: TriggerModel, a: TriggerModel, ref: ObjectRef): void {
    this.#prop(ref, 'definition', e.definition, a.definition);
    this.#prop(ref, 'enabled', e.enabled, a.enabled);
  }

  #compareFunction(e: FunctionModel, a: FunctionModel, ref: ObjectRef): void {
    const before = this.findings.length;
    for (const p of ['kind', 'returns', 'language', 'volatility', 'body'] as const) this.#prop(ref, p, e[p], a[p]);
    // The definition repeats the properties above; it tells only what they do not (STRICT, SECURITY DEFINER, SET …).
    if (this.findings.length === before) this.#prop(ref, 'definition', e.definition, a.definition);
  }

  /**
   * Two constraints of one kind and definition, or two indexes of one shape, on one table.
   * The indexes behind a pair of duplicate constraints are not reported again.
   */
  #findDuplicates(table: TableModel): void {
    const ref: ObjectRef = { object: 'table', schema: table.schema, name: table.name };
    if (this.#isCovered(ref)) return;
    const reportedConstraintPairs = new Set<string>();
    const constraintGroups = groupBy(table.constraints, (c) => `${c.kind}\u0000${bareConstraintDefinition(c)}`);
    for (const group of constraintGroups) {
      const [first, ...rest] = group;
      for (const other of rest) {
        reportedConstraintPairs.add(`${first!.name}\u0000${other.name}`);
        this.findings.push({
          kind: 'duplicate',
          object: 'constraint',
          schema: table.schema,
          table: table.name,
          constraintKind: first!.kind,
          names: [first!.name, other.name],
          definition: bareConstraintDefinition(first!),
        });
      }
    }
    for (const group of groupBy(table.indexes, (i) => i.shape)) {
      const [first, ...rest] = group;
      for (const other of rest) {
        const a = first!.constraint;
        const b = other.constraint;
        if (a !== null && b !== null && (reportedConstraintPairs.has(`${a}\u0000${b}`) || reportedConstraintPairs.has(`${b}\u0000${a}`))) continue;
        this.findings.push({
          kind: 'duplicate',
          object: 'index',
          schema: table.schema,
          table: table.name,
          names: [first!.name, other.name],
          definition: first!.shape,
        });
      }
    }
  }

  /** Whether a table is ignored or unmanaged (without listing it again). */
  #isCovered(ref: ObjectRef): boolean {
    if (this.#noPatterns) return false;
    return this.#scopeOf([ref.schema]) !== null || this.#scopeOf([`${ref.schema}.${ref.name}`, ref.name]) !== null;
  }
}

interface Keyed<T> {
  schema: string;
  /** The key within the schema (a function's includes its arguments). */
  name: string;
  /** The name patterns are matched against, when it differs from `name`. */
  bare?: string;
  value: T;
}

function named<T extends { schema: string; name: string }>(value: T): Keyed<T> {
  return { schema: value.schema, name: value.name, value };
}

function fnNamed(value: FunctionModel): Keyed<FunctionModel> {
  return { schema: value.schema, name: `${value.name}(${value.arguments})`, bare: value.name, value };
}

/** Groups of two or more, each sorted by name, in order of their first member's name. */
function groupBy<T extends { name: string }>(list: T[], key: (x: T) => string): T[][] {
  if (list.length < 2) return [];
  if (new Set(list.map(key)).size === list.length) return []; // no two alike (the usual case): no sorting
  const groups = new Map<string, T[]>();
  for (const x of [...list].sort((a, b) => cmp(a.name, b.name))) {
    const k = key(x);
    const g = groups.get(k);
    if (g) g.push(x);
    else groups.set(k, [x]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * The constraint's definition without the DEFERRABLE / NOT VALID suffixes that
 * pg_get_constraintdef appends: those are compared as flags of their own.
 */
export function bareConstraintDefinition(c: ConstraintModel): string {
  const d = c.definition;
  // Nothing to cut (most definitions): the RegExp below tries every position of the text.
  if (!d.includes('DEFERR') && !d.includes('INITIALLY') && !d.includes('VALID') && !/\s$/.test(d)) return d;
  return c.definition.replace(/(?:\s+NOT\s+DEFERRABLE|\s+DEFERRABLE)?(?:\s+INITIALLY\s+(?:DEFERRED|IMMEDIATE))?(?:\s+NOT\s+VALID)?\s*$/, '');
}

function columnDetail(c: ColumnModel): string {
  const parts = [c.type];
  if (c.identity) parts.push(`generated ${c.identity} as identity`);
  if (c.generated !== null) parts.push(`generated always as (${c.generated}) stored`);
  if (c.notNull) parts.push('not null');
  if (c.default !== null) parts.push(`default ${c.default}`);
  return parts.join(' ');
}

function columnSignature(t: TableModel): string {
  return JSON.stringify([...t.columns].sort((a, b) => a.position - b.position).map((c) => [c.name, columnDetail(c)]));
}

function ownerText(s: SequenceModel): string | null {
  return s.ownedBy ? `${s.ownedBy.table}.${s.ownedBy.column}` : null;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameValue(a: FindingValue, b: FindingValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return sameList(a, b);
  return a === b;
}

function quoteList(values: readonly string[]): string {
  return `(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Order

const KIND_ORDER: Record<Finding['kind'], number> = { missing: 0, extra: 1, changed: 2, duplicate: 3, unmanaged: 4, ignored: 5 };
const OBJECT_ORDER: Record<ObjectKind, number> = {
  schema: 0,
  extension: 1,
  enum: 2,
  sequence: 3,
  table: 4,
  column: 5,
  constraint: 6,
  index: 7,
  trigger: 8,
  view: 9,
  function: 10,
};

/** Code point order, the same on every machine whatever its locale. */
const cmp = compareIds;

function sortKey(f: Finding): (string | number)[] {
  const name = f.kind === 'duplicate' ? f.names.join('\u0000') : f.name;
  // A table's own findings sort with its children's, so a reader sees one table at a time.
  const group = f.table ?? (f.object === 'table' ? f.name : '');
  const schema = f.object === 'schema' ? f.name : f.schema;
  const depth = f.table !== undefined || f.object === 'table' ? 1 : 0;
  return [schema, depth, group, OBJECT_ORDER[f.object], name, KIND_ORDER[f.kind], f.kind === 'changed' ? f.property : ''];
}

function compareFindings(a: Finding, b: Finding): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : cmp(String(x), String(y));
    if (d !== 0) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Text, for people

const CONSTRAINT_WORDS: Record<ConstraintKind, string> = {
  'primary key': 'primary key',
  unique: 'unique constraint',
  check: 'check constraint',
  'foreign key': 'foreign key',
  exclude: 'exclusion constraint',
};

/** The longest a value is printed before it is cut (a function body, a view's query). */
const MAX_VALUE = 160;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_VALUE ? `${flat.slice(0, MAX_VALUE - 1)}…` : flat;
}

function valueText(v: FindingValue): string {
  if (v === null) return '(none)';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return oneLine(v);
  return oneLine(quoteList(v));
}

function where(f: ObjectRef): string {
  if (f.object === 'schema') return f.name;
  return f.table !== undefined ? `${f.schema}.${f.table}.${f.name}` : `${f.schema}.${f.name}`;
}

/**
 * One line for people, e.g. `missing column public.users.email (text not null)` or
 * `changed column public.lots.status default: 'Planning'::text → 'planning'::text`.
 */
export function formatFinding(f: Finding): string {
  switch (f.kind) {
    case 'missing':
    case 'extra': {
      const detail = f.detail !== undefined ? ` (${oneLine(f.detail)})` : '';
      const hint = f.hint ? ` (renamed ${f.kind === 'missing' ? 'to' : 'from'} ${f.hint.counterpart}?)` : '';
      return `${f.kind} ${f.object} ${where(f)}${detail}${hint}`;
    }
    case 'changed': {
      let before = valueText(f.before);
      let after = valueText(f.after);
      // Values that differ only in white space (or past the cut) are shown exactly.
      if (before === after) [before, after] = [JSON.stringify(f.before), JSON.stringify(f.after)];
      return `changed ${f.object} ${where(f)} ${f.property}: ${before} → ${after}`;
    }
    case 'duplicate': {
      const what = f.object === 'index' ? 'index' : f.constraintKind ? CONSTRAINT_WORDS[f.constraintKind] : 'constraint';
      return `duplicate ${what} on ${f.schema}.${f.table}: ${f.names[0]}, ${f.names[1]} (${oneLine(f.definition)})`;
    }
    case 'unmanaged':
    case 'ignored':
      return `${f.kind} ${f.object} ${where(f)}`;
  }
}
