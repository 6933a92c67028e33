// What a request's schema asked, in words a person can act on: each Ajv error becomes the field
// it is about and a sentence saying what to write instead. The machine detail (the part of the
// request, the instance path, Ajv's keyword and params) stays beside the sentence, never in it.
import { FORMAT_WORDS } from './formats.ts';

/**
 * What each pattern of the API's schemas asks, as the end of "write …". A pattern missing here
 * reads "write it as this field's description says" (with the description), and the test that
 * walks every route's schema (test/http/validation-words.test.ts) fails on it: add its words.
 */
export const PATTERN_WORDS: Record<string, string> = {
  '\\S': 'something other than spaces',
  '^[^\\s@]+@[^\\s@]+$': 'an email address, such as ana@example.com',
  '^-?\\d{1,9}(\\.\\d{1,3})?$': 'a number with up to 3 decimals, such as 12.5 (or -12.5 to take away)',
  '^\\d{1,9}(\\.\\d{1,3})?$': 'a number of 0 or more with up to 3 decimals, such as 12.5',
  '^(?!0*(\\.0*)?$)\\d{1,9}(\\.\\d{1,3})?$': 'a number above 0 with up to 3 decimals, such as 2.5',
  '^(?!0*(\\.0*)?$)\\d{1,8}(\\.\\d{1,4})?$': 'a number above 0 with up to 4 decimals, such as 2.5',
  '^\\d{1,10}(\\.\\d{1,2})?$': 'an amount of 0 or more with up to 2 decimals, such as 12.50',
  '^\\d{1,10}(\\.\\d{1,4})?$': 'an amount of 0 or more with up to 4 decimals, such as 14.25',
  '^\\d{1,12}(\\.\\d{1,4})?$': 'an amount of 0 or more with up to 4 decimals, such as 1250.50',
  '^(?!0*(\\.0*)?$)\\d{1,12}(\\.\\d{1,4})?$': 'an amount above 0 with up to 4 decimals, such as 1250.50',
  '^\\d{1,3}(\\.\\d{1,2})?$': 'a percentage from 0 to 100 with up to 2 decimals, such as 18 or 2.5',
  '^-?\\d+\\.\\d{2}$': 'an amount with 2 decimals, such as 12.50',
  '^[A-Z]{3}$': 'a currency as three capital letters, such as INR',
  '^[0-9]{2}[A-Z0-9]{10}[0-9A-Z]Z[0-9A-Z]$': 'a GSTIN of 15 capital letters and digits, such as 27AAPFU0939F1ZV',
  '^[0-9+()\\-. ]+$': 'a phone number of digits, spaces and + ( ) - . only, such as +91 22 1234 5678',
  '^[0-9]{1,10}(,[0-9]{1,10}){0,499}$': 'up to 500 variant ids separated by commas, such as 12,15,40',
};

/** A type Ajv asked for, as the end of "write …". */
const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number, such as 12',
  number: 'a number, such as 12.5',
  string: 'text (in quotes in JSON)',
  boolean: 'true or false',
  array: 'a list, such as [ … ]',
  object: 'an object, such as { … }',
  null: 'null',
};

const EMPTY = 'empty: write something';
const NOT_ONLY_SPACES = `write ${PATTERN_WORDS['\\S']}`;

/** One invalid field of a request: where it is, a sentence for a person, and Ajv's own detail for a program. */
export interface FieldProblem {
  /** The field as a person names it: `quantity`, `lines[2].unitPrice`; the request part's name (`body`) for the whole of it. */
  field: string;
  /** The request part and the path in it (`body/quantity`): what the web app matches a form's input by. */
  path: string;
  /** What is wrong and what to write instead, in words: no pattern, no schema path. */
  message: string;
  /** Where the field is: body, querystring or params. */
  in: string;
  /** Ajv's detail of each rule the value broke: its keyword, params and the path of the value. */
  rules: { keyword: string; params: Record<string, unknown>; instancePath: string }[];
}

/** What of an Ajv error this module reads (the validators run with `verbose`, for the parent schema). */
export interface AjvProblem {
  instancePath?: string;
  keyword: string;
  params?: Record<string, unknown>;
  message?: string;
  parentSchema?: Record<string, unknown>;
}

/** `/lines/2/unitPrice` → `lines[2].unitPrice`; the part's name for the whole of it. */
export function fieldName(part: string, instancePath: string): string {
  if (instancePath === '') return part;
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, s) => (/^\d+$/.test(s) ? `${name}[${s}]` : name === '' ? s : `${name}.${s}`), '');
}

const join = (names: unknown[]) => names.map(String).join(', ');

/** The bounds of a number, from the schema the error came from, as "from 1 to 500" or "of 0 or more". */
function range(schema: Record<string, unknown> | undefined, params: Record<string, unknown>): string {
  const min = schema?.minimum ?? schema?.exclusiveMinimum;
  const max = schema?.maximum ?? schema?.exclusiveMaximum;
  const n = (v: number) => v.toLocaleString('en');
  if (typeof min === 'number' && typeof max === 'number') return `from ${n(min)} to ${n(max)}`;
  if (typeof min === 'number') return `of ${n(min)} or more`;
  if (typeof max === 'number') return `of ${n(max)} or less`;
  return `within ${String(params.limit)}`;
}

/** The sentence for one broken rule (without the field's name), or undefined for one that only says a union failed. */
function sentence(e: AjvProblem): string | undefined {
  const params = e.params ?? {};
  const schema = e.parentSchema;
  switch (e.keyword) {
    case 'required':
      return 'missing: give it a value';
    case 'additionalProperties': {
      const known = schema && typeof schema.properties === 'object' && schema.properties !== null ? Object.keys(schema.properties) : [];
      return known.length > 0 ? `not a field here: leave it out (the fields are ${join(known)})` : 'not a field here: leave it out';
    }
    case 'type': {
      const types = String(params.type ?? '').split(',');
      if (schema?.nullable === true) types.push('null');
      return `write ${types.map((t) => TYPE_WORDS[t] ?? t).join(', or ')}`;
    }
    case 'pattern': {
      const words = PATTERN_WORDS[String(params.pattern)];
      if (words !== undefined) return `write ${words}`;
      return typeof schema?.description === 'string' ? `write it as this field asks: ${schema.description}` : 'not written as this field asks';
    }
    case 'format': {
      const words = FORMAT_WORDS[String(params.format)];
      return words !== undefined ? `write ${words}` : 'not written as this field asks';
    }
    case 'minLength':
      return params.limit === 1 ? EMPTY : `too short: write at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `too long: write at most ${String(params.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `write a number ${range(schema, params)}`;
    case 'minItems':
      return `give at least ${String(params.limit)} ${params.limit === 1 ? 'entry' : 'entries'}`;
    case 'maxItems':
      return `give at most ${String(params.limit)} entries`;
    case 'minProperties':
      return 'empty: give at least one field to change';
    case 'enum':
      return `choose one of: ${join((params.allowedValues as unknown[] | undefined) ?? [])}`;
    case 'anyOf':
      return undefined;
    default:
      return 'not valid here: check what the API document (/api/docs) says of it';
  }
}

/** Where a rule's error is about: the field itself, or the named property it misses or should not have. */
function pathOf(e: AjvProblem): string {
  const params = e.params ?? {};
  const property = 'missingProperty' in params ? params.missingProperty : 'additionalProperty' in params ? params.additionalProperty : undefined;
  return `${e.instancePath ?? ''}${property === undefined ? '' : `/${String(property).replace(/~/g, '~0').replace(/\//g, '~1')}`}`;
}

/**
 * Each invalid field once, with its sentence, for the first `max` fields; the errors about
 * further fields are only counted (a body of a hundred thousand wrong values costs a count,
 * not a hundred thousand sentences). A field that may be one of several things (a union) reads
 * as its alternatives joined by "or", and a choice among constants as "choose one of: a, b, c".
 */
export function describeProblems(part: string, problems: readonly AjvProblem[], max: number): { fields: FieldProblem[]; more: number } {
  const byPath = new Map<string, { choices: unknown[]; sentences: string[]; union: boolean; rules: FieldProblem['rules'] }>();
  let more = 0;
  for (const e of problems) {
    const path = pathOf(e);
    let field = byPath.get(path);
    if (!field) {
      if (byPath.size >= max) {
        more += 1;
        continue;
      }
      field = { choices: [], sentences: [], union: false, rules: [] };
      byPath.set(path, field);
    }
    field.rules.push({ keyword: e.keyword, params: e.params ?? {}, instancePath: e.instancePath ?? '' });
    if (e.keyword === 'const') field.choices.push(e.params?.allowedValue);
    else if (e.keyword === 'anyOf') field.union = true;
    else {
      const s = sentence(e);
      if (s !== undefined && !field.sentences.includes(s)) field.sentences.push(s);
    }
  }
  const fields = [...byPath].map(([path, f]): FieldProblem => {
    const choice = f.choices.length > 0 ? [`choose one of: ${join(f.choices)}`] : [];
    // An empty name breaks both its length and its "not only spaces": the first says it.
    const sentences = f.sentences.includes(EMPTY) ? f.sentences.filter((s) => s !== NOT_ONLY_SPACES) : f.sentences;
    const parts = [...choice, ...sentences];
    return {
      field: fieldName(part, path),
      path: `${part}${path}`,
      message: parts.length === 0 ? 'not valid here' : parts.join(f.union ? ', or ' : '; '),
      in: part,
      rules: f.rules,
    };
  });
  return { fields, more };
}

/** The one-line message of an answer listing these fields: each field's name and sentence. */
export function problemsMessage(fields: readonly Pick<FieldProblem, 'field' | 'message'>[], more = 0, firstOnly = false): string {
  const listed = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  const rest = firstOnly
    ? ' (only the first problem is named: a request this large is not searched for more)'
    : more > 0
      ? `; and ${more} more ${more === 1 ? 'problem' : 'problems'} with other fields`
      : '';
  return `${listed}${rest}`;
}
