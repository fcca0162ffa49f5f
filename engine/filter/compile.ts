// A parsed filter tree -> a SQL boolean expression over the fact table. Pure: no I/O.
// Every leaf compiles to an expression that is never NULL (a positive operator on a null
// value is false, its negation true), so AND, OR and NOT keep two-valued logic.
import { assertNever } from '../errors.ts';
import type { FieldDef } from '../fields.ts';
import { SQL_TYPE_OF } from '../params.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import { resolveOperator } from './operators.ts';
import type { PositiveOp, ValueShape } from './operators.ts';
import { filterLeaves } from './parse.ts';
import type { FilterNode, FilterValue } from './parse.ts';

function placeholders(field: FieldDef, shape: ValueShape, value: FilterValue, params: Params): string[] {
  const type = SQL_TYPE_OF[field.type];
  switch (shape) {
    case 'scalar':
      return [params.add(value as string | number, type)];
    case 'list':
    case 'pair':
      return (value as readonly (string | number)[]).map((v) => params.add(v, type));
    case 'text':
    case 'pattern':
      return [params.add(value as string, 'VARCHAR')];
    case 'flag':
      return [];
    default:
      return assertNever(shape);
  }
}

/** Lists longer than this bind as one list parameter (see `in` in operators.ts); shorter
 *  ones item by item, which DuckDB answers a little faster for a handful of values. */
export const PER_ITEM_LIST_MAX = 4;

/** The positive predicate's SQL as a function of the column it reads; its values are
 *  added to `params` now, in the order they appear. */
function predicate(def: PositiveOp, field: FieldDef, value: FilterValue, params: Params): (col: string) => string {
  if (def.shape === 'list' && def.listSql && (value as readonly unknown[]).length > PER_ITEM_LIST_MAX) {
    const list = params.addList(value as readonly (string | number)[], SQL_TYPE_OF[field.type]);
    const listSql = def.listSql;
    return (col) => listSql(col, list);
  }
  const vs = placeholders(field, def.shape, value, params);
  return (col) => def.sql(col, vs);
}

/** Maps a fact-table column to the SQL that reads it where the filter is applied. */
export type ColumnRef = (factColumn: string) => string;

function compileLeaf(node: Extract<FilterNode, { kind: 'leaf' }>, fields: ReadonlyMap<string, FieldDef>, params: Params, column: ColumnRef): string {
  const field = fields.get(node.field);
  if (!field) throw new Error(`compile: unknown field ${node.field} (parse should have refused it)`);
  const { def, negated } = resolveOperator(node.operator, node.value === true);
  const pred = predicate(def, field, node.value, params);
  let positive: string;
  const storage = field.storage;
  switch (storage.kind) {
    case 'fact': {
      const sql = pred(column(storage.column));
      positive = field.nullable ? `COALESCE(${sql}, false)` : `(${sql})`;
      break;
    }
    case 'dimension': {
      // A semi-join on the small dimension table: the fact table stays unjoined.
      const sub = `${column(storage.key)} IN (SELECT id FROM ${ident(storage.table)} WHERE ${pred(ident(storage.column))})`;
      // The subquery's ids are never null, so only a null key can make IN unknown.
      positive = storage.keyNullable ? `COALESCE(${sub}, false)` : `(${sub})`;
      break;
    }
    default:
      assertNever(storage);
  }
  return negated ? `(NOT ${positive!})` : positive!;
}

/** Compiles a filter to a boolean SQL expression; values go into `params`. `column` says
 *  how to read a fact-table column (by default, by its own name). */
export function compileFilter(node: FilterNode, fields: ReadonlyMap<string, FieldDef>, params: Params, column: ColumnRef = ident): string {
  switch (node.kind) {
    case 'and':
      return node.children.length ? `(${node.children.map((c) => compileFilter(c, fields, params, column)).join(' AND ')})` : 'TRUE';
    case 'or':
      return node.children.length ? `(${node.children.map((c) => compileFilter(c, fields, params, column)).join(' OR ')})` : 'FALSE';
    case 'not':
      return `(NOT ${compileFilter(node.child, fields, params, column)})`;
    case 'leaf':
      return compileLeaf(node, fields, params, column);
    default:
      return assertNever(node);
  }
}

/** The fact-table columns a filter reads (a dimension field reads its key). */
export function filterColumns(node: FilterNode | undefined, fields: ReadonlyMap<string, FieldDef>): Set<string> {
  const out = new Set<string>();
  for (const leaf of filterLeaves(node)) {
    const st = fields.get(leaf.field)?.storage;
    if (st) out.add(st.kind === 'fact' ? st.column : st.key);
  }
  return out;
}
