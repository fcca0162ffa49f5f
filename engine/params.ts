// Bound parameters collected while compiling: values enter SQL text only as $n placeholders.
import type { Param } from './db.ts';
import type { FieldType, SqlType } from './catalog.ts';

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

  /** Adds a value and returns its placeholder, cast so that DuckDB binds the intended type. */
  add(value: Param, type?: SqlType): string {
    this.values.push(value);
    return type ? `$${this.values.length}::${type}` : `$${this.values.length}`;
  }

  /** Adds a whole list as one parameter and returns its placeholder, cast to a list of
   *  `type`: one value to bind however long the list is. */
  addList(values: readonly (string | number | boolean)[], type: SqlType): string {
    this.values.push([...values]);
    return `$${this.values.length}::${type}[]`;
  }
}
