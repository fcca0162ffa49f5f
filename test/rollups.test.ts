// Rollups must answer exactly as the fact table: random windows, groupings, periods and
// filters, each run with and without them, and both as the JavaScript reference computes
// from the source files (so that a fault in the fact table itself cannot hide); and the
// window cut covers every instant once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBlog, compileBlog } from '../engine/index.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { Engine } from '../engine/engine.ts';
import { chooseFamily, decompose } from '../engine/query/rollups.ts';
import type { QuerySpec } from '../engine/index.ts';
import { formatUtc } from '../engine/values.ts';
import { analyticsFixture } from './analytics-fixture.ts';
import { rng, tempDir } from './helpers.ts';
import { expectSameAnswer, referenceAnswer } from './analytics-reference.ts';
import type { SourceRows } from './analytics-reference.ts';
import type { Json } from './filter-semantics.ts';
import { flatBlogs, flatViews } from './flat-views.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('roll-');
let fast: Engine;
let raw: Engine;
let source: SourceRows;

beforeAll(async () => {
  const fx = await analyticsFixture(dir.path, 8000);
  fast = await Engine.open(fx.db, { cacheEntries: 0 });
  raw = await Engine.open(fx.db, { cacheEntries: 0, rollups: false });
  const ref = await parquetReference(fx.source);
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
const HI = Date.UTC(2026, 11, 1);

describe('window cut', () => {
  const family = chooseFamily(blogCatalog, new Set(['blog_id', 'author_id']))!;
  it('chooses the smallest family that holds the needed columns, none when a viewer column is needed', () => {
    expect(family.day?.name).toBe('rollup_blog_day');
    expect(family.month?.name).toBe('rollup_blog_month');
    expect(family.all?.name).toBe('rollup_blog_all');
    expect(chooseFamily(blogCatalog, new Set(['country_id']))?.day?.firsts).toBe('prev_country_blog_at');
    expect(chooseFamily(blogCatalog, new Set(['country_id', 'blog_id']))).toBeUndefined();
    expect(chooseFamily(blogCatalog, new Set(['user_id', 'blog_id']))).toBeUndefined();
    expect(chooseFamily(blogCatalog, new Set(['duration']))).toBeUndefined();
    expect(chooseFamily(blogCatalog, new Set())?.month?.name).toBe('rollup_total_month');
    expect(chooseFamily(blogCatalog, new Set(['author_id']))?.day?.name).toBe('rollup_author_day');
    expect(chooseFamily(blogCatalog, new Set(['user_id']))?.day?.firsts).toBe('prev_user_blog_at');
    // Only the grains a snapshot holds, and only those a caller can read.
    const built = new Set(['rollup_blog_month', 'rollup_blog_all']);
    expect(chooseFamily(blogCatalog, new Set(['blog_id']), new Set(), built)).toEqual({ day: undefined, month: family.month, all: family.all });
    expect(chooseFamily(blogCatalog, new Set(['blog_id']), new Set(), built, ['day', 'month'])?.all).toBeUndefined();
    expect(chooseFamily(blogCatalog, new Set(['blog_id']), new Set(), new Set(['rollup_user_day']))).toBeUndefined();
  });

  it('reads the all grain only where the window holds every row of the data', () => {
    const span = { min: '2025-01-01 00:00:00.000000', max: '2026-10-31 23:59:59.999999' };
    const whole = [{ source: { kind: 'rollup', table: 'rollup_blog_all' }, from: null, to: null }];
    expect(decompose({ start: null, end: '2026-11-01 00:00:00.000000' }, family, span)).toEqual(whole);
    expect(decompose({ start: span.min, end: '2027-01-01 00:00:00.000000' }, family, span)).toEqual(whole);
    // The last row is not in the window, or a row before the start is not: no `all`.
    for (const w of [{ start: null, end: span.max }, { start: '2025-01-01 00:00:00.000001', end: '2026-11-01 00:00:00.000000' }])
      expect(decompose(w, family, span).map((s) => s.source.kind === 'rollup' && s.source.table)).not.toContain('rollup_blog_all');
    expect(decompose({ start: null, end: '2026-11-01 00:00:00.000000' }, family)).not.toEqual(whole);
  });

  it('covers the window exactly, in order, with rollups only on whole days and months', () => {
    const r = rng(7);
    for (let i = 0; i < 3000; i++) {
      const a = LO + Math.floor(r() * (HI - LO));
      const b = a + Math.floor(r() ** 3 * 400 * 86_400_000) + (r() < 0.1 ? 0 : 1);
      const start = r() < 0.15 ? null : formatUtc(r() < 0.2 ? Math.floor(a / 86_400_000) * 86_400_000 : a, Math.floor(r() * 1000));
      const end = formatUtc(b);
      const u = r();
      const segs = decompose({ start, end }, u < 0.4 ? family : u < 0.7 ? { day: family.day } : { month: family.month });
      expect(segs[0]!.from).toBe(start);
      expect(segs.at(-1)!.to).toBe(end);
      for (let j = 1; j < segs.length; j++) expect(segs[j]!.from).toBe(segs[j - 1]!.to);
      for (const s of segs) {
        if (s.source.kind === 'fact') continue;
        const month = s.source.table.endsWith('month');
        for (const edge of [s.from, s.to]) {
          if (edge === null) continue;
          expect(edge.slice(10)).toBe(' 00:00:00.000000');
          if (month) expect(edge.slice(8, 10)).toBe('01');
          // Within the window: a month grain without days leaves the partial months to the fact table.
          if (start !== null) expect(edge >= start).toBe(true);
          expect(edge <= end).toBe(true);
        }
      }
    }
  });
});

describe('rollups, blog sets, first-seen and last-ever counts and the copies by author and by country answer exactly as the fact table', () => {
  it('500 random questions', async () => {
    const r = rng(20261121);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const FILTERS: (Json | undefined)[] = [
      undefined,
      { field: 'blog__title', op: 'icontains', value: 'e' },
      { field: 'blog__author', op: 'in', value: [1, 2, 3, 5, 8] },
      { not: { field: 'blog__country__code', op: 'isnull', value: true } },
      { or: [{ field: 'blog', op: 'lt', value: 40 }, { field: 'blog__created_at', op: 'gte', value: '2026-01-01' }] },
      { field: 'country__name', op: 'startswith', value: 'g' },
      { and: [{ field: 'country', op: 'ne', value: 3 }, { field: 'blog__author__username', op: 'contains', value: 'a' }] },
      { field: 'duration', op: 'gt', value: 30 },
      { field: 'user', op: 'isnull', value: false },
      // One author: read from the copy stored by author (fact_view_by_author).
      { field: 'blog__author', op: 'eq', value: 2 },
      { and: [{ field: 'duration', op: 'gt', value: 10 }, { field: 'blog__author', op: 'eq', value: 3 }] },
      // One viewer country, by id or by its unique code: the copy stored by country.
      { field: 'country', op: 'eq', value: 2 },
      { and: [{ field: 'user', op: 'isnull', value: false }, { field: 'country__id', op: 'eq', value: 1 }] },
    ];
    let viaRollups = 0;
    let viaBlogSets = 0;
    let viaBitstrings = 0;
    let viaFirstSeen = 0;
    let viaFirstRollups = 0;
    let viaAll = 0;
    let viaLatePairs = 0;
    let viaCountryFirstSeen = 0;
    let viaProjection = 0;
    let viaLasts = 0;
    let viaCountryCopy = 0;
    for (let i = 0; i < 500; i++) {
      const a = LO + Math.floor(r() * (HI - LO));
      const b = Math.min(HI, a + Math.floor(r() ** 2 * 500 * 86_400_000));
      // One in ten holds every view: the all grains answer those.
      const window = r() < 0.1 ? { start: null, end: formatUtc(HI) } : { start: r() < 0.2 ? null : formatUtc(a, Math.floor(r() * 1000)), end: formatUtc(b) };
      const json = pick(FILTERS);
      const filter = fast.parseFilter(json);
      const kind = pick(['blog-views', 'top', 'performance'] as const);
      let spec: QuerySpec;
      if (kind === 'blog-views') spec = { kind, objectType: pick(['country', 'user'] as const), window, filter, limit: 1000, offset: 0 };
      else if (kind === 'top') spec = { kind, topType: pick(['user', 'country', 'blog'] as const), window, filter, limit: 100 };
      else spec = { kind, compare: pick(['day', 'week', 'month', 'year'] as const), userId: r() < 0.3 ? 1 : null, window, tz: r() < 0.8 ? 'UTC' : 'Asia/Kolkata', filter };
      const sql = compileBlog(fast, spec).sql;
      if (/rollup_/.test(sql)) viaRollups++;
      if (/blogset_/.test(sql)) viaBlogSets++;
      if (/bitstring_agg/.test(sql)) viaBitstrings++;
      if (/prev_user_blog_at/.test(sql)) viaFirstSeen++;
      if (/rollup_user_/.test(sql) && spec.kind === 'blog-views') viaFirstRollups++;
      if (/rollup_\w+_all/.test(sql)) viaAll++;
      if (/late AS \(/.test(sql)) viaLatePairs++;
      if (/prev_country_blog_at/.test(sql)) viaCountryFirstSeen++;
      if (/fact_view_by_author/.test(sql)) viaProjection++;
      if (/\bl AS f\b/.test(sql)) viaLasts++;
      if (/fact_view_by_country/.test(sql)) viaCountryCopy++;
      const got = await askBlog(fast, spec);
      expect(got, JSON.stringify(spec)).toEqual(await askBlog(raw, spec));
      expectSameAnswer(got, referenceAnswer(spec, json, source), `reference: ${JSON.stringify(spec)}`);
    }
    expect(viaRollups).toBeGreaterThan(120);
    // Each faster way of counting distinct blogs was compared often enough to matter.
    // Stored sets only where no rollup counts answer (a window bounded on both sides).
    expect(viaBlogSets).toBeGreaterThan(8);
    // Windows ending after the last view: the rollups' last-ever counts (last-seen.test.ts).
    expect(viaLasts).toBeGreaterThan(5);
    expect(viaCountryCopy).toBeGreaterThan(30);
    expect(viaBitstrings).toBeGreaterThan(40);
    expect(viaFirstSeen).toBeGreaterThan(20);
    expect(viaFirstRollups).toBeGreaterThan(3);
    expect(viaAll).toBeGreaterThan(7);
    // Pairs counted for the page's keys only, after the page is cut by views.
    expect(viaLatePairs).toBeGreaterThan(20);
    expect(viaCountryFirstSeen).toBeGreaterThan(20);
    expect(viaProjection).toBeGreaterThan(60);
  });
});
