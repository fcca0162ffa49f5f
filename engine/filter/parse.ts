// Filter JSON -> a plain, kind-tagged tree, or a QueryError naming the offending member by
// its JSON pointer. Structure is checked by the zod schema; fields against the catalog;
// operators and values against the operator table.
import { RE2JS } from 're2js';
import type { FieldDef } from '../fields.ts';
import { suggestField } from '../fields.ts';
import type { Catalog } from '../catalog.ts';
import { QueryError, assertNever, pointer } from '../errors.ts';
import type { QueryErrorDetail } from '../errors.ts';
import { nearest } from '../suggest.ts';
import { OPERATORS, OPERATOR_NAMES, resolveOperator, shapeOf } from './operators.ts';
import { checkScalar, checkTogether } from './scalars.ts';
import type { Scalar } from './scalars.ts';
import { FilterSchema, branchOf } from './schema.ts';
import type { RawFilter } from './schema.ts';

export type { Scalar } from './scalars.ts';
export type FilterValue = Scalar | boolean | readonly Scalar[];

export type FilterNode =
  | { readonly kind: 'and'; readonly children: readonly FilterNode[] }
  | { readonly kind: 'or'; readonly children: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly child: FilterNode }
  | { readonly kind: 'leaf'; readonly field: string; readonly operator: string; readonly value: FilterValue };

export const FILTER_LIMITS = { depth: 10, leaves: 100, listItems: 1000, stringChars: 1000, jsonBytes: 16 * 1024 } as const;

const fail = (message: string, path: string, suggestion?: string): never => {
  const detail: QueryErrorDetail = suggestion === undefined ? { path, message } : { path, message, suggestion };
  throw new QueryError('invalid_filter', message, [detail]);
};

/** The deepest nesting of objects and arrays, without recursion (input may be hostile). */
function rawDepth(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    max = Math.max(max, d);
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

/** Turns the first zod issue into a pointer and message, following the branch of a union
 *  that the object's keys choose, so that the message is about what the user meant. */
function explain(issues: readonly unknown[], input: unknown, base: string): never {
  let issue = issues[0] as { code: string; path: PropertyKey[]; message: string; errors?: unknown[][]; keys?: string[] };
  let at = input;
  let path = base;
  for (;;) {
    for (const seg of issue.path) {
      path = pointer(path, String(seg));
      at = (at as Record<string, unknown> | undefined)?.[seg as string];
    }
    if (issue.code !== 'invalid_union' || !issue.errors) break;
    const b = branchOf(at);
    if (b === undefined) {
      if (typeof at !== 'object' || at === null || Array.isArray(at)) fail('a filter node must be a JSON object', path);
      fail('a filter node must be a condition {"field", "operator", "value"} or a group {"operator": "and"|"or"|"not", "conditions"} or {"and"|"or": [...]} or {"not": {...}}', path);
    }
    issue = issue.errors[b!]![0] as typeof issue;
  }
  if (issue.code === 'unrecognized_keys') fail(`unknown member${issue.keys!.length > 1 ? 's' : ''} ${issue.keys!.map((k) => `'${k}'`).join(', ')}`, path);
  return fail(issue.message.replace(/^Invalid input: /, ''), path);
}

/** Where `(?<` opens a group outside a character class: RE2J reads it as a named group,
 *  DuckDB's RE2 refuses it, so it is refused here (use `(?P<name>...)`). */
function angleGroupAt(pattern: string): number {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal member of the class.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && pattern.startsWith('?<', i + 1)) return i;
  }
  return -1;
}

/** A value checked by scalars.ts, or refused at `path`. */
function scalar(field: FieldDef, v: unknown, path: string): Scalar {
  const c = checkScalar(field, v, FILTER_LIMITS.stringChars);
  return c.ok ? c.value : fail(c.reason, path);
}

function together(field: FieldDef, values: readonly Scalar[], path: string): readonly Scalar[] {
  const reason = checkTogether(field, values);
  return reason === undefined ? values : fail(reason, path);
}

function leafValue(field: FieldDef, operator: string, v: unknown, path: string): FilterValue {
  const shape = shapeOf(operator);
  switch (shape) {
    case 'scalar':
      return scalar(field, v, path);
    case 'list':
      if (!Array.isArray(v) || v.length === 0) return fail(`'${operator}' takes a non-empty array`, path);
      if (v.length > FILTER_LIMITS.listItems) return fail(`more than ${FILTER_LIMITS.listItems} items in one list`, path);
      return together(field, v.map((x, i) => scalar(field, x, pointer(path, i))), path);
    case 'pair':
      if (!Array.isArray(v) || v.length !== 2) return fail(`'${operator}' takes [low, high]`, path);
      return together(field, v.map((x, i) => scalar(field, x, pointer(path, i))), path);
    case 'text':
    case 'pattern': {
      if (typeof v !== 'string') return fail(`'${operator}' takes a string, got ${JSON.stringify(v)?.slice(0, 50)}`, path);
      if (v.length > FILTER_LIMITS.stringChars) return fail(`string longer than ${FILTER_LIMITS.stringChars} characters`, path);
      if (shape === 'pattern') {
        try {
          RE2JS.compile(v);
        } catch (e) {
          return fail(`invalid regular expression: ${(e as Error).message}`, path);
        }
        if (angleGroupAt(v) >= 0) return fail('invalid regular expression: (?<...) is not supported; name groups with (?P<name>...)', path);
      }
      return v;
    }
    case 'flag':
      if (typeof v !== 'boolean') return fail(`'${operator}' takes true or false`, path);
      return v;
  }
}

export function parseFilter(
  input: unknown,
  catalog: Catalog,
  fields: ReadonlyMap<string, FieldDef>,
  base = '/filters',
): FilterNode | undefined {
  if (input === undefined || input === null || input === '') return undefined;
  // Two JSON levels (a group object and its array) per filter level, plus a leaf's value.
  // Checked before anything recursive (JSON.stringify, zod) touches a hostile object.
  const tooDeep = (v: unknown) => rawDepth(v) > 2 * FILTER_LIMITS.depth + 2 && fail(`filter nested deeper than ${FILTER_LIMITS.depth} levels`, base);
  let json: unknown = input;
  if (typeof input !== 'string') tooDeep(input);
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  if (Buffer.byteLength(text) > FILTER_LIMITS.jsonBytes) fail(`filter JSON larger than ${FILTER_LIMITS.jsonBytes} bytes`, base);
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      fail(`filters is not valid JSON: ${(e as Error).message}`, base);
    }
    tooDeep(json);
  }
  const parsed = FilterSchema.safeParse(json);
  if (!parsed.success) explain(parsed.error.issues, json, base);

  let leaves = 0;
  const walk = (n: RawFilter, path: string, depth: number): FilterNode => {
    if (depth > FILTER_LIMITS.depth) fail(`filter nested deeper than ${FILTER_LIMITS.depth} levels`, path);
    const group = (kind: 'and' | 'or', list: RawFilter[], at: string): FilterNode => ({
      kind,
      children: list.map((c, i) => walk(c, pointer(at, i), depth + 1)),
    });
    if ('field' in n) {
      if (++leaves > FILTER_LIMITS.leaves) fail(`more than ${FILTER_LIMITS.leaves} conditions`, path);
      return leaf(n, path);
    }
    if ('conditions' in n) {
      const at = pointer(path, 'conditions');
      if (n.operator === 'not') return { kind: 'not', child: group('or', n.conditions, at) };
      return group(n.operator, n.conditions, at);
    }
    if ('and' in n) return group('and', n.and, pointer(path, 'and'));
    if ('or' in n) return group('or', n.or, pointer(path, 'or'));
    return { kind: 'not', child: walk(n.not, pointer(path, 'not'), depth + 1) };
  };

  const leaf = (n: Extract<RawFilter, { field: string }>, path: string): FilterNode => {
    if (n.field.length > FILTER_LIMITS.stringChars) fail(`field name longer than ${FILTER_LIMITS.stringChars} characters`, pointer(path, 'field'));
    // Paths that are not filterable (a dimension's, a hidden column's) do not exist here.
    const field = fields.get(n.field);
    if (!field?.filterable) fail(`unknown field '${n.field.slice(0, 100)}'`, pointer(path, 'field'), suggestField(catalog, fields, n.field));
    if (n.operator !== undefined && n.op !== undefined && n.operator !== n.op) fail(`'operator' and 'op' disagree`, pointer(path, 'op'));
    const opKey = n.operator !== undefined ? 'operator' : 'op';
    const op = n.operator ?? n.op;
    if (op === undefined) return fail(`missing 'operator'`, path);
    if (!OPERATOR_NAMES.includes(op) || !OPERATORS[op]) fail(`unknown operator '${op.slice(0, 100)}'`, pointer(path, opKey), nearest(op, OPERATOR_NAMES));
    const types = resolveOperator(op, false).def.types;
    if (!types.includes(field!.type)) fail(`operator '${op}' does not apply to ${field!.type} field '${field!.path}'`, pointer(path, opKey));
    if (!('value' in n)) fail(`missing 'value'`, path);
    return { kind: 'leaf', field: field!.path, operator: op, value: leafValue(field!, op, n.value, pointer(path, 'value')) };
  };

  return walk(parsed.data!, base, 1);
}

/** The conditions every row must meet: the filter's top-level conjuncts, through nested ands. */
export const conjuncts = (n: FilterNode): FilterNode[] => (n.kind === 'and' ? n.children.flatMap(conjuncts) : [n]);

/** Every leaf of a filter tree, in order. */
export function filterLeaves(node: FilterNode | undefined): Extract<FilterNode, { kind: 'leaf' }>[] {
  if (!node) return [];
  switch (node.kind) {
    case 'leaf':
      return [node];
    case 'not':
      return filterLeaves(node.child);
    case 'and':
    case 'or':
      return node.children.flatMap(filterLeaves);
    default:
      return assertNever(node);
  }
}
