// A snapshot imported before the `all` grains, the country-only rollups and the country
// first-seen column (the layout of 2e413ff: country rollups per country and blog, no
// prev_country_blog_at, no rollup_*_all) is still served, exactly, by what it has: its
// answers are the fact table's and the JavaScript reference's over the source files, no
// statement names a table or column it lacks, and the per-viewer first-seen counts it does
// hold are still read. The old layout is made here from a new import, by SQL.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBlog, compileBlog } from '../engine/index.ts';
import type { QuerySpec } from '../engine/index.ts';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { formatUtc } from '../engine/values.ts';
import { END, generatedSnapshot, rng, tempDir } from './helpers.ts';
import { expectSameAnswer, referenceAnswer } from './analytics-reference.ts';
import type { SourceRows } from './analytics-reference.ts';
import type { Json } from './filter-semantics.ts';
import { flatBlogs, flatViews } from './flat-views.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('oldsnap-');
let fast: Engine;
let raw: Engine;
let source: SourceRows;

/** 2e413ff's country rollups: per country and the blog's columns, with sums, no firsts. */
const OLD_COUNTRY = ['country_id', 'blog_id', 'author_id', 'blog_country_id', 'blog_created_at'].join(', ');
const TO_OLD_LAYOUT = [
  ...['rollup_country_all', 'rollup_author_all', 'rollup_blog_all', 'rollup_user_all', 'rollup_country_day', 'rollup_country_month'].map((t) => `DROP TABLE ${t}`),
  `CREATE TABLE rollup_country_day AS SELECT date_trunc('day', viewed_at) AS bucket, ${OLD_COUNTRY}, count(*) AS n, sum(duration)::BIGINT AS sum_duration FROM fact_view GROUP BY ALL ORDER BY bucket, ${OLD_COUNTRY}`,
  `CREATE TABLE rollup_country_month AS SELECT date_trunc('month', bucket) AS bucket, ${OLD_COUNTRY}, sum(n)::BIGINT AS n, sum(sum_duration)::BIGINT AS sum_duration FROM rollup_country_day GROUP BY ALL ORDER BY bucket, ${OLD_COUNTRY}`,
  `ALTER TABLE fact_view DROP COLUMN prev_country_blog_at`,
  'CHECKPOINT',
];

beforeAll(async () => {
  const { parquet, db: fresh } = await generatedSnapshot(dir.path, 8000, 5);
  const old = join(dir.path, 'old.duckdb');
  copyFileSync(fresh, old);
  const db = await Database.open(old, { connections: 1 });
  try {
    for (const sql of TO_OLD_LAYOUT) await db.exec(sql);
  } finally {
    db.close();
  }
  fast = await Engine.open(old, { cacheEntries: 0 });
  raw = await Engine.open(old, { cacheEntries: 0, rollups: false });
  const ref = await parquetReference(parquet);
  try {
    source = { views: await flatViews(ref), blogs: await flatBlogs(ref) };
  } finally {
    ref.close();
  }
});
afterAll(() => {
  fast?.close();
  raw?.close();
  dir.cleanup();
});

const LO = Date.UTC(2024, 9, 1);
const HI = END.getTime() + 86_400_000;

describe('a snapshot of the layout before the all grains and the country first-seen column', () => {
  it('reads the per-viewer first-seen counts it holds (distinct blogs per viewer)', () => {
    for (const window of [{ start: null, end: formatUtc(HI) }, { start: null, end: '2026-05-17 13:00:00.000000' }, { start: '2026-01-01 00:00:00.000000', end: '2026-03-01 00:00:00.000000' }]) {
      const sql = compileBlog(fast, { kind: 'blog-views', objectType: 'user', window, filter: undefined, limit: 100, offset: 0 }).sql;
      // The first-seen column, or the rollups' counts of first views (`f`): not pairs.
      expect(sql, sql).toMatch(/prev_user_blog_at|\bf, n FROM "rollup_user_(day|month)"/);
      expect(sql, sql).not.toContain('late AS (');
    }
  });

  it('answers 200 random questions as the fact table and the reference do, never naming what it lacks', async () => {
    const r = rng(20261124);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const FILTERS: (Json | undefined)[] = [
      undefined,
      { field: 'blog__title', op: 'icontains', value: 'e' },
      { field: 'country__name', op: 'startswith', value: 'g' },
      { not: { field: 'blog__country__code', op: 'isnull', value: true } },
      { field: 'duration', op: 'gt', value: 30 },
      { field: 'user', op: 'isnull', value: false },
    ];
    let viaFirstSeen = 0;
    for (let i = 0; i < 200; i++) {
      const a = LO + Math.floor(r() * (HI - LO));
      const b = Math.min(HI, a + Math.floor(r() ** 2 * 500 * 86_400_000));
      const window = r() < 0.25 ? { start: null, end: formatUtc(HI) } : { start: r() < 0.2 ? null : formatUtc(a, Math.floor(r() * 1000)), end: formatUtc(b) };
      const json = pick(FILTERS);
      const filter = fast.parseFilter(json);
      const kind = pick(['blog-views', 'top', 'performance'] as const);
      let spec: QuerySpec;
      if (kind === 'blog-views') spec = { kind, objectType: pick(['country', 'user'] as const), window, filter, limit: 1000, offset: 0 };
      else if (kind === 'top') spec = { kind, topType: pick(['user', 'country', 'blog'] as const), window, filter, limit: 100 };
      else spec = { kind, compare: pick(['day', 'week', 'month', 'year'] as const), userId: r() < 0.3 ? 1 : null, window, tz: 'UTC', filter };
      const sql = compileBlog(fast, spec).sql;
      expect(sql).not.toMatch(/rollup_\w+_all|prev_country_blog_at/);
      if (/prev_user_blog_at|\bf, n FROM "rollup_user_/.test(sql)) viaFirstSeen++;
      const got = await askBlog(fast, spec);
      expect(got, JSON.stringify(spec)).toEqual(await askBlog(raw, spec));
      expectSameAnswer(got, referenceAnswer(spec, json, source), `reference: ${JSON.stringify(spec)}`);
    }
    expect(viaFirstSeen).toBeGreaterThan(10);
  }, 300_000);
});
