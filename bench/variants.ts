// The benchmark's questions: each as the HTTP request a client sends and as the SQL the
// old service's schema answers it with in PostgreSQL (Django tables, its indexes).
import type { BlogEndpointName as EndpointName } from '../engine/index.ts';

export interface Variant {
  readonly name: string;
  readonly endpoint: EndpointName;
  /** Request members (besides as_of, which the runner adds). */
  readonly members: Record<string, unknown>;
  /** PostgreSQL text for the same answer, over schema `s`, with $1 = window start
   *  ('-infinity' for range=all) and $2 = end; rows {id, x, y, z} or the series columns. */
  readonly pg: (s: string) => string;
}

export interface BenchIds {
  /** The author with the most views, a busy country's id and code. */
  readonly author: number;
  readonly country: number;
  readonly countryCode: string;
}

const NAME = `COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.username)`;
const WIN = `v.viewed_at >= $1 AND v.viewed_at < $2`;

type Grouping = 'country' | 'user' | 'author' | 'blog';
function grouped(g: Grouping, extra = '', limit = 100, offset = 0) {
  return (s: string) => {
    const from: Record<Grouping, string> = {
      country: `SELECT c.id, c.name AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM ${s}.analytics_app_blogview v
                JOIN ${s}.analytics_app_country c ON c.id = v.country_id`,
      user: `SELECT u.id, ${NAME} AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM ${s}.analytics_app_blogview v
             JOIN ${s}.auth_user u ON u.id = v.user_id`,
      author: `SELECT u.id, ${NAME} AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM ${s}.analytics_app_blogview v
               JOIN ${s}.analytics_app_blog b ON b.id = v.blog_id JOIN ${s}.auth_user u ON u.id = b.author_id`,
      blog: `SELECT b.id, b.title AS x, u.username AS y, count(*) AS z FROM ${s}.analytics_app_blogview v
             JOIN ${s}.analytics_app_blog b ON b.id = v.blog_id JOIN ${s}.auth_user u ON u.id = b.author_id`,
    };
    const by: Record<Grouping, string> = { country: 'c.id, c.name', user: 'u.id', author: 'u.id', blog: 'b.id, b.title, u.username' };
    return `${from[g]} WHERE ${WIN} ${extra.replaceAll('$S', s)} GROUP BY ${by[g]} ORDER BY z DESC, 1 LIMIT ${limit} OFFSET ${offset}`;
  };
}

const PG_UNIT: Record<string, string> = { day: 'day', week: 'week', month: 'month', year: 'year' };
function series(period: string, author?: number) {
  return (s: string) => {
    const unit = PG_UNIT[period]!;
    const step = period === 'week' ? '7 days' : `1 ${unit}`;
    const a = author === undefined ? '' : ` AND b.author_id = ${Number(author)}`;
    const bw = `b.created_at >= $1 AND b.created_at < $2`;
    return `WITH v AS (SELECT date_trunc('${unit}', v.viewed_at AT TIME ZONE 'UTC') AS p, count(*) AS views
      FROM ${s}.analytics_app_blogview v JOIN ${s}.analytics_app_blog b ON b.id = v.blog_id WHERE ${WIN}${a} GROUP BY 1),
    bl AS (SELECT date_trunc('${unit}', b.created_at AT TIME ZONE 'UTC') AS p, count(*) AS blogs FROM ${s}.analytics_app_blog b WHERE ${bw}${a} GROUP BY 1),
    s AS (SELECT generate_series(min(p), max(p), interval '${step}') AS p FROM (SELECT p FROM v UNION ALL SELECT p FROM bl) x),
    f AS (SELECT s.p, COALESCE(bl.blogs, 0) AS blogs, COALESCE(v.views, 0) AS views, lag(COALESCE(v.views, 0)) OVER (ORDER BY s.p) AS prev
      FROM s LEFT JOIN v ON v.p = s.p LEFT JOIN bl ON bl.p = s.p)
    SELECT to_char(p, 'YYYY-MM-DD') AS period, blogs, views,
      CASE WHEN prev IS NULL OR prev = 0 THEN NULL ELSE round((views - prev) * 100.0 / prev, 2) END AS growth FROM f ORDER BY p`;
  };
}

export function variants(ids: BenchIds): Variant[] {
  const code = ids.countryCode.replaceAll("'", "''");
  return [
    // The old service's seven.
    { name: 'blog views by country', endpoint: 'blog-views', members: {}, pg: grouped('country') },
    { name: 'blog views by user', endpoint: 'blog-views', members: { object_type: 'user' }, pg: grouped('user') },
    { name: 'top users', endpoint: 'top', members: {}, pg: grouped('author', '', 10) },
    { name: 'top countries', endpoint: 'top', members: { top: 'country' }, pg: grouped('country', '', 10) },
    { name: 'top blogs', endpoint: 'top', members: { top: 'blog' }, pg: grouped('blog', '', 10) },
    { name: 'monthly performance', endpoint: 'performance', members: {}, pg: series('month') },
    { name: 'weekly performance', endpoint: 'performance', members: { compare: 'week' }, pg: series('week') },
    // Each range.
    ...(['day', 'week', 'year', 'all'] as const).map((range) => ({
      name: `blog views by country, range=${range}`, endpoint: 'blog-views' as const, members: { range }, pg: grouped('country'),
    })),
    // Filtered.
    {
      name: 'top blogs, title contains',
      endpoint: 'top',
      members: { top: 'blog', filters: { field: 'blog__title', op: 'icontains', value: 'data' } },
      pg: grouped('blog', `AND b.title ILIKE '%data%'`, 10),
    },
    {
      name: 'blog views by user, viewer country',
      endpoint: 'blog-views',
      members: { object_type: 'user', range: 'year', filters: { field: 'country__code', op: 'eq', value: ids.countryCode } },
      pg: grouped('user', `AND v.country_id IN (SELECT id FROM $S.analytics_app_country WHERE code = '${code}')`),
    },
    {
      name: 'top countries, one author',
      endpoint: 'top',
      members: { top: 'country', filters: { field: 'blog__author', op: 'eq', value: ids.author } },
      pg: grouped('country', `AND v.blog_id IN (SELECT id FROM $S.analytics_app_blog WHERE author_id = ${Number(ids.author)})`, 10),
    },
    {
      name: 'blog views by country, nested and/or/not',
      endpoint: 'blog-views',
      members: {
        range: 'year',
        filters: { operator: 'and', conditions: [
          { or: [{ field: 'user', op: 'isnull', value: true }, { field: 'duration', op: 'gte', value: 60 }] },
          { not: { field: 'country', op: 'eq', value: ids.country } },
        ] },
      },
      pg: grouped('country', `AND (v.user_id IS NULL OR v.duration >= 60) AND NOT (v.country_id IS NOT NULL AND v.country_id = ${Number(ids.country)})`),
    },
    // Deep pagination.
    { name: 'blog views by user, page 51', endpoint: 'blog-views', members: { object_type: 'user', range: 'all', offset: 5000 }, pg: grouped('user', '', 100, 5000) },
    // Selective, user-specific.
    { name: 'weekly performance, one author', endpoint: 'performance', members: { compare: 'week', user_id: ids.author }, pg: series('week', ids.author) },
    { name: 'daily performance, one author, month', endpoint: 'performance', members: { compare: 'day', user_id: ids.author, range: 'month' }, pg: series('day', ids.author) },
  ];
}
