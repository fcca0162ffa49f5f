// Series plans -> SQL: views (and blogs created) per calendar period in a zone, zero-filled,
// with growth against the period just before. Pure: no I/O.
import type { Catalog } from '../catalog.ts';
import { tableDef } from '../catalog.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { ColumnRef } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { PERIODS } from './periods.ts';
import type { Plan } from './plan.ts';
import { chooseFamily, decompose } from './rollups.ts';
import { segmentsSql, windowSql } from './segments.ts';

export type SeriesPlan = Extract<Plan, { kind: 'series' }>;

/** Reads fact-table columns from the blog table, for the blog-side part of a filter:
 *  `blog_id` is the blog's id, `author_id` its author_id, and so on, from the catalog. */
function blogColumns(catalog: Catalog, table: string): ColumnRef {
  const t = tableDef(catalog, table);
  const map = new Map<string, string>();
  for (const c of catalog.fact.columns) {
    const [head, ...rest] = c.path.split('__');
    if (head !== table) continue;
    const tail = rest.join('__');
    const rel = t.relations.find((r) => r.name === tail);
    map.set(c.name, tail === '' ? 'id' : rel ? rel.column : tail);
  }
  return (factColumn) => {
    const col = map.get(factColumn);
    if (col === undefined) throw new Error(`fact column ${factColumn} has no counterpart on ${table}`);
    return ident(col);
  };
}

/** The percent change from `prev` (> 0) to `views`, rounded to 2 decimals half away from
 *  zero, exactly: in integers, as hundredths of a percent, then scaled to a DECIMAL with 2
 *  decimals. In doubles 4000 -> 4023 (0.575%) comes out just under the tie and rounds to
 *  0.57. Integer arithmetic only, so that another SQL engine can run it the same way. */
function growthSql(views: string, prev: string): string {
  const diff = `(${views} - ${prev})`;
  const hundredths = `((2 * 10000 * abs(${diff}) + ${prev}) // (2 * ${prev}))`;
  return `CAST(CASE WHEN ${diff} < 0 THEN -${hundredths} ELSE ${hundredths} END AS DECIMAL(18, 0)) * 0.01`;
}

export function compileSeries(plan: SeriesPlan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, options: CompileOptions, params: Params): string {
  const fact = ident(catalog.fact.name);
  const p = PERIODS[plan.period];
  // Bound only where it is used: in UTC no zone is looked up.
  const tz = plan.tz === 'UTC' ? '' : params.add(plan.tz, 'VARCHAR');
  const unit = params.add(p.unit, 'VARCHAR');
  // Converting every row to local time is the costly part: count per UTC quarter hour
  // first, then convert only those. Exact wherever the zone's offset is a whole number of
  // quarter hours, which holds for every zone since 1980 (Nepal is +5:45; Kiritimati was
  // -10:40 until 1979, and local mean times before ~1900 are to the second).
  const QUARTER_US = 900_000_000;
  // Floor division: `//` truncates toward zero, which would put an instant before 1970 in
  // the quarter after its own (and so, at a bucket's edge, in the next bucket).
  const quarter = (col: string) => {
    const us = `epoch_us(${col})`;
    return `(CASE WHEN ${us} >= 0 THEN ${us} // ${QUARTER_US} ELSE (${us} + 1) // ${QUARTER_US} - 1 END)`;
  };
  const local = (q: string) => `date_trunc(${unit}, timezone(${tz}, make_timestamp(${q} * ${QUARTER_US})::TIMESTAMPTZ))`;
  /** Rows of `table` per bucket of `col`, as the CTE `name` (b, <count>). In UTC the instant
   *  is already the wall time: truncate it, with no zone lookup. */
  const bucketed = (name: string, count: string, table: string, col: string, where: string[]) =>
    plan.tz === 'UTC'
      ? `${name} AS (
  SELECT date_trunc(${unit}, ${col}) AS b, count(*) AS ${count} FROM ${table} WHERE ${where.join(' AND ')} GROUP BY 1
)`
      : `${name}_q AS (
  SELECT ${quarter(col)} AS q, count(*) AS n FROM ${table} WHERE ${where.join(' AND ')} GROUP BY 1
), ${name} AS (
  SELECT ${local('q')} AS b, sum(n)::BIGINT AS ${count} FROM ${name}_q GROUP BY 1
)`;
  const blogWhere = [windowSql(ident('created_at'), plan.window, params)];
  const byAuthor = (p2: Params) => (plan.authorId === null ? [] : [`${ident('author_id')} = ${p2.add(plan.authorId, 'BIGINT')}`]);
  blogWhere.push(...byAuthor(params));
  if (plan.blogFilter) blogWhere.push(compileFilter(plan.blogFilter, fields, params, blogColumns(catalog, 'blog')));
  const viewConds = (p2: Params) => [...byAuthor(p2), ...(plan.filter ? [compileFilter(plan.filter, fields, p2)] : [])];
  // In UTC, whole days (and, for months and years, whole months) are whole buckets, so
  // the rollups can count them; other zones cut days apart and go by quarter hours.
  const needed = new Set([...(plan.authorId === null ? [] : ['author_id']), ...filterColumns(plan.filter, fields)]);
  const family = options.rollups === false || plan.tz !== 'UTC' ? undefined : chooseFamily(catalog, needed);
  const monthly = plan.period === 'month' || plan.period === 'year';
  const segments = family ? decompose(plan.window, monthly ? family : { day: family.day }) : [];
  let viewsSql: string;
  if (segments.some((seg) => seg.source.kind === 'rollup')) {
    const src = segmentsSql(segments, catalog, '1 AS one', viewConds, params, true);
    viewsSql = `v AS (
  SELECT date_trunc(${unit}, t) AS b, sum(n)::BIGINT AS views FROM (\n  ${src}\n) GROUP BY 1
)`;
  } else {
    const where = [windowSql(ident(catalog.fact.time), plan.window, params), ...viewConds(params)];
    viewsSql = bucketed('v', 'views', fact, ident(catalog.fact.time), where);
  }
  const label = params.add(p.label, 'VARCHAR');
  // Growth compares each bucket with the one just before it, empty or not (lag over the
  // zero-filled series); null for the first bucket and after a bucket with no views.
  const sql = `WITH ${viewsSql}, ${bucketed('bl', 'blogs', ident('blog'), ident('created_at'), blogWhere)}, span AS (
  SELECT min(b) AS lo, max(b) AS hi FROM (SELECT b FROM v UNION ALL SELECT b FROM bl)
), s AS (
  SELECT unnest(generate_series(lo, hi, ${p.step})) AS b FROM span WHERE lo IS NOT NULL
), filled AS (
  SELECT s.b, COALESCE(bl.blogs, 0) AS blogs, COALESCE(v.views, 0) AS views,
     lag(COALESCE(v.views, 0)) OVER (ORDER BY s.b) AS prev
  FROM s LEFT JOIN v ON v.b = s.b LEFT JOIN bl ON bl.b = s.b
)
SELECT strftime(b, '%Y-%m-%d') AS period, strftime(b, ${label}) AS label, blogs, views,
   CASE WHEN prev IS NULL OR prev = 0 THEN NULL ELSE ${growthSql('views', 'prev')} END AS growth
FROM filled ORDER BY b`;
  return sql;
}
