// A second reference for the query endpoint, to check the first (query-reference.ts) before
// the endpoint exists: plain SQL over the spec's four tables read from the source files
// (reference.ts), with DuckDB's own zone data, date_trunc and generate_series in place of
// Intl and loops. Filters are left out (filter-semantics.ts has its own differential test).
import type { Database, Param } from '../engine/db.ts';
import type { Json } from './filter-semantics.ts';
import type { Answer, ColumnType, Question } from './query-reference.ts';
import { DIMENSIONS, MEASURES } from './query-reference.ts';

const NAME = (t: string) => `CASE WHEN ${t}.id IS NULL THEN NULL ELSE COALESCE(NULLIF(trim(COALESCE(${t}.first_name, '') || ' ' || COALESCE(${t}.last_name, '')), ''), ${t}.username) END`;
const SQL: Record<string, string> = {
  id: 'v.id', duration: 'v.duration', viewed_at: 'v.viewed_at',
  user: 'v.user_id', user__id: 'u.id', user__username: 'u.username', user__first_name: 'u.first_name', user__last_name: 'u.last_name', user__display_name: NAME('u'),
  country: 'v.country_id', country__id: 'c.id', country__name: 'c.name', country__code: 'c.code',
  blog: 'v.blog_id', blog__id: 'b.id', blog__title: 'b.title', blog__created_at: 'b.created_at',
  blog__author: 'b.author_id', blog__author__id: 'a.id', blog__author__username: 'a.username', blog__author__first_name: 'a.first_name',
  blog__author__last_name: 'a.last_name', blog__author__display_name: NAME('a'),
  blog__country: 'b.country_id', blog__country__id: 'bc.id', blog__country__name: 'bc.name', blog__country__code: 'bc.code',
};
const STEP: Record<string, string> = { hour: 'INTERVAL 1 HOUR', day: 'INTERVAL 1 DAY', week: 'INTERVAL 7 DAY', month: 'INTERVAL 1 MONTH', quarter: 'INTERVAL 3 MONTH', year: 'INTERVAL 1 YEAR' };
const ISO = (x: string) => `CASE WHEN microsecond(${x}) % 1000 = 0 THEN strftime(${x}, '%Y-%m-%dT%H:%M:%S.%gZ') ELSE strftime(${x}, '%Y-%m-%dT%H:%M:%S.%fZ') END`;

/** Each measure as an exact fraction (num, den) over the columns of a row of `agg`
 *  (null where the measure is), and how it is written. */
const PARTS: Record<string, { num: string; den: string; out: string }> = {
  views: { num: 'views', den: '1', out: 'views' },
  blogs: { num: 'blogs', den: '1', out: 'blogs' },
  viewers: { num: 'viewers', den: '1', out: 'viewers' },
  total_duration: { num: 'total', den: '1', out: 'total' },
  max_duration: { num: 'mx', den: '1', out: 'mx' },
  avg_duration: { num: 'CASE WHEN views > 0 THEN total END', den: 'views', out: 'CASE WHEN views > 0 THEN total::DOUBLE / views END' },
  views_per_viewer: {
    num: 'CASE WHEN viewers > 0 THEN (200 * views + viewers) // (2 * viewers) END', den: '100',
    out: `CASE WHEN viewers > 0 THEN ((200 * views + viewers) // (2 * viewers) // 100)::VARCHAR || '.' || lpad(((200 * views + viewers) // (2 * viewers) % 100)::VARCHAR, 2, '0') END`,
  },
};

// The question's values are written into the SQL as literals: a test's own text, and a
// statement must use every parameter it is given.
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A window parameter as a UTC TIMESTAMP: a date alone at its local midnight in the zone. */
function instantSql(text: string, tz: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `timezone('UTC', timezone(${literal(tz)}, ${literal(text)}::DATE::TIMESTAMP))`;
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return `timezone('UTC', ${literal(text)}::TIMESTAMPTZ)`;
  return `${literal(text)}::TIMESTAMP`;
}

export async function sqlQuery(db: Database, q: Question): Promise<Answer> {
  if (q.filters !== undefined) throw new Error('sqlQuery: no filters');
  const tz = q.tz ?? 'UTC';
  const p: Param[] = [];
  const dims = q.dimensions ?? [];
  const g = q.time?.granularity;
  const asOf = instantSql(q.as_of!, tz);
  const explicit = q.start !== undefined || q.end !== undefined;
  const days = { day: 1, week: 7, month: 30, year: 365, all: null }[q.range ?? 'all'];
  const start = explicit ? (q.start === undefined ? 'NULL::TIMESTAMP' : instantSql(q.start, tz)) : days === null ? 'NULL::TIMESTAMP' : `${asOf} - INTERVAL ${days} DAY`;
  const end = explicit && q.end !== undefined ? `least(${instantSql(q.end, tz)}, ${asOf})` : asOf;
  const d = dims.map((x, i) => `d${i}`);
  const bucket = g === undefined ? [] : [`date_trunc('${g}', timezone(${literal(tz)}, v.viewed_at::TIMESTAMPTZ)) AS bk`];
  const keys = [...d, ...(g === undefined ? [] : ['bk'])];
  const base = `SELECT v.*, ${[...dims.map((x, i) => `${SQL[x]} AS d${i}`), ...bucket, 'TRUE AS t'].join(', ')}
    FROM blog_view v JOIN blog b ON b.id = v.blog_id JOIN "user" a ON a.id = b.author_id LEFT JOIN "user" u ON u.id = v.user_id
    LEFT JOIN country c ON c.id = v.country_id LEFT JOIN country bc ON bc.id = b.country_id, w
    WHERE (w.s IS NULL OR v.viewed_at >= w.s) AND v.viewed_at < w.e`;
  const agg = `SELECT ${[...keys, 'count(*) AS views', 'count(DISTINCT blog_id) AS blogs', 'count(DISTINCT user_id) AS viewers',
    'COALESCE(sum(duration), 0)::HUGEINT AS total', 'max(duration) AS mx'].join(', ')} FROM base ${keys.length ? `GROUP BY ${keys.join(', ')}` : ''}`;
  const same = (x: string, y: string) => d.map((k) => `${x}.${k} IS NOT DISTINCT FROM ${y}.${k}`).concat('TRUE').join(' AND ');
  const zero = (x: string) => `COALESCE(${x}.views, 0) AS views, COALESCE(${x}.blogs, 0) AS blogs, COALESCE(${x}.viewers, 0) AS viewers, COALESCE(${x}.total, 0) AS total, ${x}.mx AS mx`;
  let rowsSql: string;
  if (g === undefined) rowsSql = `SELECT * FROM agg`;
  else {
    const grid = q.time?.fill
      ? `SELECT ${[...d.map((k) => `gs.${k}`), 's.bk'].join(', ')} FROM (SELECT DISTINCT ${['t', ...d].join(', ')} FROM base) gs,
           (SELECT unnest(generate_series(lo, hi, ${STEP[g]})) AS bk FROM span WHERE lo IS NOT NULL) s`
      : `SELECT ${keys.join(', ')} FROM agg`;
    rowsSql = `SELECT ${[...d.map((k) => `x.${k}`), 'x.bk'].join(', ')}, ${zero('cur')},
        CASE WHEN x.bk = (SELECT lo FROM span) THEN NULL ELSE 1 END AS has_prev,
        COALESCE(pr.views, 0) AS p_views, COALESCE(pr.blogs, 0) AS p_blogs, COALESCE(pr.viewers, 0) AS p_viewers,
        COALESCE(pr.total, 0) AS p_total, pr.mx AS p_mx
      FROM (${grid}) x LEFT JOIN agg cur ON ${same('x', 'cur')} AND cur.bk = x.bk
      LEFT JOIN agg pr ON ${same('x', 'pr')} AND pr.bk = x.bk - ${STEP[g]}`;
  }
  const prevOf = (e: string) => `CASE WHEN has_prev IS NULL THEN NULL ELSE ${e.replace(/\b(views|blogs|viewers|total|mx)\b/g, 'p_$1')} END`;
  const cols: { name: string; type: ColumnType; sql: string; key: string }[] = [];
  if (g !== undefined) cols.push({ name: 'period', type: g === 'hour' ? 'datetime' : 'date', sql: `strftime(bk, '${g === 'hour' ? '%Y-%m-%dT%H:00:00' : '%Y-%m-%d'}')`, key: 'bk' });
  dims.forEach((x, i) => {
    const type = DIMENSIONS[x]!;
    cols.push({ name: x, type, sql: type === 'timestamp' ? ISO(`d${i}`) : `d${i}`, key: `d${i}` });
  });
  for (const m of q.measures) {
    const part = PARTS[m]!;
    cols.push({ name: m, type: MEASURES[m]!, sql: part.out, key: `${part.num} / ${part.den}` });
    if (q.time?.compare === 'previous') {
      const [cn, cd, pn, pd] = [part.num, part.den, prevOf(part.num), prevOf(part.den)];
      const n = `((${cn})::HUGEINT * (${pd}) - (${pn})::HUGEINT * (${cd})) * 10000`;
      const dd = `((${cd})::HUGEINT * (${pn}))`;
      const h = `(CASE WHEN ${n} < 0 THEN -1 ELSE 1 END) * ((2 * abs(${n}) + ${dd}) // (2 * ${dd}))`;
      cols.push({ name: `${m}_previous`, type: MEASURES[m]!, sql: prevOf(part.out), key: '' });
      cols.push({ name: `${m}_growth`, type: 'number', sql: `CASE WHEN (${cn}) IS NULL OR (${pn}) IS NULL OR (${pn}) = 0 THEN NULL ELSE (${h})::DOUBLE / 100 END`, key: '' });
    }
  }
  const keyOf = (by: string) => (by === 'period' ? 'bk' : cols.find((c) => c.name === by)!.key);
  const terms = q.order?.length ? q.order.map((t) => ({ by: t.by, dir: t.dir ?? 'asc' })) : [g === undefined ? { by: q.measures[0]!, dir: 'desc' } : { by: 'period', dir: 'asc' }];
  const order = [...terms, ...dims.map((by) => ({ by, dir: 'asc' })), ...(g === undefined ? [] : [{ by: 'period', dir: 'asc' }])]
    .map((t) => `${keyOf(t.by)} ${t.dir.toUpperCase()} NULLS LAST`);
  const limit = q.limit ?? 1000;
  const offset = q.offset ?? 0;
  const sql = `WITH w AS (SELECT ${start} AS s, ${end} AS e), base AS (${base}), agg AS (${agg}),
      span AS (SELECT min(bk) AS lo, max(bk) AS hi FROM ${g === undefined ? '(SELECT NULL::TIMESTAMP AS bk)' : 'agg'}),
      r AS (${rowsSql})
    SELECT ${cols.map((c, i) => `${c.sql} AS c${i}`).join(', ')}, count(*) OVER () AS n__ FROM r ORDER BY ${order.join(', ')} LIMIT ${limit} OFFSET ${offset}`;
  const { rows } = await db.query(sql, p);
  const win = (await db.query(`WITH w AS (SELECT ${start} AS s, ${end} AS e) SELECT ${ISO('s')} AS s, ${ISO('e')} AS e FROM w`, p)).rows[0]!;
  let count = rows.length === 0 ? 0 : Number(rows[0]!['n__']);
  if (rows.length === 0 && offset > 0) count = Number((await db.query(`WITH w AS (SELECT ${start} AS s, ${end} AS e), base AS (${base}), agg AS (${agg}), span AS (SELECT min(bk) AS lo, max(bk) AS hi FROM ${g === undefined ? '(SELECT NULL::TIMESTAMP AS bk)' : 'agg'}), r AS (${rowsSql}) SELECT count(*) AS n FROM r`, p)).rows[0]!['n']);
  return {
    columns: cols.map(({ name, type }) => ({ name, type })),
    data: rows.map((r) => Object.fromEntries(cols.map((c, i) => [c.name, plain(r[`c${i}`])]))),
    count,
    limit,
    offset,
    range: explicit ? null : q.range ?? 'all',
    window: { start: (win['s'] as string | null) ?? null, end: win['e'] as string },
  };
}

const plain = (v: unknown): Json => (typeof v === 'bigint' ? Number(v) : (v as Json));
