// DuckDB's side of the dialect interface.
import type { PredicateSql } from '../filter/operators.ts';
import { ident } from '../sql.ts';
import type { Dialect } from './dialect.ts';

const cmp =
  (op: string): PredicateSql =>
  (c, [v]) =>
    `${c} ${op} ${v}`;

export const duckdb: Dialect = {
  name: 'duckdb',
  // Cast so that DuckDB binds the intended type.
  param: (i, type) => (type ? `$${i}::${type}` : `$${i}`),
  listParam: (i, type) => `$${i}::${type}[]`,
  listContains: (list, v) => `list_contains(${list}, ${v})`,
  rowPosition: 'rowid',
  cteHint: (kind) => (kind === 'materialized' ? ' MATERIALIZED' : kind === 'inlined' ? ' NOT MATERIALIZED' : ''),
  functions: {
    coalesce: (a) => `COALESCE(${a.join(', ')})`,
    nullif: ([x, y]) => `NULLIF(${x}, ${y})`,
    trim: ([x]) => `trim(${x})`,
    // `||` is null when any part is: declarations coalesce the parts that may be null.
    concat: (a) => `(${a.join(' || ')})`,
    multiply: (a) => `(${a.join(' * ')})`,
    add: (a) => `(${a.join(' + ')})`,
    subtract: ([x, y]) => `(${x} - ${y})`,
    // Whole seconds from x to y, rounded toward zero (exact: microseconds, not a double).
    seconds_between: ([x, y]) => `((epoch_us(${y}) - epoch_us(${x})) // 1000000)`,
  },
  cast: (e, t) => `CAST(${e} AS ${t})`,
  // The message is one of the engine's own constants (refusals.ts), never request text.
  raiseIf: (cond, m) => `CASE WHEN ${cond} THEN error('${m.replaceAll("'", "''")}') END`,
  nullOf: (t) => `NULL::${t}`,
  intDiv: (a, b) => `(${a} // ${b})`,
  bigCount: (c) => c,
  countIf: (c) => `count(*) FILTER (WHERE ${c})`,
  // quantile_disc picks the value at 0-based index ceil(q * n) - 1 (max(1, n - floor(n -
  // q * n)) - 1 in DuckDB's source), exactly so with DECIMAL qs: the nearest rank (checked
  // for every n to 1,500 in test/members-sessions.test.ts). One call for all the ranks: a
  // call per rank keeps a copy of the values each (1.5M lengths: ~2x the time).
  nearestRanks: (v, pcts) => `quantile_disc(${v}, [${pcts.map((p) => `CAST('${(p / 100).toFixed(2)}' AS DECIMAL(3,2))`).join(', ')}])`,
  keepName: (q) => q,
  avg: (e) => `avg(${e})`,
  lag: (v, over) => `lag(${v}) ${over}`,
  recursiveUnion: 'UNION',
  childList: (key, fields, order, from) =>
    `SELECT ${key} AS "__k", list(struct_pack(${fields.map(([n, sql]) => `${ident(n)} := ${sql}`).join(', ')}) ORDER BY ${order.join(', ')}) AS "__v"
  FROM ${from}
  GROUP BY ${key}`,
  anyValue: (e) => `any_value(${e})`,
  nullSafeEquals: (a, b) => `${a} IS NOT DISTINCT FROM ${b}`,
  truncate: (unit, ts) => `date_trunc(${unit}, ${ts})`,
  localTime: (tz, ts) => `timezone(${tz}, ${ts}::TIMESTAMPTZ)`,
  // `//` truncates toward zero: instants before 1970 are negative.
  floorDiv: (a, b) => `((${a} - (((${a}) % (${b})) + (${b})) % (${b})) // (${b}))`,
  floorMod: (a, b) => `((((${a}) % (${b})) + (${b})) % (${b}))`,
  zoneOffsetMicros: (tz, ts) => `(epoch_us(timezone(${tz}, ${ts}::TIMESTAMPTZ)) - epoch_us(${ts}))`,
  integerSeries: (lo, hi) => `unnest(range(${lo}, ${hi}))`,
  dateOfDay: (d) => `(DATE '1970-01-01' + CAST(${d} AS INTEGER))`,
  epochMicros: (ts) => `epoch_us(${ts})`,
  fromEpochMicros: (us) => `make_timestamp(${us})`,
  bucketRange: (lo, hi, step, from) => `SELECT unnest(generate_series(${lo}, ${hi}, INTERVAL ${step})) AS b FROM ${from} WHERE ${lo} IS NOT NULL`,
  bucketBefore: (b, step) => `(${b} - INTERVAL ${step})`,
  bucketsBetween: (unit, from, to) => `date_diff(${unit}, ${from}, ${to})`,
  bitsetAgg: (v, min, max) => `bitstring_agg(${v}, ${min}, ${max})`,
  bitsetUnionCount: (bits) => `bit_count(bit_or(${bits}))`,
  formatTime: (c, format) => `strftime(${c}, ${format})`,
  quarterLabel: (c) => `(CAST(year(${c}) AS VARCHAR) || '-Q' || CAST(quarter(${c}) AS VARCHAR))`,
  isoInstant: (c) =>
    `CASE WHEN microsecond(${c}) % 1000 = 0 THEN strftime(${c}, '%Y-%m-%dT%H:%M:%S.%gZ') ELSE strftime(${c}, '%Y-%m-%dT%H:%M:%S.%fZ') END`,
  zonedIsoInstant: (c, tz) => {
    // The local time computed once per instant, as a lambda's parameter: written out where
    // each part needs it, ICU converted every instant seven times (400k instants: 4.8 s,
    // against 1.1 s once).
    const local = '"__local"';
    const off = `((epoch_us(${local}) - epoch_us(${c})) // 1000000)`;
    const fraction = `CASE WHEN microsecond(${c}) % 1000000 = 0 THEN '' ELSE printf('.%06d', microsecond(${c}) % 1000000) END`;
    const seconds = `CASE WHEN abs(${off}) % 60 = 0 THEN '' ELSE printf(':%02d', abs(${off}) % 60) END`;
    return `list_transform([timezone(${tz}, ${c}::TIMESTAMPTZ)], lambda ${local}: strftime(${local}, '%Y-%m-%dT%H:%M:%S') || ${fraction} || printf('%s%02d:%02d', CASE WHEN ${off} < 0 THEN '-' ELSE '+' END, abs(${off}) // 3600, abs(${off}) % 3600 // 60) || ${seconds})[1]`;
  },
  sortList: (l) => `list_sort(${l})`,
  mapList: (l, x, body) => `list_transform(${l}, lambda ${x}: ${body})`,
  jsonObject: (members) => `to_json(struct_pack(${members.map(([n, v]) => `${ident(n)} := ${v}`).join(', ')}))`,
  minutesText: (c) => `strftime(${c}, '%B %-d %Y %H:%M')`,
  // Case-insensitive text matching uses functions, not LIKE, so that `%`, `_` and `\` in
  // the value are ordinary characters with no escaping to get wrong.
  operators: {
    eq: { sql: cmp('=') },
    gt: { sql: cmp('>') },
    gte: { sql: cmp('>=') },
    lt: { sql: cmp('<') },
    lte: { sql: cmp('<=') },
    // `= ANY(list)` plans as a hash (mark) join against the unnested list: its cost hardly
    // grows with the list, where `IN ($1, ..., $1000)` under COALESCE is tested item by item.
    // Both are null only on a null column (list items are never null).
    in: { sql: (c, vs) => `${c} IN (${vs.join(', ')})`, list: (c, l) => `${c} = ANY(${l})` },
    between: { sql: (c, [lo, hi]) => `${c} BETWEEN ${lo} AND ${hi}` },
    contains: { sql: (c, [v]) => `contains(lower(${c}), lower(${v}))` },
    startswith: { sql: (c, [v]) => `starts_with(lower(${c}), lower(${v}))` },
    endswith: { sql: (c, [v]) => `ends_with(lower(${c}), lower(${v}))` },
    iexact: { sql: (c, [v]) => `lower(${c}) = lower(${v})` },
    regex: { sql: (c, [v]) => `regexp_matches(${c}, ${v})` },
    notnull: { sql: (c) => `${c} IS NOT NULL` },
  },
};
