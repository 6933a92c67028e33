/**
 * What a statement creates and what existing objects it depends on, read from its parse
 * tree. Names are normalised the way PostgreSQL resolves them with the default search
 * path: an unqualified name is in `public`; the parser has already folded unquoted
 * identifiers to lower case.
 */
import type { Node, RangeVar } from 'libpg-query';
import { isJsonObject, isSerialType, type JsonObject as Json } from './parse-tree.ts';
import type { ParsedStatement } from './statements.ts';

/** Relations (tables, views, sequences, indexes) share one name space in PostgreSQL; types and functions have their own. */
export type ObjectKind = 'relation' | 'type' | 'function';

export interface ObjectName {
  readonly kind: ObjectKind;
  readonly schema: string;
  readonly name: string;
}

/** A statement creating an object (or giving it its name, for a rename). */
export interface Creation {
  readonly object: ObjectName;
  /** File index of the creating statement's start. */
  readonly fileIndex: number;
}

/** A statement needing an object to exist. `verb` completes "<file> … <object>". */
export interface Use {
  readonly object: ObjectName;
  readonly verb: string;
  /** File index of the name in the statement (or of the statement). */
  readonly fileIndex: number;
}

/** The stable key of an object, e.g. `relation:public.orders`. */
export function objectKey(o: ObjectName): string {
  return `${o.kind}:${o.schema}.${o.name}`;
}

/** The object's name as a user writes it: `public` left out, odd identifiers quoted. */
export function displayName(o: ObjectName): string {
  const q = (s: string): string => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
  return o.schema === 'public' ? q(o.name) : `${q(o.schema)}.${q(o.name)}`;
}

/** What each kind of table reference does to its relation, by the node and field holding it. */
const RANGE_VAR_VERBS: Readonly<Record<string, string>> = {
  'Constraint.pktable': 'references',
  'IndexStmt.relation': 'indexes',
  'CreateTrigStmt.relation': 'adds a trigger to',
  'InsertStmt.relation': 'writes to',
  'UpdateStmt.relation': 'writes to',
  'DeleteStmt.relation': 'writes to',
  'MergeStmt.relation': 'writes to',
  'TruncateStmt.relations': 'truncates',
  'AlterTableStmt.relation': 'alters',
  'RenameStmt.relation': 'alters',
  'AlterSeqStmt.sequence': 'alters',
  'AlterObjectSchemaStmt.relation': 'alters',
  'PartitionCmd.name': 'attaches or detaches',
  'CreateStmt.inhRelations': 'inherits from',
  'TableLikeClause.relation': 'copies',
  'GrantStmt.objects': 'grants on',
  'RefreshMatViewStmt.relation': 'refreshes',
  'ReindexStmt.relation': 'reindexes',
  'ClusterStmt.relation': 'clusters',
  'VacuumRelation.relation': 'vacuums',
  'CreatePolicyStmt.table': 'adds a policy to',
  'AlterPolicyStmt.table': 'alters a policy of',
  'RuleStmt.relation': 'adds a rule to',
  'LockStmt.relations': 'locks',
  'CreateStatsStmt.relations': 'adds statistics to',
};

/** Table references that name the object being created, not a dependency. */
const CREATED_RANGE_VARS = new Set(['CreateStmt.relation', 'CreateTableAsStmt.rel', 'ViewStmt.view', 'CreateSeqStmt.sequence', 'CompositeTypeStmt.typevar']);

const RELATION_OBJECTS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_INDEX', 'OBJECT_FOREIGN_TABLE']);
/** Objects named as `table.name` (the relation first, then the member). */
const MEMBER_OBJECTS = new Set(['OBJECT_COLUMN', 'OBJECT_TRIGGER', 'OBJECT_TABCONSTRAINT', 'OBJECT_POLICY', 'OBJECT_RULE']);
const TYPE_OBJECTS = new Set(['OBJECT_TYPE', 'OBJECT_DOMAIN']);
const FUNCTION_OBJECTS = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE']);
const SEQUENCE_FUNCTIONS = new Set(['nextval', 'currval', 'setval']);

/** Node types that never hold a name worth collecting: the walk does not descend into them. */
const LEAF_NODES = new Set([
  'A_Const',
  'ColumnRef',
  'String',
  'Integer',
  'Float',
  'Boolean',
  'BitString',
  'ParamRef',
  'A_Star',
  'RoleSpec',
  'DefElem',
  'SetToDefault',
]);

/** Creations and uses of one statement (a CTE's name is not a use of a table). */
export function collectObjects(stmt: ParsedStatement): { creates: Creation[]; uses: Use[] } {
  const collector = new ObjectCollector(stmt);
  const [type, body] = Object.entries(stmt.node)[0] ?? [];
  if (type !== undefined && isJsonObject(body)) collector.node(type, body);
  return collector.result();
}

/**
 * Walks a parse tree once. Wrapped nodes (`{RangeVar: {...}}`) carry their type; a field of
 * fixed type comes unwrapped, so the two shapes that matter (RangeVar, TypeName) are also
 * recognised by their fields. A table reference is classified by the node and field holding it.
 */
class ObjectCollector {
  private readonly stmt: ParsedStatement;
  private readonly creates: Creation[] = [];
  private readonly uses: (Use & { unqualified: boolean })[] = [];
  private readonly cteNames = new Set<string>();
  private readonly stmtIndex: number;

  constructor(stmt: ParsedStatement) {
    this.stmt = stmt;
    this.stmtIndex = stmt.fileIndexOf();
  }

  result(): { creates: Creation[]; uses: Use[] } {
    const uses = this.uses.filter((u) => !(u.unqualified && u.object.kind === 'relation' && this.cteNames.has(u.object.name)));
    return { creates: this.creates, uses: uses.map(({ unqualified: _, ...u }) => u) };
  }

  private create(object: ObjectName): void {
    this.creates.push({ object, fileIndex: this.stmtIndex });
  }

  private use(object: ObjectName, verb: string, fileIndex: number, unqualified = false): void {
    this.uses.push({ object, verb, fileIndex, unqualified });
  }

  private useNamed(object: ObjectName, verb: string): void {
    this.use(object, verb, this.stmt.fragment.fileIndex(locateName(this.stmt, object.name)));
  }

  private rangeVar(rv: RangeVar, context: string): void {
    if (rv.relname === undefined || CREATED_RANGE_VARS.has(context)) return;
    const object: ObjectName = { kind: 'relation', schema: rv.schemaname ?? 'public', name: rv.relname };
    this.use(object, RANGE_VAR_VERBS[context] ?? 'reads', this.stmt.fileIndexOf(rv.location), rv.schemaname === undefined);
  }

  private typeName(body: Json): void {
    const name = qualified('type', body.names as Node[] | undefined);
    if (name && name.schema !== 'pg_catalog') this.use(name, 'uses the type', this.stmt.fileIndexOf(body.location as number | undefined));
  }

  node(type: string, body: Json): void {
    switch (type) {
      case 'CreateStmt':
      case 'CreateTableAsStmt':
      case 'ViewStmt':
      case 'CreateSeqStmt': {
        const rv = (
          type === 'CreateStmt'
            ? body.relation
            : type === 'ViewStmt'
              ? body.view
              : type === 'CreateSeqStmt'
                ? body.sequence
                : (body.into as Json | undefined)?.rel
        ) as RangeVar | undefined;
        if (rv?.relname !== undefined && rv.relpersistence !== 't') {
          const schema = rv.schemaname ?? 'public';
          this.create({ kind: 'relation', schema, name: rv.relname });
          if (type === 'CreateStmt') for (const col of implicitSequences(body)) this.create({ kind: 'relation', schema, name: `${rv.relname}_${col}_seq` });
        }
        if (type === 'CreateSeqStmt') {
          const owner = ownedByTable(body);
          if (owner) this.useNamed(owner, 'owns a sequence with');
        }
        break;
      }
      case 'IndexStmt': {
        const rv = body.relation as RangeVar | undefined;
        if (typeof body.idxname === 'string') this.create({ kind: 'relation', schema: rv?.schemaname ?? 'public', name: body.idxname });
        break;
      }
      case 'CompositeTypeStmt': {
        const rv = body.typevar as RangeVar | undefined;
        if (rv?.relname !== undefined) this.create({ kind: 'type', schema: rv.schemaname ?? 'public', name: rv.relname });
        break;
      }
      case 'CreateEnumStmt':
      case 'CreateRangeStmt':
      case 'CreateDomainStmt': {
        const name = qualified('type', (type === 'CreateDomainStmt' ? body.domainname : body.typeName) as Node[] | undefined);
        if (name) this.create(name);
        break;
      }
      case 'CreateFunctionStmt': {
        const name = qualified('function', body.funcname as Node[] | undefined);
        if (name) this.create(name);
        break;
      }
      case 'CreateTrigStmt': {
        const name = qualified('function', body.funcname as Node[] | undefined);
        if (name) this.useNamed(name, 'runs the trigger function');
        break;
      }
      case 'AlterEnumStmt':
      case 'AlterDomainStmt': {
        const name = qualified('type', body.typeName as Node[] | undefined);
        if (name) this.useNamed(name, 'alters the type');
        break;
      }
      case 'RenameStmt':
        for (const r of renamed(body)) {
          if (r.use) this.useNamed(r.object, 'renames');
          else this.create(r.object);
        }
        break;
      case 'CommentStmt':
        for (const o of namedObjects(body.objtype, body.object === undefined ? [] : [body.object as Node])) this.useNamed(o, 'comments on');
        break;
      case 'DropStmt':
        for (const o of namedObjects(body.removeType, (body.objects as Node[] | undefined) ?? [])) this.useNamed(o, 'drops');
        return; // its TypeName and ObjectWithArgs children are the dropped objects, already counted
      case 'TypeName':
        this.typeName(body);
        break;
      case 'FuncCall': {
        const name = qualified('function', body.funcname as Node[] | undefined);
        if (name && name.schema !== 'pg_catalog') this.use(name, 'calls the function', this.stmt.fileIndexOf(body.location as number | undefined), true);
        const seq = name && SEQUENCE_FUNCTIONS.has(name.name) ? sequenceArgument(body) : undefined;
        if (seq) this.use(seq.object, 'uses the sequence', this.stmt.fileIndexOf(seq.location), false);
        break;
      }
      case 'CommonTableExpr':
        if (typeof body.ctename === 'string') this.cteNames.add(body.ctename);
        break;
    }
    this.walk(body, type);
  }

  private walk(body: Json, parentType: string): void {
    for (const field in body) {
      const value = body[field];
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        for (const item of value) this.visit(item, parentType, field);
      } else this.visit(value, parentType, field);
    }
  }

  private visit(value: unknown, parentType: string, field: string): void {
    if (typeof value !== 'object' || value === null) return;
    const obj = value as Json;
    let wrapper: string | undefined;
    let count = 0;
    for (const key in obj) {
      if (++count > 1) break;
      wrapper = key;
    }
    if (count === 1 && wrapper !== undefined) {
      const c = wrapper.charCodeAt(0);
      const body = obj[wrapper];
      if (c >= 65 && c <= 90 && typeof body === 'object' && body !== null && !Array.isArray(body)) {
        if (LEAF_NODES.has(wrapper)) return;
        if (wrapper === 'RangeVar') this.rangeVar(body as RangeVar, `${parentType}.${field}`);
        this.node(wrapper, body as Json);
        return;
      }
    }
    // A fixed-type field comes unwrapped: recognise the two shapes that matter.
    if (typeof obj.relname === 'string') this.rangeVar(obj as RangeVar, `${parentType}.${field}`);
    else if (Array.isArray(obj.names) && 'typemod' in obj) this.typeName(obj);
    this.walk(obj, parentType);
  }
}

/** A name list (`[schema,] name`) as an object name; undefined for anything else. */
function qualified(kind: ObjectKind, names: Node[] | undefined): ObjectName | undefined {
  const parts = (names ?? []).map((n) => ('String' in n ? n.String.sval : undefined));
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const name = parts[parts.length - 1] as string;
  const schema = parts.length >= 2 ? (parts[parts.length - 2] as string) : 'public';
  return { kind, schema, name };
}

function namedObjects(objtype: unknown, objects: Node[]): ObjectName[] {
  const type = String(objtype);
  const out: ObjectName[] = [];
  for (const o of objects) {
    if (RELATION_OBJECTS.has(type) && 'List' in o) {
      const n = qualified('relation', o.List.items);
      if (n) out.push(n);
    } else if (MEMBER_OBJECTS.has(type) && 'List' in o) {
      const n = qualified('relation', (o.List.items ?? []).slice(0, -1));
      if (n) out.push(n);
    } else if (TYPE_OBJECTS.has(type) && 'TypeName' in o) {
      const n = qualified('type', o.TypeName.names);
      if (n) out.push(n);
    } else if (FUNCTION_OBJECTS.has(type) && 'ObjectWithArgs' in o) {
      const n = qualified('function', o.ObjectWithArgs.objname);
      if (n) out.push(n);
    }
  }
  return out;
}

/** A rename uses the old name and creates the new one. */
function renamed(body: Json): { object: ObjectName; use: boolean }[] {
  const type = String(body.renameType);
  const newname = typeof body.newname === 'string' ? body.newname : undefined;
  if (newname === undefined) return [];
  const rv = body.relation as RangeVar | undefined;
  if (RELATION_OBJECTS.has(type) && rv?.relname !== undefined) {
    return [{ object: { kind: 'relation', schema: rv.schemaname ?? 'public', name: newname }, use: false }];
  }
  if (TYPE_OBJECTS.has(type) && body.object !== undefined) {
    const object = body.object as Node;
    const old = 'List' in object ? qualified('type', object.List.items) : namedObjects(type, [object])[0];
    if (old)
      return [
        { object: old, use: true },
        { object: { kind: 'type', schema: old.schema, name: newname }, use: false },
      ];
  }
  return [];
}

/** Columns of a CREATE TABLE that get an implicit `<table>_<column>_seq` sequence. */
function implicitSequences(body: Json): string[] {
  const out: string[] = [];
  for (const elt of (body.tableElts as Node[] | undefined) ?? []) {
    if (!('ColumnDef' in elt)) continue;
    const col = elt.ColumnDef;
    const identity = (col.constraints ?? []).some((c) => 'Constraint' in c && c.Constraint.contype === 'CONSTR_IDENTITY');
    if (col.colname !== undefined && (isSerialType(col.typeName?.names) || identity)) out.push(col.colname);
  }
  return out;
}

function ownedByTable(body: Json): ObjectName | undefined {
  for (const opt of (body.options as Node[] | undefined) ?? []) {
    if (!('DefElem' in opt) || opt.DefElem.defname !== 'owned_by') continue;
    const arg = opt.DefElem.arg;
    if (arg && 'List' in arg) return qualified('relation', (arg.List.items ?? []).slice(0, -1));
  }
  return undefined;
}

/** `nextval('s.seq')`: the sequence named by a constant first argument. */
function sequenceArgument(call: Json): { object: ObjectName; location?: number } | undefined {
  const arg = (call.args as Node[] | undefined)?.[0];
  let constant: Node | undefined = arg;
  if (constant && 'TypeCast' in constant) constant = constant.TypeCast.arg; // 'seq'::regclass
  if (!constant || !('A_Const' in constant)) return undefined;
  const text = constant.A_Const.sval?.sval;
  if (text === undefined) return undefined;
  const parts = text.split('.').map((p) => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()));
  const name = parts[parts.length - 1];
  if (name === undefined || name === '' || parts.length > 2) return undefined;
  const location = constant.A_Const.location;
  return { object: { kind: 'relation', schema: parts.length === 2 ? (parts[0] as string) : 'public', name }, ...(location === undefined ? {} : { location }) };
}

/** Fragment index of `name` as a word in the statement, or of the statement's start. */
function locateName(stmt: ParsedStatement, name: string): number {
  const text = stmt.text.toLowerCase();
  const needle = name.toLowerCase();
  let from = 0;
  while (true) {
    const at = text.indexOf(needle, from);
    if (at < 0) return stmt.start;
    const before = text.charCodeAt(at - 1);
    const after = text.charCodeAt(at + needle.length);
    if (!isWordChar(before) && !isWordChar(after)) return stmt.start + at;
    from = at + 1;
  }
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36 || (c >= 65 && c <= 90) || c >= 128;
}
