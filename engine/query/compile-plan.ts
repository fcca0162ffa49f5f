// Plan -> SQL text and bound parameters. Pure: no I/O. Identifiers come from the catalog
// and this file through ident(); every value is a parameter.
import type { Catalog } from '../catalog.ts';
import { tableDef } from '../catalog.ts';
import { assertNever } from '../errors.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { ColumnRef } from '../filter/compile.ts';
import { Params } from '../params.ts';
import type { Param } from '../db.ts';
import { ident } from '../sql.ts';
import { PERIODS } from './periods.ts';
import type { GroupingName, Plan } from './plan.ts';
import type { TimeWindow } from './spec.ts';
import { chooseFamily, decompose } from './rollups.ts';
import type { Segment } from './rollups.ts';

export interface CompileOptions {
  /** Read whole days and months from rollups where that is exact (default: yes). */
  readonly rollups?: boolean;
}

export interface CompiledQuery {
  readonly sql: string;
  readonly params: Param[];
}

/** "first last", trimmed; the username where that is empty (spec section 1). */
const displayName = (a: string) =>
  `COALESCE(NULLIF(trim(COALESCE(${a}.first_name, '') || ' ' || COALESCE(${a}.last_name, '')), ''), ${a}.username)`;

interface Grouping {
  /** The fact column views are grouped by. */
  readonly key: string;
  /** Joins from the group (alias g) to what labels it (alias d). */
  readonly join: string;
  readonly x: string;
  /** `y`: distinct blogs viewed (from the group), or a label column. */
  readonly y: string;
}

const GROUPINGS: Readonly<Record<GroupingName, Grouping>> = {
  viewer_country: { key: 'country_id', join: `JOIN ${ident('country')} d ON d.id = g.id`, x: 'd.name', y: 'g.blogs' },
  viewer: { key: 'user_id', join: `JOIN ${ident('user')} d ON d.id = g.id`, x: displayName('d'), y: 'g.blogs' },
  author: { key: 'author_id', join: `JOIN ${ident('user')} d ON d.id = g.id`, x: displayName('d'), y: 'g.blogs' },
  blog: { key: 'blog_id', join: `JOIN ${ident('blog')} d ON d.id = g.id JOIN ${ident('user')} a ON a.id = d.author_id`, x: 'd.title', y: 'a.username' },
};

function windowSql(column: string, w: { readonly start: string | null; readonly end: string }, params: Params): string {
  const end = `${column} < ${params.add(w.end, 'TIMESTAMP')}`;
  return w.start === null ? end : `${column} >= ${params.add(w.start, 'TIMESTAMP')} AND ${end}`;
}

/** One SELECT per segment, UNION ALL: `cols` (with `t`, the row's instant or bucket start,
 *  where asked) and `n`, the number of views each output row stands for. */
function segmentsSql(segments: readonly Segment[], catalog: Catalog, cols: string, where: (p: Params) => string[], params: Params, withTime: boolean): string {
  return segments
    .map((seg) => {
      const fact = seg.source.kind === 'fact';
      const table = ident(seg.source.kind === 'fact' ? catalog.fact.name : seg.source.table);
      const timeCol = ident(fact ? 'viewed_at' : 'bucket');
      const conds = [windowSql(timeCol, { start: seg.from, end: seg.to }, params), ...where(params)];
      return `SELECT ${cols}${withTime ? `, ${timeCol} AS t` : ''}, ${fact ? '1' : ident('n')} AS n FROM ${table} WHERE ${conds.join(' AND ')}`;
    })
    .join('\n  UNION ALL ');
}

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

export function compilePlan(plan: Plan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, options: CompileOptions = {}): CompiledQuery {
  const params = new Params();
  const fact = ident(catalog.fact.name);
  switch (plan.kind) {
    case 'grouped': {
      const g = GROUPINGS[plan.grouping];
      const key = ident(g.key);
      const needed = new Set([g.key, 'blog_id', ...filterColumns(plan.filter, fields)]);
      const family = options.rollups === false ? undefined : chooseFamily(catalog, needed);
      const segments = family ? decompose(plan.window, family) : [];
      let pairsSql: string;
      if (segments.length > 1 || segments[0]?.source.kind === 'rollup') {
        const where = (p: Params) => [`${key} IS NOT NULL`, ...(plan.filter ? [compileFilter(plan.filter, fields, p)] : [])];
        const src = segmentsSql(segments, catalog, `${key} AS id, ${ident('blog_id')} AS blog_id`, where, params, false);
        pairsSql = `SELECT id, blog_id, sum(n)::BIGINT AS n FROM (\n  ${src}\n) GROUP BY id, blog_id`;
      } else {
        const where = [`${key} IS NOT NULL`, windowSql(ident('viewed_at'), plan.window, params)];
        if (plan.filter) where.push(compileFilter(plan.filter, fields, params));
        pairsSql = `SELECT ${key} AS id, ${ident('blog_id')} AS blog_id, count(*) AS n
  FROM ${fact} WHERE ${where.join(' AND ')} GROUP BY ${key}, ${ident('blog_id')}`;
      }
      const limit = params.add(plan.limit, 'BIGINT');
      const offset = params.add(plan.offset, 'BIGINT');
      // Two phases: (key, blog) pairs first, then per key. DuckDB does this faster than
      // count(DISTINCT) over the raw rows, and both give the same distinct-blog counts.
      const sql = `WITH pairs AS (
  ${pairsSql}
), g AS (
  SELECT id, count(*) AS blogs, sum(n)::BIGINT AS z FROM pairs GROUP BY id
), page AS (
  SELECT g.id, ${g.x} AS x, ${g.y} AS y, g.z FROM g ${g.join} ORDER BY g.z DESC, g.id ASC LIMIT ${limit} OFFSET ${offset}
)
SELECT (SELECT count(*) FROM g) AS total, page.id, page.x, page.y, page.z
FROM (SELECT 1) one LEFT JOIN page ON true
ORDER BY page.z DESC NULLS LAST, page.id ASC`;
      return { sql, params: params.values };
    }
    case 'series': {
      const p = PERIODS[plan.period];
      const tz = params.add(plan.tz, 'VARCHAR');
      const unit = params.add(p.unit, 'VARCHAR');
      // Converting every row to local time is the costly part: count per UTC quarter hour
      // first, then convert only those. Exact wherever the zone's offset is a whole number of
      // quarter hours, which holds for every zone in use since 1970 (Nepal is +5:45).
      const QUARTER_US = 900_000_000;
      const quarter = (col: string) => `(epoch_us(${col}) // ${QUARTER_US})`;
      const local = (q: string) => `date_trunc(${unit}, timezone(${tz}, make_timestamp(${q} * ${QUARTER_US})::TIMESTAMPTZ))`;
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
        const where = [windowSql(ident('viewed_at'), plan.window, params), ...viewConds(params)];
        viewsSql = `vq AS (
  SELECT ${quarter(ident('viewed_at'))} AS q, count(*) AS n FROM ${fact} WHERE ${where.join(' AND ')} GROUP BY 1
), v AS (
  SELECT ${local('q')} AS b, sum(n)::BIGINT AS views FROM vq GROUP BY 1
)`;
      }
      const label = params.add(p.label, 'VARCHAR');
      // Growth compares each bucket with the one just before it, empty or not (lag over the
      // zero-filled series); null for the first bucket and after a bucket with no views.
      const sql = `WITH ${viewsSql}, bq AS (
  SELECT ${quarter(ident('created_at'))} AS q, count(*) AS n FROM ${ident('blog')} WHERE ${blogWhere.join(' AND ')} GROUP BY 1
), bl AS (
  SELECT ${local('q')} AS b, sum(n)::BIGINT AS blogs FROM bq GROUP BY 1
), span AS (
  SELECT min(b) AS lo, max(b) AS hi FROM (SELECT b FROM v UNION ALL SELECT b FROM bl)
), s AS (
  SELECT unnest(generate_series(lo, hi, ${p.step})) AS b FROM span WHERE lo IS NOT NULL
), filled AS (
  SELECT s.b, COALESCE(bl.blogs, 0) AS blogs, COALESCE(v.views, 0) AS views,
         lag(COALESCE(v.views, 0)) OVER (ORDER BY s.b) AS prev
  FROM s LEFT JOIN v ON v.b = s.b LEFT JOIN bl ON bl.b = s.b
)
SELECT strftime(b, '%Y-%m-%d') AS period, strftime(b, ${label}) AS label, blogs, views,
       CASE WHEN prev IS NULL OR prev = 0 THEN NULL ELSE round((views - prev) * 100.0 / prev, 2) END AS growth
FROM filled ORDER BY b`;
      return { sql, params: params.values };
    }
    default:
      return assertNever(plan);
  }
}
