// The filter language's operators, as one table. Each row names the value it takes, the
// field types it applies to, and the SQL of its positive form; negative operators are
// declared as the exact negation of a positive one, so two-valued logic holds by
// construction (see compile.ts).
import type { FieldType } from '../catalog.ts';

/** What a leaf's `value` must be. */
export type ValueShape =
  | 'scalar' // one value of the field's type
  | 'list' // a non-empty array of values of the field's type
  | 'pair' // [low, high]
  | 'text' // a string, whatever the field's type (text fields only)
  | 'pattern' // a string holding an RE2 pattern
  | 'flag'; // true or false

/** A positive predicate's SQL over a column expression and its bound value placeholders. */
export type PredicateSql = (col: string, values: readonly string[]) => string;

/** A list predicate's SQL over a column expression and one placeholder bound to the whole
 *  list (a typed LIST parameter). */
export type ListPredicateSql = (col: string, list: string) => string;

export interface PositiveOp {
  readonly kind: 'positive';
  readonly shape: ValueShape;
  readonly types: readonly FieldType[];
  readonly sql: PredicateSql;
  /** For a 'list' operator: the same predicate over the list bound as one parameter, which
   *  compile.ts uses for long lists. */
  readonly listSql?: ListPredicateSql;
}

export interface NegatedOp {
  readonly kind: 'negated';
  /** The positive operator this one is the exact negation of. */
  readonly of: string;
}

export interface AliasOp {
  readonly kind: 'alias';
  /** The operator this spelling of the old service means. */
  readonly of: string;
}

/** `isnull: true` is the negation of "has a value"; `isnull: false` is "has a value". */
export interface FlagOp {
  readonly kind: 'flag';
  readonly whenTrue: string;
  readonly whenFalse: string;
}

export type OperatorDef = PositiveOp | NegatedOp | AliasOp | FlagOp;

const ALL: readonly FieldType[] = ['integer', 'text', 'timestamp'];
const TEXT: readonly FieldType[] = ['text'];

const cmp =
  (op: string): PredicateSql =>
  (c, [v]) =>
    `${c} ${op} ${v}`;

// Case-insensitive text matching uses functions, not LIKE, so that `%`, `_` and `\` in
// the value are ordinary characters with no escaping to get wrong.
export const OPERATORS: Readonly<Record<string, OperatorDef>> = {
  eq: { kind: 'positive', shape: 'scalar', types: ALL, sql: cmp('=') },
  gt: { kind: 'positive', shape: 'scalar', types: ALL, sql: cmp('>') },
  gte: { kind: 'positive', shape: 'scalar', types: ALL, sql: cmp('>=') },
  lt: { kind: 'positive', shape: 'scalar', types: ALL, sql: cmp('<') },
  lte: { kind: 'positive', shape: 'scalar', types: ALL, sql: cmp('<=') },
  // `= ANY(list)` plans as a hash (mark) join against the unnested list: its cost hardly
  // grows with the list, where `IN ($1, ..., $1000)` under COALESCE is tested item by item.
  // Both are null only on a null column (list items are never null).
  in: { kind: 'positive', shape: 'list', types: ALL, sql: (c, vs) => `${c} IN (${vs.join(', ')})`, listSql: (c, l) => `${c} = ANY(${l})` },
  between: { kind: 'positive', shape: 'pair', types: ALL, sql: (c, [lo, hi]) => `${c} BETWEEN ${lo} AND ${hi}` },
  contains: { kind: 'positive', shape: 'text', types: TEXT, sql: (c, [v]) => `contains(lower(${c}), lower(${v}))` },
  startswith: { kind: 'positive', shape: 'text', types: TEXT, sql: (c, [v]) => `starts_with(lower(${c}), lower(${v}))` },
  endswith: { kind: 'positive', shape: 'text', types: TEXT, sql: (c, [v]) => `ends_with(lower(${c}), lower(${v}))` },
  iexact: { kind: 'positive', shape: 'text', types: TEXT, sql: (c, [v]) => `lower(${c}) = lower(${v})` },
  regex: { kind: 'positive', shape: 'pattern', types: TEXT, sql: (c, [v]) => `regexp_matches(${c}, ${v})` },
  notnull: { kind: 'positive', shape: 'flag', types: ALL, sql: (c) => `${c} IS NOT NULL` },

  ne: { kind: 'negated', of: 'eq' },
  not_in: { kind: 'negated', of: 'in' },
  not_contains: { kind: 'negated', of: 'contains' },
  isnull_true: { kind: 'negated', of: 'notnull' },

  exact: { kind: 'alias', of: 'eq' },
  icontains: { kind: 'alias', of: 'contains' },
  istartswith: { kind: 'alias', of: 'startswith' },
  iendswith: { kind: 'alias', of: 'endswith' },

  isnull: { kind: 'flag', whenTrue: 'isnull_true', whenFalse: 'notnull' },
};

/** Internal rows that users cannot name directly. */
const INTERNAL = new Set(['notnull', 'isnull_true']);

/** Operator names users may write. */
export const OPERATOR_NAMES: readonly string[] = Object.keys(OPERATORS).filter((n) => !INTERNAL.has(n));

/** The positive operator behind a name, and whether the leaf negates it. */
export function resolveOperator(name: string, flag?: boolean): { positive: string; def: PositiveOp; negated: boolean } {
  let n = name;
  let negated = false;
  for (let hops = 0; hops < 4; hops++) {
    const d = OPERATORS[n];
    if (!d) break;
    switch (d.kind) {
      case 'positive':
        return { positive: n, def: d, negated };
      case 'negated':
        negated = !negated;
        n = d.of;
        break;
      case 'alias':
        n = d.of;
        break;
      case 'flag':
        n = flag ? d.whenTrue : d.whenFalse;
        break;
    }
  }
  throw new Error(`operator table has no positive form for '${name}'`);
}

/** The operators a user may apply to a field of a type (for meta and validation). */
export function operatorsFor(type: FieldType): string[] {
  return OPERATOR_NAMES.filter((n) => resolveOperator(n, false).def.types.includes(type));
}

/** The value shape a user-facing operator takes. */
export function shapeOf(name: string): ValueShape {
  const d = OPERATORS[name];
  if (d?.kind === 'flag') return 'flag';
  return resolveOperator(name).def.shape;
}
