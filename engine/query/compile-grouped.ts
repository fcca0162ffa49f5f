// Grouped plans -> SQL: views per object (viewer, viewer's country, author, blog) in a
// window, with the distinct blogs each viewed, ordered and paged. Pure: no I/O.
import type { Catalog } from '../catalog.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident, sqlInteger } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { isBlogPath } from './plan.ts';
import type { GroupingName, Plan } from './plan.ts';
import { chooseFamily, decompose } from './rollups.ts';
import type { Segment } from './rollups.ts';
import { segmentsSql, unionSegments, windowSql } from './segments.ts';

export type GroupedPlan = Extract<Plan, { kind: 'grouped' }>;

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

/** How a grouped plan counts its groups' distinct blogs. All give the same answer; each
 *  applies only where the snapshot has what it reads and the filter lets it be exact.
 *  - `count`: the grouping's y is a label, so views are only counted;
 *  - `blog-sets`: unions of per-group blog bitstrings (stored ones where the filter names
 *    only the group key, built from rows elsewhere);
 *  - `first-seen`: counts the views that are their (group, blog) pair's first in the
 *    window, where the filter is constant within a pair;
 *  - `pairs`: (group, blog) pairs, then groups: the plain way, and the reference. */
export type Strategy = 'count' | 'blog-sets' | 'first-seen' | 'pairs';

const subset = (xs: ReadonlySet<string>, of: ReadonlySet<string>) => [...xs].every((x) => of.has(x));
const blogSide = (catalog: Catalog) => catalog.fact.columns.filter((c) => isBlogPath(c.path)).map((c) => c.name);

export function strategyFor(plan: GroupedPlan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions): Strategy {
  const g = GROUPINGS[plan.grouping];
  if (g.y !== 'g.blogs') return 'count';
  if (o.rollups === false) return 'pairs';
  const cols = filterColumns(plan.filter, fields);
  if (catalog.distinctSets.some((s) => s.key === g.key && s.distinct === 'blog_id' && o.idRanges?.[s.ids])) return 'blog-sets';
  if (o.firstSeen && catalog.firstSeen.some((f) => f.key === g.key) && subset(cols, new Set([g.key, ...blogSide(catalog)]))) return 'first-seen';
  return 'pairs';
}

/** The window as segments over a rollup family holding `needed`, or the fact table. */
function cut(plan: GroupedPlan, catalog: Catalog, needed: ReadonlySet<string>, o: CompileOptions): Segment[] {
  const family = o.rollups === false ? undefined : chooseFamily(catalog, needed);
  return family ? decompose(plan.window, family) : [{ source: { kind: 'fact' }, from: plan.window.start, to: plan.window.end }];
}

/** SQL for the relation (id, blogs, z): one row per group with its distinct blogs and views. */
function groupsSql(plan: GroupedPlan, strategy: Strategy, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params): string {
  const keyName = GROUPINGS[plan.grouping].key;
  const key = ident(keyName);
  const blog = ident('blog_id');
  const cols = filterColumns(plan.filter, fields);
  const where = (p: Params) => [`${key} IS NOT NULL`, ...(plan.filter ? [compileFilter(plan.filter, fields, p)] : [])];
  switch (strategy) {
    case 'count': {
      const segs = cut(plan, catalog, new Set([keyName, ...cols]), o);
      const src = segmentsSql(segs, catalog, `${key} AS id`, where, params, false);
      return `SELECT id, NULL::BIGINT AS blogs, sum(n)::BIGINT AS z FROM (\n  ${src}\n) GROUP BY id`;
    }
    case 'blog-sets': {
      const set = catalog.distinctSets.find((s) => s.key === keyName && s.distinct === 'blog_id')!;
      const range = o.idRanges![set.ids]!;
      const stored = subset(cols, new Set([set.key]));
      const segs = stored
        ? decompose(plan.window, { month: { name: set.month }, day: { name: set.day } })
        : cut(plan, catalog, new Set([set.key, 'blog_id', ...cols]), o);
      const bits = `bitstring_agg(${blog}, ${sqlInteger(range.min)}, ${sqlInteger(range.max)})`;
      const src = unionSegments(segs, catalog, where, params, (r) =>
        stored && !r.fact
          ? `SELECT ${key} AS id, n, bits FROM ${r.table} WHERE ${r.conds}`
          : `SELECT ${key} AS id, ${r.fact ? 'count(*)' : 'sum(n)'}::BIGINT AS n, ${bits} AS bits FROM ${r.table} WHERE ${r.conds} GROUP BY ${key}`);
      return `SELECT id, bit_count(bit_or(bits)) AS blogs, sum(n)::BIGINT AS z FROM (\n  ${src}\n) GROUP BY id`;
    }
    case 'first-seen': {
      const column = catalog.firstSeen.find((f) => f.key === keyName)!.column;
      const prev = ident(column);
      // With no lower bound, a view is a first exactly when it is its pair's first ever:
      // rollups that count those answer for whole days and months.
      const family = plan.window.start === null && o.rollups !== false ? chooseFamily(catalog, new Set([keyName, ...cols])) : undefined;
      if (family && family.day.firsts === column && (family.month === undefined || family.month.firsts === column)) {
        const src = unionSegments(decompose(plan.window, family), catalog, where, params, (r) =>
          r.fact
            ? `SELECT ${key} AS id, count(*) FILTER (WHERE ${prev} IS NULL) AS f, count(*) AS n FROM ${r.table} WHERE ${r.conds} GROUP BY ${key}`
            : `SELECT ${key} AS id, f, n FROM ${r.table} WHERE ${r.conds}`);
        return `SELECT id, sum(f)::BIGINT AS blogs, sum(n)::BIGINT AS z FROM (\n  ${src}\n) GROUP BY id`;
      }
      const conds = [windowSql(ident(catalog.fact.time), plan.window, params), ...where(params)];
      const first = plan.window.start === null ? `${prev} IS NULL` : `${prev} IS NULL OR ${prev} < ${params.add(plan.window.start, 'TIMESTAMP')}`;
      return `SELECT ${key} AS id, count(*) FILTER (WHERE ${first}) AS blogs, count(*) AS z FROM ${ident(catalog.fact.name)}
  WHERE ${conds.join(' AND ')} GROUP BY ${key}`;
    }
    case 'pairs': {
      // Two phases: (key, blog) pairs first, then per key. DuckDB does this faster than
      // count(DISTINCT) over the raw rows, and both give the same distinct-blog counts.
      const segs = cut(plan, catalog, new Set([keyName, 'blog_id', ...cols]), o);
      const src = segmentsSql(segs, catalog, `${key} AS id, ${blog} AS blog_id`, where, params, false);
      // A blog-side key (the author) is one per blog: grouping by the blog alone is the same
      // pairs, and a dense blog id groups in a perfect hash table (11 -> 7 ms, 10M views).
      const perBlog = o.rollups !== false && blogSide(catalog).includes(keyName);
      const pairs = perBlog ? `SELECT blog_id, any_value(id) AS id, sum(n) AS n FROM (\n  ${src}\n) GROUP BY blog_id` : `SELECT id, blog_id, sum(n) AS n FROM (\n  ${src}\n) GROUP BY id, blog_id`;
      return `SELECT id, count(*) AS blogs, sum(n)::BIGINT AS z FROM (
  ${pairs}
) GROUP BY id`;
    }
  }
}

export function compileGrouped(plan: GroupedPlan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params): string {
  const g = GROUPINGS[plan.grouping];
  const groups = groupsSql(plan, strategyFor(plan, catalog, fields, o), catalog, fields, o, params);
  const limit = params.add(plan.limit, 'BIGINT');
  const offset = params.add(plan.offset, 'BIGINT');
  // The page is cut before labels are joined, so that only its rows are labelled (every
  // group's id is in its label table: references are checked on import).
  return `WITH g AS (
  ${groups}
), top AS (
  SELECT id, blogs, z FROM g ORDER BY z DESC, id ASC LIMIT ${limit} OFFSET ${offset}
), page AS (
  SELECT g.id, ${g.x} AS x, ${g.y} AS y, g.z FROM top g ${g.join}
)
SELECT (SELECT count(*) FROM g) AS total, page.id, page.x, page.y, page.z
FROM (SELECT 1) one LEFT JOIN page ON true
ORDER BY page.z DESC NULLS LAST, page.id ASC`;
}
