// Series plans -> SQL: measures per calendar bucket of the fact time in a zone (and per
// group), between the first and last bucket holding rows, zero-filled where asked, with
// each measure's previous bucket and running total; side counts (rows of a related table
// by its own time) beside them. Pure: no I/O.
import type { Catalog } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { ColumnRef } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { answerValue, factColumnsOf } from './compile-aggregate.ts';
import type { Expr } from '../catalog.ts';
import { rollupSum } from '../catalog.ts';
import { compileExpr } from '../expr.ts';
import { aggregateSql, baseMeasures, ratioSql, rollupSums, summedColumn, zeroWhenEmpty } from './measures.ts';
import type { SeriesPlan } from './nodes.ts';
import { orderOf, orderSql } from './order.ts';
import { FILL_TOO_LARGE } from './refusals.ts';
import { PERIODS } from './periods.ts';
import { JoinSet, readPath, targetOf } from './paths.ts';
import { chooseFamily, decompose } from './rollups.ts';
import { additiveSegmentsSql, windowSql } from './segments.ts';
import { countedSegmentsSource } from './counted-segments.ts';

/** Reads fact columns on the table a relation leads to, for the part of a filter under that
 *  relation: the relation's key column is the table's key, a column copied from under it
 *  is the table's own column (or foreign key), from the catalog. */
function relationColumns(catalog: Catalog, relation: string): ColumnRef {
  const t = targetOf(catalog, relation);
  const map = new Map<string, string>();
  for (const c of catalog.fact.columns) {
    if (c.path !== relation && !c.path.startsWith(`${relation}__`)) continue;
    const tail = c.path.slice(relation.length + 2);
    const rel = t.relations.find((r) => r.name === tail);
    map.set(c.name, tail === '' ? (t.key ?? 'id') : rel ? rel.column : tail);
  }
  return (factColumn) => {
    const col = map.get(factColumn);
    if (col === undefined) throw new Error(`fact column ${factColumn} has no counterpart on ${t.name}`);
    return ident(col);
  };
}

// Converting every row to local time is the costly part: rows are counted per UTC quarter
// hour first, then only those are converted. Exact wherever the zone's offset is a whole
// number of quarter hours, which holds for every zone since 1980 (Nepal is +5:45; Kiritimati
// was -10:40 until 1979, and local mean times before ~1900 are to the second).
const QUARTER_US = 900_000_000;
const QUARTER_EXACT_FROM = '1980-01-01 00:00:00.000000';

/** Buckets x groups a filled series may hold (SPEC: a page is at most 100,000 rows; this
 *  bounds the work behind it). */
export const FILL_MAX_ROWS = 1_000_000;

/** Measures that re-aggregate from per-quarter-hour parts: counts and sums add up, minima
 *  and maxima of parts are the whole's. */
const REAGGREGATE: Readonly<Record<string, string | undefined>> = { count: 'sum', sum: 'sum', min: 'min', max: 'max' };

export function compileSeries(plan: SeriesPlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params, dialect: Dialect): string {
  // A side count is per bucket only: beside groups it would repeat the total in each.
  if (plan.side.length && plan.dimensions.length) throw new Error('series: side counts are per bucket, not per group of dimensions');
  const catalog = ds.catalog;
  const p = PERIODS[plan.granularity];
  const utc = plan.tz === 'UTC';
  // Bound only where it is used: in UTC no zone is looked up.
  const tz = utc ? '' : params.add(plan.tz, 'VARCHAR');
  const unit = params.add(p.unit, 'VARCHAR');
  const local = (instant: string) => (utc ? instant : dialect.localTime(tz, instant));
  const trunc = (instant: string) => dialect.truncate(unit, local(instant));
  const base = baseMeasures(ds, plan.measures);
  const kinds = base.map((m) => ds.measures[m]!.kind);
  // How each measure's per-quarter-hour parts add up to a bucket's value, if they do.
  const reaggregate = base.map((m) => {
    const def = ds.measures[m]!;
    return REAGGREGATE[def.kind] ?? (def.kind === 'count_distinct' && def.oneTime === true ? 'sum' : undefined);
  });
  /** Averages compared with their previous bucket: their sums and counts travel beside. */
  const exact = plan.compare.filter((m) => ds.measures[m]!.kind === 'avg');
  const joins = new JoinSet();
  // The counted rows' day and month grains (counted-segments.ts), where the filter is their condition.
  const counted =
    utc && p.rollup !== 'none' && exact.length === 0
      ? countedSegmentsSource({ ds, plan, dimensions: plan.dimensions, needed: new Set(factColumnsOf(fields, plan.dimensions)), measures: base, fields, o, params, dialect }, p.rollup === 'month' ? ['day', 'month'] : ['day'])
      : undefined;
  // A family keyed by a grouped path (RollupDef.paths) holds its value: no join.
  const reads = plan.dimensions.map((d) => counted?.path(d) ?? readPath(fields, d, 'f', joins, params, dialect));
  const dims = reads.map((r, i) => `${r.sql} AS g${i}`);
  const g = reads.map((_, i) => `g${i}`);
  const groupBy = (extra: number) => `GROUP BY ${[...Array(extra + reads.length).keys()].map((i) => i + 1).join(', ')}`;
  const time = `f.${ident(catalog.fact.time)}`;
  const filterCols = filterColumns(plan.filter, fields);
  const needed = new Set([...factColumnsOf(fields, plan.dimensions), ...filterCols]);
  const where = (q: Params) => (plan.filter ? [compileFilter(plan.filter, fields, q, ident, dialect)] : []);
  const factWhere = () => [windowSql(time, plan.window, params), ...(plan.filter ? [compileFilter(plan.filter, fields, params, (c) => `f.${ident(c)}`, dialect)] : [])];
  const fact = ident(catalog.fact.name);
  let v: string;
  // In UTC, whole days (and for months and longer, whole months) are whole buckets, so the
  // rollups count them; other zones cut days apart and go by quarter hours.
  // Counts and sums of columns add up across rollup rows (where the snapshot holds the sums).
  const sums = rollupSums(ds, base);
  const additive = sums !== undefined && (sums.length === 0 || o.rollupSums === true) && exact.length === 0;
  const family = utc && p.rollup !== 'none' && additive && o.rollups !== false ? chooseFamily(catalog, needed, new Set(sums), o.rollupTables, ['day', 'month']) : undefined;
  const segments = family ? decompose(plan.window, p.rollup === 'month' ? family : { day: family.day }) : [];
  if (counted) {
    v = `SELECT ${dialect.truncate(unit, 'f.t')} AS b${g.length ? ', ' : ''}${dims.join(', ')}, ${base.map((m, i) => `${counted.measure(m)} AS m${i}`).join(', ')}
  FROM ${counted.from} ${joins.sql} ${groupBy(1)}`;
  } else if (segments.some((s) => s.source.kind === 'rollup')) {
    const src = additiveSegmentsSql(segments, catalog, [...needed], sums!, where, params, true);
    const summed = (m: string) => {
      const c = summedColumn(ds, m);
      return c === undefined ? dialect.cast('sum(f.n)', 'BIGINT') : `sum(f.${ident(rollupSum(c))})`;
    };
    v = `SELECT ${dialect.truncate(unit, 'f.t')} AS b${g.length ? ', ' : ''}${dims.join(', ')}, ${base.map((m, i) => `${summed(m)} AS m${i}`).join(', ')}
  FROM (\n  ${src}\n) f ${joins.sql} ${groupBy(1)}`;
  } else if (!utc && reaggregate.every((r) => r !== undefined)) {
    const us = dialect.epochMicros(time);
    // Floor division: integer division truncates toward zero, which would put an instant
    // before 1970 in the quarter after its own (and so, at a bucket's edge, in the next one).
    const quarter = `(CASE WHEN ${us} >= 0 THEN ${dialect.intDiv(us, String(QUARTER_US))} ELSE ${dialect.intDiv(`(${us} + 1)`, String(QUARTER_US))} - 1 END)`;
    const parts = base.map((m, i) => `${aggregateSql(ds, m, 'f', params, dialect)} AS m${i}`);
    const again = base.map((_, i) => `${kinds[i] === 'count' || kinds[i] === 'count_distinct' ? dialect.cast(`sum(m${i})`, 'BIGINT') : `${reaggregate[i]!}(m${i})`} AS m${i}`);
    // Rows before 1980 (local mean times, odd offsets of the past) are converted one by one:
    // the quarter hours are exact only from then on.
    const cutoff = params.add(QUARTER_EXACT_FROM, 'TIMESTAMP');
    const recent = `SELECT ${dialect.fromEpochMicros(`q * ${QUARTER_US}`)} AS t${g.map((x) => `, ${x}`).join('')}, ${base.map((_, i) => `m${i}`).join(', ')} FROM (
  SELECT ${quarter} AS q${dims.map((d) => `, ${d}`).join('')}, ${parts.join(', ')} FROM ${fact} f ${joins.sql} WHERE ${[...factWhere(), `${time} >= ${cutoff}`].join(' AND ')} ${groupBy(1)}
)`;
    const older = `SELECT ${time} AS t${dims.map((d) => `, ${d}`).join('')}, ${parts.join(', ')} FROM ${fact} f ${joins.sql} WHERE ${[...factWhere(), `${time} < ${cutoff}`].join(' AND ')} ${groupBy(1)}`;
    v = `SELECT ${trunc('t')} AS b${g.map((x) => `, ${x}`).join('')}, ${again.join(', ')} FROM (
  ${recent}
  UNION ALL ${older}
) ${groupBy(1)}`;
  } else {
    const ms = base.map((m, i) => `${aggregateSql(ds, m, 'f', params, dialect)} AS m${i}`);
    // An average's growth is computed exactly from its sum and count (results.ts).
    const parts = exact.flatMap((m, j) => {
      const e = compileExpr((ds.measures[m] as { expr: Expr }).expr, (c) => `f.${ident(c)}`, params, dialect);
      return [`sum(${e}) AS x${j}`, `count(${e}) AS y${j}`];
    });
    v = `SELECT ${trunc(time)} AS b${dims.map((d) => `, ${d}`).join('')}, ${[...ms, ...parts].join(', ')} FROM ${fact} f ${joins.sql} WHERE ${factWhere().join(' AND ')} ${groupBy(1)}`;
  }
  const sides = plan.side.map((s, i) => {
    const t = targetOf(catalog, s.relation);
    const col = `x.${ident(s.time)}`;
    const conds = [windowSql(col, plan.window, params), ...(s.filter ? [compileFilter(s.filter, fields, params, (c) => `x.${relationColumns(catalog, s.relation)(c)}`, dialect)] : [])];
    return `s${i} AS (\n  SELECT ${trunc(col)} AS b, count(*) AS n FROM ${ident(t.name)} x WHERE ${conds.join(' AND ')} GROUP BY 1\n)`;
  });
  const measureRef = (m: string) => `m${base.indexOf(m)}`;
  const zeroed = (m: string) => zeroWhenEmpty(ds, m);
  const filledMeasure = (m: string, i: number) => (zeroed(m) ? `COALESCE(v.m${i}, 0) AS m${i}` : `v.m${i} AS m${i}`);
  const part = (w: string) => `OVER (${g.length ? `PARTITION BY ${g.join(', ')} ` : ''}ORDER BY b${w})`;
  /** A measure's value from the base columns of the row at `alias` (its parts, for a ratio). */
  const valueAt = (m: string, alias: string) => {
    const col = (x: string) => (alias === '' ? measureRef(x) : zeroed(x) ? `COALESCE(${alias}.p_${measureRef(x)}, 0)` : `${alias}.p_${measureRef(x)}`);
    return ds.measures[m]!.kind === 'ratio' ? ratioSql(ds, m, col, dialect) : col(m);
  };
  // The bucket just before: over the filled series, the row before (lag); unfilled, the
  // row of the bucket one step earlier, if any (0 for counts where there is none), but
  // nothing before the first bucket of all.
  const previous = (value: string, m: string | undefined, hidden?: string) => {
    if (plan.fill) return dialect.lag(value, part(''));
    const before = hidden !== undefined ? `p.p_${hidden}` : valueAt(m!, 'p');
    return `CASE WHEN b = (SELECT lo FROM span) THEN NULL ELSE ${before} END`;
  };
  const outMeasures = plan.measures.flatMap((m) => {
    const value = valueAt(m, '');
    return [
      `${value} AS ${ident(m)}`,
      ...(plan.compare.includes(m) ? [`${previous(value, m)} AS ${ident(`${m}_previous`)}`] : []),
      ...(plan.running.includes(m) ? [`sum(${value}) ${part(' ROWS UNBOUNDED PRECEDING')} AS ${ident(`${m}_running`)}`] : []),
    ];
  });
  const hidden = exact.flatMap((m, j) => [
    `x${j} AS ${ident(`__sum_${m}`)}`,
    `y${j} AS ${ident(`__count_${m}`)}`,
    `${previous(`x${j}`, undefined, `x${j}`)} AS ${ident(`__sum_${m}_previous`)}`,
    `${previous(`y${j}`, undefined, `y${j}`)} AS ${ident(`__count_${m}_previous`)}`,
  ]);
  const hiddenNames = exact.flatMap((m) => [`__sum_${m}`, `__count_${m}`, `__sum_${m}_previous`, `__count_${m}_previous`]);
  const partCols = exact.flatMap((_, j) => [`x${j}`, `y${j}`]);
  const names = [...plan.dimensions];
  const sortKey = (by: string) => (by === 'period' ? 'b' : names.includes(by) ? `g${names.indexOf(by)}` : ident(by));
  const terms = orderOf(plan);
  const order = orderSql(terms, [...plan.dimensions, 'period'], sortKey);
  const limit = params.add(plan.limit, 'BIGINT');
  const offset = params.add(plan.offset, 'BIGINT');
  const periodText = dialect.formatTime('b', params.add(p.period, 'VARCHAR'));
  const labelText = p.label === null ? dialect.quarterLabel('b') : dialect.formatTime('b', params.add(p.label, 'VARCHAR'));
  const outputs = [
    'period',
    'label',
    ...plan.dimensions,
    ...plan.measures.flatMap((m) => [m, ...(plan.compare.includes(m) ? [`${m}_previous`] : []), ...(plan.running.includes(m) ? [`${m}_running`] : [])]),
    ...plan.side.map((s) => s.name),
  ];
  // Filled: every group's every bucket from the first to the last (CROSS JOIN), empty ones
  // zero; unfilled: the buckets holding rows only, each with the bucket one step before.
  const filled = plan.fill
    ? `SELECT ${dialect.keepName('s.b', 'b')}${g.map((x) => `, ${dialect.keepName(`grp.${x}`, x)}`).join('')}, v.b IS NOT NULL AS nonempty, ${base.map(filledMeasure).join(', ')}${partCols.map((c) => `, v.${c}`).join('')}${plan.side.map((_, i) => `, COALESCE(s${i}.n, 0) AS side${i}`).join('')}
  FROM s CROSS JOIN grp JOIN guard ON guard.refused IS NULL LEFT JOIN v ON v.b = s.b${g.map((x) => ` AND ${dialect.nullSafeEquals(`v.${x}`, `grp.${x}`)}`).join('')}${plan.side.map((_, i) => ` LEFT JOIN s${i} ON s${i}.b = s.b`).join('')}`
    : `SELECT v.*, true AS nonempty${plan.side.map((_, i) => `, COALESCE(s${i}.n, 0) AS side${i}`).join('')} FROM v${plan.side.map((_, i) => ` LEFT JOIN s${i} ON s${i}.b = v.b`).join('')}`;
  // The previous bucket's row under other names (p_*), so that nothing in `out` is ambiguous.
  const prevCols = ['b', ...g, ...base.map((_, i) => `m${i}`), ...partCols].map((c) => `${c} AS p_${c}`).join(', ');
  const before = plan.fill || plan.compare.length === 0 ? '' : ` LEFT JOIN (SELECT ${prevCols} FROM v) p ON p.p_b = ${dialect.bucketBefore('filled.b', p.step)}${g.map((x) => ` AND ${dialect.nullSafeEquals(`p.p_${x}`, `filled.${x}`)}`).join('')}`;
  return `WITH v AS${dialect.cteHint('reused')} (
  ${v}
)${sides.map((x) => `, ${x}`).join('')}, span AS (
  SELECT min(b) AS lo, max(b) AS hi FROM (SELECT b FROM v${plan.side.map((_, i) => ` UNION ALL SELECT b FROM s${i}`).join('')})
)${plan.fill ? `, s AS (
  ${dialect.bucketRange('lo', 'hi', p.step, 'span')}
), grp AS (
  ${g.length ? `SELECT DISTINCT ${g.join(', ')} FROM v` : 'SELECT 1 AS one'}
), guard AS (
  SELECT ${dialect.raiseIf(`(SELECT count(*) FROM s) * (SELECT count(*) FROM grp) > ${params.add(FILL_MAX_ROWS, 'BIGINT')}`, FILL_TOO_LARGE)} AS refused
)` : ''}, filled AS (
  ${filled}
), out AS (
  SELECT b, nonempty${g.map((x) => `, ${x}`).join('')}, ${periodText} AS period, ${labelText} AS label${reads.map((r, i) => `, ${answerValue(r, dialect, `g${i}`)} AS ${ident(names[i]!)}`).join('')}, ${outMeasures.join(', ')}${hidden.map((h) => `, ${h}`).join('')}${plan.side.map((x, i) => `, side${i} AS ${ident(x.name)}`).join('')}
  FROM filled${before}
), kept AS (
  SELECT * FROM out${plan.fill ? '' : ' WHERE nonempty'}
), page AS (
  SELECT *, true AS present FROM kept ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}
)
SELECT (SELECT count(*) FROM kept) AS total, page.present, ${[...outputs, ...hiddenNames].map((n) => `page.${ident(n)}`).join(', ')}
FROM (SELECT 1) one LEFT JOIN page ON true
ORDER BY ${orderSql(terms, [...plan.dimensions, 'period'], (by) => `page.${sortKey(by)}`)}`;
}
