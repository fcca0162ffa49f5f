// Plan -> SQL text and bound parameters. Pure: no I/O. Identifiers come from the catalog
// and this file through ident(); every value is a parameter.
import type { Catalog } from '../catalog.ts';
import { tableDef } from '../catalog.ts';
import { assertNever } from '../errors.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter } from '../filter/compile.ts';
import type { ColumnRef } from '../filter/compile.ts';
import { Params } from '../params.ts';
import type { Param } from '../db.ts';
import { ident } from '../sql.ts';
import { PERIODS } from './periods.ts';
import type { GroupingName, Plan } from './plan.ts';
import type { TimeWindow } from './spec.ts';

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

function windowSql(column: string, w: TimeWindow, params: Params): string {
  const end = `${column} < ${params.add(w.end, 'TIMESTAMP')}`;
  return w.start === null ? end : `${column} >= ${params.add(w.start, 'TIMESTAMP')} AND ${end}`;
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

export function compilePlan(plan: Plan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>): CompiledQuery {
  const params = new Params();
  const fact = ident(catalog.fact.name);
  switch (plan.kind) {
    case 'grouped': {
      const g = GROUPINGS[plan.grouping];
      const key = ident(g.key);
      const where = [`${key} IS NOT NULL`, windowSql(ident('viewed_at'), plan.window, params)];
      if (plan.filter) where.push(compileFilter(plan.filter, fields, params));
      const limit = params.add(plan.limit, 'BIGINT');
      const offset = params.add(plan.offset, 'BIGINT');
      // One row even when the page is empty, so that the total is always known.
      // Two phases: (key, blog) pairs first, then per key. DuckDB does this faster than
      // count(DISTINCT) over the raw rows, and both give the same distinct-blog counts.
      const sql = `WITH pairs AS (
  SELECT ${key} AS id, ${ident('blog_id')} AS blog_id, count(*) AS n
  FROM ${fact} WHERE ${where.join(' AND ')} GROUP BY ${key}, ${ident('blog_id')}
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
      const viewWhere = [windowSql(ident('viewed_at'), plan.window, params)];
      const blogWhere = [windowSql(ident('created_at'), plan.window, params)];
      if (plan.authorId !== null) {
        viewWhere.push(`${ident('author_id')} = ${params.add(plan.authorId, 'BIGINT')}`);
        blogWhere.push(`${ident('author_id')} = ${params.add(plan.authorId, 'BIGINT')}`);
      }
      if (plan.filter) viewWhere.push(compileFilter(plan.filter, fields, params));
      if (plan.blogFilter) blogWhere.push(compileFilter(plan.blogFilter, fields, params, blogColumns(catalog, 'blog')));
      const label = params.add(p.label, 'VARCHAR');
      // Growth compares each bucket with the one just before it, empty or not (lag over the
      // zero-filled series); null for the first bucket and after a bucket with no views.
      const sql = `WITH vq AS (
  SELECT ${quarter(ident('viewed_at'))} AS q, count(*) AS n FROM ${fact} WHERE ${viewWhere.join(' AND ')} GROUP BY 1
), v AS (
  SELECT ${local('q')} AS b, sum(n)::BIGINT AS views FROM vq GROUP BY 1
), bq AS (
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
