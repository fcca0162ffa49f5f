// The filter language's operators, as one table. Each row names the value it takes and the
// field types it applies to; negative operators are declared as the exact negation of a
// positive one, so two-valued logic holds by construction (see compile.ts). The SQL of each
// positive operator is the dialect's (dialect.operators), so that another SQL engine can
// spell it its own way.
import type { FieldType } from '../catalog.ts';

/** What a leaf's `value` must be. */
export type ValueShape =
  | 'scalar' // one value of the field's type
  | 'list' // a non-empty array of values of the field's type
  | 'pair' // [low, high]
  | 'text' // a string, whatever the field's type (text fields only)
  | 'pattern' // a string holding an RE2 pattern
  | 'flag'; // true or false

/** The operators a dialect spells in SQL: every positive row of the table below. */
export type PositiveOperator = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'between' | 'contains' | 'startswith' | 'endswith' | 'iexact' | 'regex' | 'notnull';

/** A positive predicate's SQL over a column expression and its bound value placeholders. */
export type PredicateSql = (col: string, values: readonly string[]) => string;

/** A list predicate's SQL over a column expression and one placeholder bound to the whole
 *  list (a typed LIST parameter). */
export type ListPredicateSql = (col: string, list: string) => string;

/** How a dialect writes one positive operator. */
export interface OperatorSql {
  readonly sql: PredicateSql;
  /** For a 'list' operator: the same predicate over the list bound as one parameter, which
   *  compile.ts uses for long lists (absent: lists are always bound item by item). */
  readonly list?: ListPredicateSql;
}

export interface PositiveOp {
  readonly kind: 'positive';
  readonly shape: ValueShape;
  readonly types: readonly FieldType[];
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

/** Types with an order: comparisons and ranges apply. */
const ORDERED: readonly FieldType[] = ['integer', 'text', 'timestamp', 'date', 'decimal'];
/** Types with equality only: a boolean or an identifier has no useful order. */
const ALL: readonly FieldType[] = [...ORDERED, 'boolean', 'uuid'];
const TEXT: readonly FieldType[] = ['text'];

const positive = (shape: ValueShape, types: readonly FieldType[]): PositiveOp => ({ kind: 'positive', shape, types });

const POSITIVE: Readonly<Record<PositiveOperator, PositiveOp>> = {
  eq: positive('scalar', ALL),
  gt: positive('scalar', ORDERED),
  gte: positive('scalar', ORDERED),
  lt: positive('scalar', ORDERED),
  lte: positive('scalar', ORDERED),
  in: positive('list', ALL),
  between: positive('pair', ORDERED),
  contains: positive('text', TEXT),
  startswith: positive('text', TEXT),
  endswith: positive('text', TEXT),
  iexact: positive('text', TEXT),
  regex: positive('pattern', TEXT),
  notnull: positive('flag', ALL),
};

// The order of the names is the order meta lists them in.
export const OPERATORS: Readonly<Record<string, OperatorDef>> = {
  eq: POSITIVE.eq,
  gt: POSITIVE.gt,
  gte: POSITIVE.gte,
  lt: POSITIVE.lt,
  lte: POSITIVE.lte,
  in: POSITIVE.in,
  between: POSITIVE.between,
  contains: POSITIVE.contains,
  startswith: POSITIVE.startswith,
  endswith: POSITIVE.endswith,
  iexact: POSITIVE.iexact,
  regex: POSITIVE.regex,
  notnull: POSITIVE.notnull,

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
export function resolveOperator(name: string, flag?: boolean): { positive: PositiveOperator; def: PositiveOp; negated: boolean } {
  let n = name;
  let negated = false;
  for (let hops = 0; hops < 4; hops++) {
    const d = OPERATORS[n];
    if (!d) break;
    switch (d.kind) {
      case 'positive':
        return { positive: n as PositiveOperator, def: d, negated };
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
