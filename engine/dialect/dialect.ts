// What differs between SQL engines, as one interface: compilers write SQL only through it
// (and through ident()/Params for identifiers and values). DuckDB is the one implementation
// today (duckdb.ts); a ClickHouse one follows it (SPEC-scale.md).
import type { ExprFunction } from '../catalog.ts';
import type { OperatorSql, PositiveOperator } from '../filter/operators.ts';

export interface Dialect {
  readonly name: 'duckdb';
  /** The functions of declared expressions (catalog Expr), over compiled arguments. */
  readonly functions: Readonly<Record<ExprFunction, (args: readonly string[]) => string>>;
  /** The filter language's positive operators (filter/operators.ts) in SQL. Each must be
   *  null only where the column is (compile.ts turns that null into false), and must treat
   *  the value as a value: `%`, `_` and `\` in a `contains` value are literal characters. */
  readonly operators: Readonly<Record<PositiveOperator, OperatorSql>>;
}
