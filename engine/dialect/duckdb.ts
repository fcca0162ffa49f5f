// DuckDB's side of the dialect interface.
import type { Dialect } from './dialect.ts';

export const duckdb: Dialect = {
  name: 'duckdb',
  functions: {
    coalesce: (a) => `COALESCE(${a.join(', ')})`,
    nullif: ([x, y]) => `NULLIF(${x}, ${y})`,
    trim: ([x]) => `trim(${x})`,
    // `||` is null when any part is: declarations coalesce the parts that may be null.
    concat: (a) => `(${a.join(' || ')})`,
    multiply: (a) => `(${a.join(' * ')})`,
    add: (a) => `(${a.join(' + ')})`,
    subtract: ([x, y]) => `(${x} - ${y})`,
  },
};
