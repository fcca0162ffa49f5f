// The filter operators each field type takes, written out from SPEC.md's operator table
// (not read from the engine's operators.ts, so that an operator dropped or added there
// fails the tests that compare against this).
import type { FieldType } from '../engine/catalog.ts';

const ORDERED = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull'];
const EQUALITY = ['eq', 'ne', 'in', 'not_in', 'exact', 'isnull'];

export const SPEC_OPERATORS: Readonly<Record<FieldType, readonly string[]>> = {
  integer: ORDERED,
  timestamp: ORDERED,
  date: ORDERED,
  decimal: ORDERED,
  boolean: EQUALITY,
  uuid: EQUALITY,
  text: [...ORDERED, 'contains', 'not_contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith', 'iexact', 'regex'],
};
