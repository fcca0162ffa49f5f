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
  formatTime: (c, format) => `strftime(${c}, ${format})`,
  quarterLabel: (c) => `(CAST(year(${c}) AS VARCHAR) || '-Q' || CAST(quarter(${c}) AS VARCHAR))`,
  isoInstant: (c) =>
    `CASE WHEN microsecond(${c}) % 1000 = 0 THEN strftime(${c}, '%Y-%m-%dT%H:%M:%S.%gZ') ELSE strftime(${c}, '%Y-%m-%dT%H:%M:%S.%fZ') END`,
};
