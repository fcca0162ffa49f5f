// Each plan kind of the generic engine: the SQL and parameters it compiles to, then its rows
// against plain SQL over the source Parquet files (joins of the four tables, no snapshot
// layout, no rollups, no quarter hours), on generated data with null viewers and countries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import type { AggregatePlan, SeriesPlan } from '../engine/query/nodes.ts';
import { growth } from '../engine/results.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('plans-');
let fast: Engine;
let raw: Engine;
let ref: Database;

const WINDOW = { start: '2025-03-01 00:00:00.000000', end: '2026-10-15 12:00:00.000000' };
// The source's tables joined as the plain SQL reads them.
const VIEWS = `blog_view v JOIN blog b ON b.id = v.blog_id LEFT JOIN country c ON c.id = v.country_id
  JOIN "user" a ON a.id = b.author_id
  WHERE v.viewed_at >= TIMESTAMP '${WINDOW.start}' AND v.viewed_at < TIMESTAMP '${WINDOW.end}'`;

beforeAll(async () => {
  const snap = await generatedSnapshot(dir.path, 20_000, 5);
  fast = await Engine.open(snap.db, { cacheEntries: 0 });
  raw = await Engine.open(snap.db, { cacheEntries: 0, rollups: false });
  ref = await parquetReference(snap.parquet);
}, 120_000);

afterAll(async () => {
  await fast?.close();
  await raw?.close();
  ref?.close();
  dir.cleanup();
});

const plain = (rows: readonly Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));

describe('aggregate plans', () => {
  const general: AggregatePlan = {
    kind: 'aggregate',
    dataset: 'blog',
    window: WINDOW,
    filter: undefined,
    dimensions: ['country__name', 'blog__author'],
    measures: ['views', 'viewers', 'total_duration', 'views_per_viewer'],
    labels: [],
    order: [{ by: 'views', dir: 'desc' }],
    nulls: 'keep',
    rank: { by: 'views', rank: 'rank', denseRank: 'dense_rank' },
    limit: 7,
    offset: 3,
  };

  it('compile to one statement with every value bound', () => {
    const { sql, params } = fast.compile(general);
    expect(params).toEqual([WINDOW.end, WINDOW.start, 7, 3]);
    expect(sql).toContain('count(DISTINCT f."user_id")');
    expect(sql).toContain('LEFT JOIN "country" AS "country_id>country" ON "country_id>country"."id" = f."country_id"');
    expect(sql).toContain('rank() OVER (ORDER BY m0 DESC NULLS LAST)');
    expect(sql).toContain('ORDER BY "views" DESC NULLS LAST, g0 ASC NULLS LAST, g1 ASC NULLS LAST LIMIT $3::BIGINT OFFSET $4::BIGINT');
    expect(sql).not.toMatch(/'\d{4}-/);
  });

  it('answer as plain SQL over the source files, ranks and null groups included', async () => {
    const want = plain(
      (
        await ref.query(`WITH g AS (
          SELECT c.name AS "country__name", b.author_id AS "blog__author", count(*) AS views, count(DISTINCT v.user_id) AS viewers,
                 sum(v.duration) AS total_duration FROM ${VIEWS} GROUP BY 1, 2)
        SELECT *, rank() OVER (ORDER BY views DESC) AS rank, dense_rank() OVER (ORDER BY views DESC) AS dense_rank FROM g
        ORDER BY views DESC, "country__name" NULLS LAST, "blog__author" LIMIT 7 OFFSET 3`)
      ).rows,
    );
    const total = Number((await ref.query(`SELECT count(*) AS n FROM (SELECT DISTINCT c.name, b.author_id FROM ${VIEWS})`)).rows[0]!['n']);
    const ratio = (views: number, viewers: number) => (viewers === 0 ? null : (Math.round((views * 100) / viewers) / 100).toFixed(2));
    for (const e of [fast, raw]) {
      const got = await e.run(general);
      expect(got.total).toBe(total);
      expect(got.rows).toEqual(want.map((w) => ({ ...w, views_per_viewer: ratio(w['views'] as number, w['viewers'] as number), rank: w['rank'], dense_rank: w['dense_rank'] })));
      expect(got.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['country__name:text', 'blog__author:integer', 'views:integer', 'viewers:integer', 'total_duration:integer', 'views_per_viewer:decimal', 'rank:integer', 'dense_rank:integer']);
    }
  });

  it('one key with a distinct count: the accelerated plans keep the null group', async () => {
    const keyed: AggregatePlan = { ...general, dimensions: ['country'], measures: ['views', 'blogs'], rank: undefined, labels: [{ name: 'name', path: 'country__name' }], limit: 1000, offset: 0 };
    const { sql } = fast.compile(keyed);
    expect(sql).toContain('"country_id" IS NULL');
    const want = plain(
      (await ref.query(`SELECT v.country_id AS country, c.name AS name, count(*) AS views, count(DISTINCT v.blog_id) AS blogs FROM ${VIEWS} GROUP BY 1, 2 ORDER BY views DESC, country NULLS LAST`)).rows,
    );
    expect(want.some((w) => w['country'] === null)).toBe(true);
    for (const e of [fast, raw]) expect((await e.run(keyed)).rows).toEqual(want.map((w) => ({ country: w['country'], name: w['name'], views: w['views'], blogs: w['blogs'] })));
  });
});

describe('series plans', () => {
  const series: SeriesPlan = {
    kind: 'series',
    dataset: 'blog',
    window: WINDOW,
    filter: undefined,
    granularity: 'month',
    tz: 'Europe/Berlin',
    dimensions: ['country__code'],
    measures: ['views', 'max_duration'],
    fill: true,
    compare: ['views'],
    running: ['views'],
    side: [],
    order: [],
    limit: 100_000,
    offset: 0,
  };

  it('compile the zone, the fill, the previous bucket and the running total', () => {
    const { sql, params } = fast.compile(series);
    expect(params.slice(0, 2)).toEqual(['Europe/Berlin', 'month']);
    expect(sql).toContain('timezone($1::VARCHAR,');
    expect(sql).toContain('CROSS JOIN grp');
    expect(sql).toContain('lag(m0) OVER (PARTITION BY g0 ORDER BY b)');
    expect(sql).toContain('sum(m0) OVER (PARTITION BY g0 ORDER BY b ROWS UNBOUNDED PRECEDING)');
  });

  it('answer as per-view local months over the source files, zero-filled per group', async () => {
    const rows = plain(
      (
        await ref.query(`SELECT strftime(date_trunc('month', timezone('Europe/Berlin', v.viewed_at::TIMESTAMPTZ)), '%Y-%m-%d') AS period,
          c.code AS code, count(*) AS views, max(v.duration) AS max_duration FROM ${VIEWS} GROUP BY 1, 2`)
      ).rows,
    );
    const periods = [...new Set(rows.map((r) => r['period'] as string))].sort();
    const months: string[] = [];
    for (let d = new Date(`${periods[0]}T00:00:00Z`); d.toISOString().slice(0, 10) <= periods.at(-1)!; d.setUTCMonth(d.getUTCMonth() + 1)) months.push(d.toISOString().slice(0, 10));
    const codes = [...new Set(rows.map((r) => r['code'] as string | null))].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
    const want: Record<string, unknown>[] = [];
    for (const code of codes) {
      let prev: number | null = null;
      let running = 0;
      for (const period of months) {
        const r = rows.find((x) => x['period'] === period && x['code'] === code);
        const views = (r?.['views'] as number | undefined) ?? 0;
        running += views;
        want.push({ period, country__code: code, views, views_previous: prev, views_growth: growth(views, prev, { type: 'integer' }), views_running: running, max_duration: r?.['max_duration'] ?? null });
        prev = views;
      }
    }
    // Default order: the period, ties by the dimension.
    want.sort((a, b) => (a['period'] as string).localeCompare(b['period'] as string) || codes.indexOf(a['country__code'] as string) - codes.indexOf(b['country__code'] as string));
    for (const e of [fast, raw]) {
      const got = await e.run(series);
      expect(got.total).toBe(want.length);
      expect(got.rows.map(({ label: _l, ...r }) => r)).toEqual(want.map((w) => ({ period: w['period'], country__code: w['country__code'], views: w['views'], views_previous: w['views_previous'], views_growth: w['views_growth'], views_running: w['views_running'], max_duration: w['max_duration'] })));
    }
  });
});

describe('list plans', () => {
  it('run through the engine: rows of a table with many-to-one paths, ordered, paged, with the count', async () => {
    const plan = {
      kind: 'list',
      dataset: 'blog',
      table: 'blog',
      filter: undefined,
      columns: ['id', 'title', 'author__username', 'country__code'],
      children: [],
      order: [{ by: 'created_at', dir: 'desc' }],
      limit: 5,
      offset: 3,
    } as const;
    const { sql, params } = fast.compile(plan);
    expect(params).toEqual([5, 3]);
    expect(sql).toContain('ORDER BY "__o0" DESC NULLS LAST, r."id" ASC');
    const want = plain(
      (
        await ref.query(`SELECT b.id, b.title, u.username AS author__username, c.code AS country__code FROM blog b JOIN "user" u ON u.id = b.author_id
          LEFT JOIN country c ON c.id = b.country_id ORDER BY b.created_at DESC, b.id LIMIT 5 OFFSET 3`)
      ).rows,
    );
    const total = Number((await ref.query('SELECT count(*) AS n FROM blog')).rows[0]!['n']);
    const got = await fast.run(plan);
    expect(got.total).toBe(total);
    expect(got.rows).toEqual(want);
    expect(got.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:integer', 'title:text', 'author__username:text', 'country__code:text']);
  });
});

describe('sums from rollups', () => {
  it('a sum of a column the rollups hold reads them, and answers as the fact rows do', async () => {
    const plan: AggregatePlan = {
      kind: 'aggregate', dataset: 'blog', window: WINDOW, filter: undefined, dimensions: ['country__name'], measures: ['views', 'total_duration'],
      labels: [], order: [], nulls: 'keep', limit: 1000, offset: 0,
    };
    expect(fast.compile(plan).sql).toContain('"sum_duration"');
    expect(fast.compile(plan).sql).toContain('"rollup_country_month"');
    expect(raw.compile(plan).sql).not.toContain('rollup');
    const want = plain((await ref.query(`SELECT c.name AS "country__name", count(*) AS views, sum(v.duration) AS total_duration FROM ${VIEWS} GROUP BY 1 ORDER BY views DESC, 1 NULLS LAST`)).rows);
    for (const e of [fast, raw]) expect((await e.run(plan)).rows).toEqual(want);
    const series: SeriesPlan = {
      kind: 'series', dataset: 'blog', window: WINDOW, filter: undefined, granularity: 'month', tz: 'UTC', dimensions: [], measures: ['total_duration'],
      fill: false, compare: [], running: ['total_duration'], side: [], order: [], limit: 1000, offset: 0,
    };
    expect(fast.compile(series).sql).toContain('"rollup_total_month"');
    const months = plain((await ref.query(`SELECT strftime(date_trunc('month', v.viewed_at), '%Y-%m-%d') AS period, sum(v.duration) AS total_duration FROM ${VIEWS} GROUP BY 1 ORDER BY 1`)).rows);
    let running = 0;
    const wantSeries = months.map((m) => ({ period: m['period'], total_duration: m['total_duration'], total_duration_running: (running += m['total_duration'] as number) }));
    for (const e of [fast, raw]) expect((await e.run(series)).rows.map(({ label: _l, ...r }) => r)).toEqual(wantSeries);
  });
});

describe('refusals', () => {
  it('a filled series of more than a million buckets x groups is a 400, before it is built', async () => {
    const plan: SeriesPlan = {
      kind: 'series', dataset: 'blog', window: WINDOW, filter: undefined, granularity: 'day', tz: 'UTC', dimensions: ['id'], measures: ['views'],
      fill: true, compare: [], running: [], side: [], order: [], limit: 10, offset: 0,
    };
    await expect(fast.run(plan)).rejects.toMatchObject({ name: 'QueryError', code: 'invalid_parameter', details: [{ path: '/time/fill' }] });
    // The same question unfilled is answered.
    expect((await fast.run({ ...plan, fill: false })).rows).toHaveLength(10);
  });

  it('side counts beside groups are refused by the compiler (they are per bucket)', () => {
    const plan: SeriesPlan = {
      kind: 'series', dataset: 'blog', window: WINDOW, filter: undefined, granularity: 'month', tz: 'UTC', dimensions: ['blog__author'], measures: ['views'],
      fill: true, compare: [], running: [], side: [{ name: 'blogs', relation: 'blog', time: 'created_at', filter: undefined }], order: [], limit: 10, offset: 0,
    };
    expect(() => fast.compile(plan)).toThrow(/side counts/);
  });
});
