// What differs between SQL engines, as one interface: compilers write SQL only through it
// (and through ident()/Params for identifiers and values). DuckDB (duckdb.ts, the default)
// and ClickHouse (clickhouse.ts, SPEC-scale.md) implement it. Each member says what it must
// mean, so that both engines give the same answers.
import type { ExprFunction, SqlType } from '../catalog.ts';
import type { Param } from '../db.ts';
import type { OperatorSql, PositiveOperator } from '../filter/operators.ts';

/** Types the compilers cast to: stored types, and a 128-bit integer for exact arithmetic. */
export type CastType = SqlType | 'HUGEINT';

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** The placeholder of the `index`-th bound value (from 1), of `type` where given (an
   *  engine that needs every type infers the others from `value`). */
  param(index: number, type: CastType | undefined, value: Param): string;
  /** The placeholder of a whole list bound as one value, a list of `type`. */
  listParam(index: number, type: SqlType): string;
  /** Whether a list (a bound list parameter) holds `value`. */
  listContains(list: string, value: string): string;
  /** What follows `name AS` in a CTE: a hint, not a meaning. `materialized`: computed once
   *  (DuckDB's `MATERIALIZED`); `inlined`: into each reader; `reused`: read more than once,
   *  left to an engine that decides by itself (DuckDB), computed once by one that would
   *  otherwise compute it for each reader (ClickHouse). */
  cteHint(kind: 'materialized' | 'inlined' | 'reused'): string;
  /** A table's row position (0 for its first row as stored), read and filtered without
   *  scanning the rows before it (DuckDB's rowid); null where the engine has none. */
  readonly rowPosition: string | null;
  /** The functions of declared expressions (catalog Expr), over compiled arguments. */
  readonly functions: Readonly<Record<ExprFunction, (args: readonly string[]) => string>>;
  cast(expr: string, type: CastType): string;
  /** Null while `cond` is false; fails the query with `message` (an engine constant) where
   *  it holds. */
  raiseIf(cond: string, message: string): string;
  /** A typed NULL. */
  nullOf(type: CastType): string;
  /** Integer division rounding toward zero (callers floor negative values themselves). */
  intDiv(a: string, b: string): string;
  /** A count (an aggregate call) as a BIGINT, beside which other BIGINTs stay integers
   *  (DuckDB's counts are BIGINTs; ClickHouse's are UInt64, whose common type with Int64
   *  is a Variant). */
  bigCount(count: string): string;
  /** Rows for which `cond` holds, in an aggregate. */
  countIf(cond: string): string;
  /** An aggregate: the list of the values at ranks ceil(p / 100 * n), for each p of
   *  `percents`, of the n values in ascending order (nearest-rank percentiles; null over
   *  none), where the database has one that selects them without sorting every value;
   *  null: it has none (callers rank the values). */
  nearestRanks(value: string, percents: readonly number[]): string | null;
  /** The mean of the non-null values of `expr` (with `scale` digits after the point: 0 for
   *  integers), as a double, in an aggregate; null over none. */
  avg(expr: string, scale: number): string;
  /** A column read by its qualified name (`alias.name`), output under its bare name `name`
   *  (DuckDB names it so; ClickHouse keeps the qualifier where a join makes it ambiguous). */
  keepName(qualified: string, name: string): string;
  /** The value of `value` in the previous row of the window `over` (the `OVER (...)` text);
   *  null on the first row. */
  lag(value: string, over: string): string;
  /** How the steps of a recursive CTE are united (callers' trees are acyclic). */
  readonly recursiveUnion: string;
  /** Per value of `key` (a column expression over the rows of `from`, which holds the FROM
   *  and WHERE text), the list of objects of `fields` (output name, SQL) in the order of
   *  `order` (ORDER BY terms): the query's columns are `"__k"` (the key) and `"__v"` (the
   *  list). */
  childList(key: string, fields: readonly (readonly [name: string, sql: string])[], order: readonly string[], from: string): string;
  /** Any one value of the group (all are the same where callers use it). */
  anyValue(expr: string): string;
  /** `a` equals `b`, nulls equal to each other. */
  nullSafeEquals(a: string, b: string): string;
  /** A timestamp truncated to the unit named by the bound parameter `unit`. */
  truncate(unit: string, ts: string): string;
  /** A UTC timestamp as wall-clock time in the zone named by the bound parameter `tz`. */
  localTime(tz: string, ts: string): string;
  /** Integer division rounding down, and its remainder (0 <= r < b), for b > 0. */
  floorDiv(a: string, b: string): string;
  floorMod(a: string, b: string): string;
  /** How many microseconds the wall clock of the zone `tz` (a bound parameter or a column
   *  holding an IANA name) is ahead of UTC at the timestamp `ts` (a UTC instant). */
  zoneOffsetMicros(tz: string, ts: string): string;
  /** In a select list: the row repeated once per integer from `lo` to `hi` - 1. */
  integerSeries(lo: string, hi: string): string;
  /** The DATE `days` days after 1970-01-01. */
  dateOfDay(days: string): string;
  /** Microseconds since 1970-01-01 UTC, and back. */
  epochMicros(ts: string): string;
  fromEpochMicros(us: string): string;
  /** A query (`SELECT ... AS b`) of every bucket start from `lo` to `hi` (timestamps read
   *  from `from`), one `step` apart: `step` is a PERIODS step (`1 DAY`, `3 MONTH`). */
  bucketRange(lo: string, hi: string, step: string, from: string): string;
  /** The start of the bucket one `step` before the bucket starting at `b` (wall time). */
  bucketBefore(b: string, step: string): string;
  /** How many buckets of the unit named by the bound parameter `unit` lie from the bucket
   *  starting at `from` to the one starting at `to` (both truncated to the unit). */
  bucketsBetween(unit: string, from: string, to: string): string;
  /** Distinct sets: the bitstring of `value`s (ids from `min` to `max`), in an aggregate;
   *  and the number of values in the union of a group's bitstrings. */
  bitsetAgg(value: string, min: string, max: string): string;
  bitsetUnionCount(bits: string): string;
  /** An instant (a UTC timestamp) as ISO 8601 text with `Z`: milliseconds always, six
   *  digits where there are microseconds below them (server/iso-instant.ts). */
  isoInstant(col: string): string;
  /** An instant (a UTC timestamp) as ISO 8601 text of the wall time in the zone `tz` (an
   *  expression: a column holding a zone name) with that zone's offset at that instant
   *  (`2020-06-20T17:29:00+03:00`): seconds always, six digits of fraction only where there
   *  are microseconds; the offset `+HH:MM`, with `:SS` where it has seconds (local mean
   *  times before standard time). */
  zonedIsoInstant(col: string, tz: string): string;
  /** A list sorted ascending, structs by their fields in order (nulls where none are). */
  sortList(list: string): string;
  /** Each item of a list through `body`, which reads the item as `item` (a plain name). */
  mapList(list: string, item: string, body: string): string;
  /** A JSON object's text from named values (lists of structs become arrays of objects;
   *  text is escaped as JSON requires), members in the order given. */
  jsonObject(members: readonly (readonly [name: string, sql: string])[]): string;
  /** An instant as English text in UTC to the minute, seconds dropped: the full month
   *  name, the unpadded day, the year, `HH:MM` (`June 20 2020 14:29`). */
  minutesText(col: string): string;
  /** A timestamp as text in a strftime format (bound as a parameter: `format`). */
  formatTime(col: string, format: string): string;
  /** A timestamp's quarter as `YYYY-Qn`. */
  quarterLabel(col: string): string;
  /** The filter language's positive operators (filter/operators.ts) in SQL. Each must be
   *  null only where the column is (compile.ts turns that null into false), and must treat
   *  the value as a value: `%`, `_` and `\` in a `contains` value are literal characters. */
  readonly operators: Readonly<Record<PositiveOperator, OperatorSql>>;
}
