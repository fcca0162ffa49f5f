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
  cast: (e, t) => `CAST(${e} AS ${t})`,
  nullOf: (t) => `NULL::${t}`,
  intDiv: (a, b) => `(${a} // ${b})`,
  countIf: (c) => `count(*) FILTER (WHERE ${c})`,
  anyValue: (e) => `any_value(${e})`,
  nullSafeEquals: (a, b) => `${a} IS NOT DISTINCT FROM ${b}`,
  truncate: (unit, ts) => `date_trunc(${unit}, ${ts})`,
  localTime: (tz, ts) => `timezone(${tz}, ${ts}::TIMESTAMPTZ)`,
  epochMicros: (ts) => `epoch_us(${ts})`,
  fromEpochMicros: (us) => `make_timestamp(${us})`,
  bucketRange: (lo, hi, step, from) => `SELECT unnest(generate_series(${lo}, ${hi}, INTERVAL ${step})) AS b FROM ${from} WHERE ${lo} IS NOT NULL`,
  bitsetAgg: (v, min, max) => `bitstring_agg(${v}, ${min}, ${max})`,
  bitsetUnionCount: (bits) => `bit_count(bit_or(${bits}))`,
  formatTime: (c, format) => `strftime(${c}, ${format})`,
  quarterLabel: (c) => `(CAST(year(${c}) AS VARCHAR) || '-Q' || CAST(quarter(${c}) AS VARCHAR))`,
  isoInstant: (c) =>
    `CASE WHEN microsecond(${c}) % 1000 = 0 THEN strftime(${c}, '%Y-%m-%dT%H:%M:%S.%gZ') ELSE strftime(${c}, '%Y-%m-%dT%H:%M:%S.%fZ') END`,
};
