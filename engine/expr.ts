// Declared expressions (catalog Expr: a computed column, a measure's argument) -> SQL,
// through the dialect's function table. Literals are bound parameters. Pure.
import type { Expr } from './catalog.ts';
import { decimalTypeFor, readDecimalNumber } from './decimal.ts';
import type { Dialect } from './dialect/dialect.ts';
import { assertNever } from './errors.ts';
import type { Params } from './params.ts';
import type { ColumnRef } from './sql.ts';

/** A literal as a typed parameter: text, a BIGINT, or a fractional number as the exact
 *  DECIMAL it reads as (0.1 is 0.1, not the double nearest it). */
function literal(v: string | number, params: Params): string {
  if (typeof v === 'string') return params.add(v, 'VARCHAR');
  if (Number.isSafeInteger(v)) return params.add(v, 'BIGINT');
  const d = readDecimalNumber(v);
  if (!d.ok) throw new Error(`expression literal ${v}: ${d.reason}`);
  return params.add(d.value.text, decimalTypeFor([d.value]));
}

/** The SQL of `expr`, reading its columns through `column`. */
export function compileExpr(expr: Expr, column: ColumnRef, params: Params, dialect: Dialect): string {
  switch (expr.kind) {
    case 'column':
      return column(expr.name);
    case 'literal':
      return literal(expr.value, params);
    case 'call':
      return dialect.functions[expr.fn](expr.args.map((a) => compileExpr(a, column, params, dialect)));
    default:
      return assertNever(expr);
  }
}

/** The columns an expression reads. */
export function exprColumns(expr: Expr): string[] {
  switch (expr.kind) {
    case 'column':
      return [expr.name];
    case 'literal':
      return [];
    case 'call':
      return expr.args.flatMap(exprColumns);
    default:
      return assertNever(expr);
  }
}

/** The same expression over renamed columns. */
export function renameColumns(expr: Expr, rename: (column: string) => string): Expr {
  switch (expr.kind) {
    case 'column':
      return { kind: 'column', name: rename(expr.name) };
    case 'literal':
      return expr;
    case 'call':
      return { kind: 'call', fn: expr.fn, args: expr.args.map((a) => renameColumns(a, rename)) };
    default:
      return assertNever(expr);
  }
}
