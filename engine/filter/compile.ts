// A parsed filter tree -> a SQL boolean expression over a root's rows. Pure: no I/O.
// Every leaf compiles to an expression that is never NULL (a positive operator on a null
// value is false, its negation true), so AND, OR and NOT keep two-valued logic. A leaf over
// a one-to-many path holds when some related row satisfies the positive operator; its
// negation is NOT of that (no related row does), as for any other field.
import type { SqlType } from '../catalog.ts';
import { decimalTypeFor, exactDecimal } from '../decimal.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { duckdb } from '../dialect/duckdb.ts';
import { assertNever } from '../errors.ts';
import { fieldPredicateSql } from '../field-sql.ts';
import { fieldColumns } from '../fields.ts';
import type { FieldDef } from '../fields.ts';
import { SQL_TYPE_OF } from '../params.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { ColumnRef } from '../sql.ts';
import { resolveOperator } from './operators.ts';
import type { OperatorSql, ValueShape } from './operators.ts';
import { filterLeaves } from './parse.ts';
import type { FilterNode, FilterValue, Scalar } from './parse.ts';

export type { ColumnRef } from '../sql.ts';

/** The type values of a field are bound as. A decimal is bound as its text and cast to the
 *  narrowest DECIMAL that holds it (parse.ts checked it compares exactly with the field's). */
function bindType(field: FieldDef, values: readonly Scalar[]): SqlType {
  return field.type === 'decimal' ? decimalTypeFor(values.map((v) => exactDecimal(v as string))) : SQL_TYPE_OF[field.type];
}

function placeholders(field: FieldDef, shape: ValueShape, value: FilterValue, params: Params): string[] {
  switch (shape) {
    case 'scalar':
      return [params.add(value as Scalar, bindType(field, [value as Scalar]))];
    case 'list':
    case 'pair':
      return (value as readonly Scalar[]).map((v) => params.add(v, bindType(field, [v])));
    case 'text':
    case 'pattern':
      return [params.add(value as string, 'VARCHAR')];
    case 'flag':
      return [];
    default:
      return assertNever(shape);
  }
}

/** Lists longer than this bind as one list parameter (see `in` in the dialect); shorter
 *  ones item by item, which DuckDB answers a little faster for a handful of values. */
export const PER_ITEM_LIST_MAX = 4;

/** The positive predicate's SQL as a function of the value it reads; its values are added
 *  to `params` now, in the order they appear. */
function predicate(op: OperatorSql, shape: ValueShape, field: FieldDef, value: FilterValue, params: Params): (col: string) => string {
  if (shape === 'list' && op.list && (value as readonly Scalar[]).length > PER_ITEM_LIST_MAX) {
    const items = value as readonly Scalar[];
    const list = params.addList(items, bindType(field, items));
    const listSql = op.list;
    return (col) => listSql(col, list);
  }
  const vs = placeholders(field, shape, value, params);
  return (col) => op.sql(col, vs);
}

function compileLeaf(node: Extract<FilterNode, { kind: 'leaf' }>, fields: ReadonlyMap<string, FieldDef>, params: Params, column: ColumnRef, dialect: Dialect, even: boolean): string {
  const field = fields.get(node.field);
  if (!field) throw new Error(`compile: unknown field ${node.field} (parse should have refused it)`);
  const { positive, def, negated } = resolveOperator(node.operator, node.value === true);
  const pred = predicate(dialect.operators[positive], def.shape, field, node.value, params);
  // Under an even number of NOTs (its own negation counted), an unknown filters the row
  // out exactly as false would: the predicate needs no COALESCE there.
  const sql = fieldPredicateSql(field, pred, column, params, dialect, even === negated);
  return negated ? `(NOT ${sql})` : sql;
}

/** Compiles a filter to a condition for a WHERE or FILTER clause (where an unknown filters
 *  as false does); values go into `params`. `column` says how to read a column of the
 *  root's rows (for the fact root, a fact-table column; by default, by its own name). */
export function compileFilter(node: FilterNode, fields: ReadonlyMap<string, FieldDef>, params: Params, column: ColumnRef = ident, dialect: Dialect = duckdb, even = true): string {
  switch (node.kind) {
    case 'and':
      return node.children.length ? `(${node.children.map((c) => compileFilter(c, fields, params, column, dialect, even)).join(' AND ')})` : 'TRUE';
    case 'or':
      return node.children.length ? `(${node.children.map((c) => compileFilter(c, fields, params, column, dialect, even)).join(' OR ')})` : 'FALSE';
    case 'not':
      return `(NOT ${compileFilter(node.child, fields, params, column, dialect, !even)})`;
    case 'leaf':
      return compileLeaf(node, fields, params, column, dialect, even);
    default:
      return assertNever(node);
  }
}

/** The columns of the root's rows a filter reads (a field through relations reads the key
 *  its first step starts from). */
export function filterColumns(node: FilterNode | undefined, fields: ReadonlyMap<string, FieldDef>): Set<string> {
  const out = new Set<string>();
  for (const leaf of filterLeaves(node)) {
    const field = fields.get(leaf.field);
    if (field) for (const c of fieldColumns(field)) out.add(c);
  }
  return out;
}
