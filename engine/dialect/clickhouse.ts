// ClickHouse's side of the dialect interface (SPEC-scale.md): the same plans, written so that
// ClickHouse (a current server, or chdb in-process) gives DuckDB's answers. The query
// settings this SQL relies on (NULL from outer joins and from aggregates over no rows, CAST
// keeping NULL, named tuples) are clickhouse/settings.ts's, sent with every query.
import type { Param } from '../db.ts';
import type { PredicateSql } from '../filter/operators.ts';
import { ident } from '../sql.ts';
import type { CastType, Dialect } from './dialect.ts';

/** ClickHouse's name of a type the compilers cast to. Instants are microseconds in UTC
 *  (DuckDB's TIMESTAMP); dates reach past 2149 (Date32). UUIDs are their canonical text
 *  (lower case, 8-4-4-4-12): ClickHouse's UUID type compares the second 8 bytes first,
 *  DuckDB's (and the API: lists in key order, walks after a key, ties by member) compare as
 *  the text does, so the text is stored, and UUID parameters are read as UUIDs (checked,
 *  any case) and written back as that text. */
export function chType(t: CastType): string {
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return `Decimal(${decimal[1]}, ${decimal[2]})`;
  switch (t) {
    case 'BIGINT':
      return 'Int64';
    case 'INTEGER':
      return 'Int32';
    case 'HUGEINT':
      return 'Int128';
    case 'VARCHAR':
      return 'String';
    case 'TIMESTAMP':
      return "DateTime64(6, 'UTC')";
    case 'DATE':
      return 'Date32';
    case 'BOOLEAN':
      return 'Bool';
    case 'UUID':
      return 'String';
    default:
      throw new Error(`no ClickHouse type for ${t}`);
  }
}

const decimalScale = (t: CastType): number | undefined => {
  const m = /^DECIMAL\(\d+,\s*(\d+)\)$/.exec(t);
  return m ? Number(m[1]) : undefined;
};

/** Decimal parameters' scale: at least that of any stored column. DuckDB binds the
 *  narrowest DECIMAL holding a value and widens it to compare; ClickHouse compares two
 *  decimals in the type of the one with the larger scale, so a DECIMAL(5,3) column beside
 *  1234567890.12 bound as Decimal(38, 2) fails the query (an overflow) instead of matching
 *  nothing. */
const PARAM_SCALE = 18;

/** A parameter's type: a decimal as Decimal(38, >= PARAM_SCALE). */
function paramType(t: CastType): string {
  const d = decimalScale(t);
  return d === undefined ? chType(t) : `Decimal(38, ${Math.max(d, PARAM_SCALE)})`;
}

/** The type of an untyped parameter, from its value. */
function inferred(v: Param): CastType {
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return 'BIGINT';
  if (typeof v === 'number') throw new Error('a fractional number parameter needs its type (an exact DECIMAL)');
  return 'VARCHAR';
}

const cmp =
  (op: string): PredicateSql =>
  (c, [v]) =>
    `${c} ${op} ${v}`;

/** A PERIODS step (`1 DAY`, `3 MONTH`) as its count and ClickHouse unit. */
function stepOf(step: string): { n: number; unit: string } {
  const m = /^(\d+) (HOUR|DAY|MONTH|YEAR)$/.exec(step);
  if (!m) throw new Error(`not a bucket step: ${step}`);
  return { n: Number(m[1]), unit: m[2]!.toLowerCase() };
}

const toInterval: Readonly<Record<string, string>> = { hour: 'toIntervalHour', day: 'toIntervalDay', month: 'toIntervalMonth', year: 'toIntervalYear' };

/** An instant (or a date, its midnight in UTC) floored to its second, as a DateTime64 of
 *  seconds. */
function floorSeconds(ts: string): string {
  const us = `toUnixTimestamp64Micro(toDateTime64(${ts}, 6, 'UTC'))`;
  return `fromUnixTimestamp64Second(intDiv(${us}, 1000000) - (${us} % 1000000 < 0), 'UTC')`;
}

/** The wall clock of an instant in a zone, as a UTC timestamp (dialect localTime). The
 *  zone is toString's argument, read per row: toTimeZone() with a zone from a column (a
 *  member's) gives a value whose type has one zone for every row. */
const localWall = (tz: string, ts: string): string => `toDateTime64(toString(${ts}, ${tz}), 6, 'UTC')`;

/** Text as a ClickHouse string literal: for the engine's own constants only. */
const literal = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

export const clickhouse: Dialect = {
  name: 'clickhouse',
  // Named parameters ({p1:Int64}): the value travels beside the text and is never parsed as
  // SQL. A null is bound as a Nullable of the type.
  param: (i, type, value) => {
    if (type === 'UUID') return `toString({p${i}:${value === null ? 'Nullable(UUID)' : 'UUID'}})`;
    const t = paramType(type ?? inferred(value));
    return `{p${i}:${value === null ? `Nullable(${t})` : t}}`;
  },
  // A list of decimals travels as text (a JSON number would round past 15 digits, and
  // ClickHouse reads no quoted decimal in an array) and is cast in the query.
  listParam: (i, type) => {
    if (type === 'UUID') return `arrayMap(x -> toString(x), {p${i}:Array(UUID)})`;
    const d = decimalScale(type);
    return d === undefined ? `{p${i}:Array(${chType(type)})}` : `CAST({p${i}:Array(String)} AS Array(Decimal(38, ${Math.max(d, PARAM_SCALE)})))`;
  },
  listContains: (list, v) => `has(${list}, ${v})`,
  // ClickHouse inlines a CTE into each reader (a scan of the facts each time). Its
  // MATERIALIZED CTEs (enable_materialized_cte, 26.7) answered wrongly here (an empty
  // also-bought, errors in category subtrees): not used.
  cteHint: () => '',
  rowPosition: null,
  functions: {
    coalesce: (a) => `COALESCE(${a.join(', ')})`,
    nullif: ([x, y]) => `nullIf(${x}, ${y})`,
    // DuckDB's trim removes spaces only (a tab stays); trimBoth's default takes more.
    trim: ([x]) => `trimBoth(${x}, ' ')`,
    // `||` is concat, null when any part is (as in DuckDB).
    concat: (a) => `(${a.join(' || ')})`,
    multiply: (a) => `(${a.join(' * ')})`,
    add: (a) => `(${a.join(' + ')})`,
    subtract: ([x, y]) => `(${x} - ${y})`,
    // Whole seconds between two instants, rounded toward zero (DuckDB's `//`).
    seconds_between: ([x, y]) => `intDiv(toUnixTimestamp64Micro(${y}) - toUnixTimestamp64Micro(${x}), 1000000)`,
  },
  // With cast_keep_nullable, a null stays null (a CAST to Int64 would refuse it).
  cast: (e, t) => `CAST(${e} AS ${chType(t)})`,
  raiseIf: (cond, m) => `nullIf(throwIf(${cond}, ${literal(m)}), 0)`,
  nullOf: (t) => `CAST(NULL AS Nullable(${chType(t)}))`,
  // `//` starts a comment in ClickHouse. intDiv rounds toward zero, as DuckDB's `//` does.
  intDiv: (a, b) => `intDiv(${a}, ${b})`,
  bigCount: (c) => `toInt64(${c})`,
  countIf: (c) => `toInt64(countIf(${c}))`,
  // None is relied on here to pick exactly the nearest rank: callers rank the values.
  nearestRanks: () => null,
  // avg() of a decimal divides a double made from the decimal (1.1 * 3 / 3 is not 1.1):
  // the exact sum in units of 10^-scale over the count, one rounding, as DuckDB's.
  avg: (e, scale) => {
    const k = 10 ** scale;
    const sum = scale === 0 ? `sum(${e})` : `sum(CAST(${e} * ${k} AS Int128))`;
    return `if(count(${e}) = 0, NULL, toFloat64(${sum}) / ${scale === 0 ? `count(${e})` : `(count(${e}) * ${k})`})`;
  },
  keepName: (q, name) => `${q} AS ${name}`,
  // lag() gives the type's default (0) before the first row: a Nullable's default is NULL.
  lag: (v, over) => `lag(toNullable(${v})) ${over}`,
  // ClickHouse's recursive CTEs take UNION ALL only; the trees walked are acyclic.
  recursiveUnion: 'UNION ALL',
  // No ORDER BY inside an aggregate: each row's place in its list is numbered first, and the
  // list sorted by it.
  childList: (key, fields, order, from) =>
    `SELECT "__k", arrayMap(x -> x.2, arraySort(x -> x.1, groupArray(("__r", "__s")))) AS "__v" FROM (
    SELECT ${key} AS "__k", row_number() OVER (PARTITION BY ${key} ORDER BY ${order.join(', ')}) AS "__r", tuple(${fields.map(([n, sql]) => `${sql} AS ${ident(n)}`).join(', ')}) AS "__s"
    FROM ${from}
  ) GROUP BY "__k"`,
  anyValue: (e) => `any(${e})`,
  nullSafeEquals: (a, b) => `${a} IS NOT DISTINCT FROM ${b}`,
  // date_trunc gives a Date32 for days and longer: wall-clock bucket starts stay instants
  // of the UTC calendar, as DuckDB's TIMESTAMPs.
  // ClickHouse truncates an instant before 1970 with a fraction of a second toward 1970
  // (1969-12-31 23:59:59.5 is in January 1970): whole seconds first, floored.
  truncate: (unit, ts) => `toDateTime64(date_trunc(${unit}, ${floorSeconds(ts)}), 6, 'UTC')`,
  // The wall clock of an instant in a zone, as a UTC timestamp: the instant written in the
  // zone (DST included) and read back in UTC. timeZoneOffset() is wrong before 1970 in zones
  // west of Greenwich (a day too many: +20 h for -4 h); the zone's own text is right.
  localTime: (tz, ts) => localWall(tz, ts),
  // `%` keeps the dividend's sign, as DuckDB's does: the same formulas.
  floorDiv: (a, b) => `intDiv((${a}) - ((((${a}) % (${b})) + (${b})) % (${b})), ${b})`,
  floorMod: (a, b) => `((((${a}) % (${b})) + (${b})) % (${b}))`,
  // The wall clock as localTime writes it, less the instant: exact to the microsecond. A zone
  // read from a column needs allow_nonconst_timezone_arguments (settings.ts).
  zoneOffsetMicros: (tz, ts) => `(toUnixTimestamp64Micro(${localWall(tz, ts)}) - toUnixTimestamp64Micro(${ts}))`,
  integerSeries: (lo, hi) => `arrayJoin(range(toInt64(${lo}), toInt64(${hi})))`,
  dateOfDay: (d) => `addDays(toDate32('1970-01-01'), toInt32(${d}))`,
  epochMicros: (ts) => `toUnixTimestamp64Micro(${ts})`,
  fromEpochMicros: (us) => `fromUnixTimestamp64Micro(toInt64(${us}), 'UTC')`,
  bucketRange: (lo, hi, step, from) => {
    const { n, unit } = stepOf(step);
    const [a, b] = [`assumeNotNull(${lo})`, `assumeNotNull(${hi})`];
    return `SELECT arrayJoin(arrayMap(i -> ${a} + ${toInterval[unit]}(i * ${n}), range(toUInt64(intDiv(dateDiff('${unit}', ${a}, ${b}), ${n}) + 1)))) AS b FROM ${from} WHERE ${lo} IS NOT NULL`;
  },
  bucketBefore: (b, step) => `(${b} - INTERVAL ${step})`,
  bucketsBetween: (unit, from, to) => `dateDiff(${unit}, ${from}, ${to})`,
  // Distinct sets (bitstrings) are DuckDB's accelerator: the ClickHouse engine compiles
  // without them (compile options { rollups: false }).
  bitsetAgg: () => {
    throw new Error('distinct sets are built on DuckDB only');
  },
  bitsetUnionCount: () => {
    throw new Error('distinct sets are built on DuckDB only');
  },
  formatTime: (c, format) => `formatDateTime(${c}, ${format})`,
  quarterLabel: (c) => `concat(toString(toYear(${c})), '-Q', toString(toQuarter(${c})))`,
  // toString gives `YYYY-MM-DD hh:mm:ss.ffffff`: milliseconds, or all six digits.
  isoInstant: (c) => `concat(replaceOne(substring(toString(${c}), 1, if(toUnixTimestamp64Micro(${c}) % 1000 = 0, 23, 26)), ' ', 'T'), 'Z')`,
  zonedIsoInstant: (c, tz) => {
    const local = localWall(tz, c);
    const off = `intDiv(toUnixTimestamp64Micro(${local}) - toUnixTimestamp64Micro(${c}), 1000000)`;
    const us = `((toUnixTimestamp64Micro(${c}) % 1000000 + 1000000) % 1000000)`;
    const fraction = `if(${us} = 0, '', concat('.', leftPad(toString(${us}), 6, '0')))`;
    const two = (x: string) => `leftPad(toString(${x}), 2, '0')`;
    const seconds = `if(abs(${off}) % 60 = 0, '', concat(':', ${two(`abs(${off}) % 60`)}))`;
    return `concat(replaceOne(substring(toString(${local}), 1, 19), ' ', 'T'), ${fraction}, if(${off} < 0, '-', '+'), ${two(`intDiv(abs(${off}), 3600)`)}, ':', ${two(`intDiv(abs(${off}) % 3600, 60)`)}, ${seconds})`;
  },
  // Tuples sort by their elements in order, as DuckDB's structs.
  sortList: (l) => `arraySort(${l})`,
  mapList: (l, x, body) => `arrayMap(${x} -> ${body}, ${l})`,
  // A named tuple is written as an object (settings.ts); 64-bit integers come quoted there.
  jsonObject: (members) => `toJSONString(tuple(${members.map(([n, v]) => `${v} AS ${ident(n)}`).join(', ')}))`,
  minutesText: (c) => `concat(formatDateTime(${c}, '%M'), ' ', toString(toDayOfMonth(${c})), ' ', formatDateTime(${c}, '%Y %H:%i'))`,
  // lower() is ASCII only in ClickHouse; lowerUTF8 folds other letters as DuckDB's lower().
  // Functions, not LIKE: `%`, `_` and `\` in the value are ordinary characters.
  operators: {
    eq: { sql: cmp('=') },
    gt: { sql: cmp('>') },
    gte: { sql: cmp('>=') },
    lt: { sql: cmp('<') },
    lte: { sql: cmp('<=') },
    // `c IN (v1, v2)` converts the values to the column's type (a value too large for a
    // DECIMAL(5,3) column fails the query, where DuckDB finds no match): equalities compare
    // in a type that holds both. Long lists: has(), bound as one list.
    in: { sql: (c, vs) => `(${vs.map((v) => `${c} = ${v}`).join(' OR ')})`, list: (c, l) => `has(${l}, ${c})` },
    between: { sql: (c, [lo, hi]) => `${c} BETWEEN ${lo} AND ${hi}` },
    contains: { sql: (c, [v]) => `position(lowerUTF8(${c}), lowerUTF8(${v})) > 0` },
    startswith: { sql: (c, [v]) => `startsWith(lowerUTF8(${c}), lowerUTF8(${v}))` },
    endswith: { sql: (c, [v]) => `endsWith(lowerUTF8(${c}), lowerUTF8(${v}))` },
    iexact: { sql: (c, [v]) => `lowerUTF8(${c}) = lowerUTF8(${v})` },
    // RE2 both: match() finds the pattern anywhere, as regexp_matches does.
    regex: { sql: (c, [v]) => `match(${c}, ${v})` },
    notnull: { sql: (c) => `${c} IS NOT NULL` },
  },
};
