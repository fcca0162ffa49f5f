// Bound parameters collected while compiling: values enter SQL text only as the dialect's
// placeholders ($n in DuckDB, {pn:Type} in ClickHouse).
import type { Param } from './db.ts';
import type { FieldType, SqlType } from './catalog.ts';
import type { CastType, Dialect } from './dialect/dialect.ts';
import { duckdb } from './dialect/duckdb.ts';

/** The type a field's values are bound as (a decimal filter value is bound as the narrowest
 *  DECIMAL holding it instead: filter/compile.ts). */
export const SQL_TYPE_OF: Readonly<Record<FieldType, SqlType>> = {
  integer: 'BIGINT',
  text: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  boolean: 'BOOLEAN',
  decimal: 'DECIMAL(38,10)',
  uuid: 'UUID',
};

export class Params {
  readonly values: Param[] = [];

  constructor(private readonly dialect: Dialect = duckdb) {}

  /** Adds a value and returns its placeholder, of the intended type. */
  add(value: Param, type?: CastType): string {
    this.values.push(value);
    return this.dialect.param(this.values.length, type, value);
  }

  /** Adds a whole list as one parameter and returns its placeholder, a list of `type`: one
   *  value to bind however long the list is. */
  addList(values: readonly (string | number | boolean)[], type: SqlType): string {
    this.values.push([...values]);
    return this.dialect.listParam(this.values.length, type);
  }
}
