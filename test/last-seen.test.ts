// Last-ever counts (FirstSeenDef.last, the rollups' `l`): a window with no view at or after
// its end (one ending now) counts its distinct blogs per viewer or per country from whole
// months and days of the rollups. Compared with the fact table read the plain way and with
// the JavaScript reference over the source files, on windows starting anywhere (inside a
// day, on a day, on a month, in the month without views), ending at or after the last view,
// with filters constant within a pair and filters that are not; and on a copy of the
// snapshot without the last-row columns, which must answer the same by the older plans,
// and on one without the day grains, where a start inside a month is read as the month
// less the part before the start.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBlog, compileBlog } from '../engine/index.ts';
import type { QuerySpec } from '../engine/index.ts';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { formatUtc } from '../engine/values.ts';
import { EMPTY_MONTH, analyticsFixture } from './analytics-fixture.ts';
import { END, rng, tempDir } from './helpers.ts';
import { expectSameAnswer, referenceAnswer } from './analytics-reference.ts';
import type { SourceRows } from './analytics-reference.ts';
import type { Json } from './filter-semantics.ts';
import { flatBlogs, flatViews } from './flat-views.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('last-');
let fast: Engine;
let raw: Engine;
let without: Engine;
/** Without day grains of the counting rollups: a start inside a month reads the month less
 *  the part before the start (rollups.ts subtractedStart). */
let noDays: Engine;
let source: SourceRows;

beforeAll(async () => {
  const fx = await analyticsFixture(dir.path, 8000);
  const old = join(dir.path, 'without-last.duckdb');
  copyFileSync(fx.db, old);
  const db = await Database.open(old, { connections: 1 });
  try {
    for (const sql of ['ALTER TABLE fact_view DROP COLUMN last_user_blog', 'ALTER TABLE fact_view DROP COLUMN last_country_blog', 'CHECKPOINT']) await db.exec(sql);
  } finally {
    db.close();
  }
  const months = join(dir.path, 'no-days.duckdb');
  copyFileSync(fx.db, months);
  const m = await Database.open(months, { connections: 1 });
  try {
    for (const sql of ['DROP TABLE rollup_user_day', 'DROP TABLE rollup_country_day', 'CHECKPOINT']) await m.exec(sql);
  } finally {
    m.close();
  }
  noDays = await Engine.open(months, { cacheEntries: 0 });
  fast = await Engine.open(fx.db, { cacheEntries: 0 });
  raw = await Engine.open(fx.db, { cacheEntries: 0, rollups: false });
  without = await Engine.open(old, { cacheEntries: 0 });
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
  without?.close();
  noDays?.close();
  dir.cleanup();
});

const DAY = 86_400_000;
/** Reads the rollups' last-ever counts, or a fact segment's last-row column. */
const LASTS = /\bl AS f\b|"last_(user|country)_blog"/;

describe('last-ever counts for windows ending after the last view', () => {
  it('answer as the fact table and the reference, and are read only where exact', async () => {
    const r = rng(20261207);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    // Constant within a (viewer or country, blog) pair, and not (duration, anonymity).
    const EXACT: (Json | undefined)[] = [
      undefined,
      { field: 'blog__title', op: 'icontains', value: 'e' },
      { field: 'country__name', op: 'startswith', value: 'g' },
      { and: [{ field: 'country', op: 'ne', value: 3 }, { field: 'blog__author', op: 'in', value: [1, 2, 3, 5, 8] }] },
    ];
    const PER_VIEW: Json[] = [{ field: 'duration', op: 'gt', value: 30 }, { or: [{ field: 'user', op: 'isnull', value: true }, { field: 'duration', op: 'gte', value: 60 }] }];
    const starts = () => {
      const t = END.getTime() - Math.floor(r() ** 2 * 500 * DAY);
      const u = r();
      if (u < 0.15) return `${EMPTY_MONTH}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')} 00:00:00.000000`;
      if (u < 0.35) return formatUtc(Math.floor(t / DAY) * DAY);
      if (u < 0.5) return `${formatUtc(t).slice(0, 8)}01 00:00:00.000000`;
      return formatUtc(t, Math.floor(r() * 1000));
    };
    let viaLasts = 0;
    let viaSubtracted = 0;
    for (let i = 0; i < 160; i++) {
      // Ends at, just after or well after the last view: none at or after it.
      const end = formatUtc(END.getTime() + pick([0, 1, 3 * DAY + 17, 40 * DAY]));
      const perView = r() < 0.25;
      const json = perView ? pick(PER_VIEW) : pick(EXACT);
      const window = { start: starts(), end };
      const filter = fast.parseFilter(json);
      const spec: QuerySpec =
        r() < 0.6
          ? { kind: 'blog-views', objectType: pick(['country', 'user'] as const), window, filter, limit: pick([5, 1000]), offset: pick([0, 3]) }
          : { kind: 'top', topType: pick(['user', 'country'] as const), window, filter, limit: 100 };
      const sql = compileBlog(fast, spec).sql;
      if (LASTS.test(sql)) viaLasts++;
      // A per-view filter is not constant within a pair: its lasts would miss pairs.
      if (perView) expect(sql, JSON.stringify(spec)).not.toMatch(LASTS);
      expect(compileBlog(without, spec).sql, JSON.stringify(spec)).not.toMatch(LASTS);
      const got = await askBlog(fast, spec);
      expect(got, JSON.stringify(spec)).toEqual(await askBlog(raw, spec));
      expect(await askBlog(without, spec), JSON.stringify(spec)).toEqual(got);
      if (/HAVING sum\(n\) > 0/.test(compileBlog(noDays, spec).sql)) viaSubtracted++;
      expect(await askBlog(noDays, spec), `no day grains: ${JSON.stringify(spec)}`).toEqual(got);
      expectSameAnswer(got, referenceAnswer(spec, json, source), `reference: ${JSON.stringify(spec)}`);
    }
    expect(viaLasts).toBeGreaterThan(25);
    expect(viaSubtracted).toBeGreaterThan(10);
  }, 240_000);

  it('are not read where a view is at or after the end', async () => {
    const filter = fast.parseFilter(undefined);
    const last = String((await fast.db.query(`SELECT strftime(max(viewed_at), '%Y-%m-%d %H:%M:%S.%f') AS t FROM fact_view`)).rows[0]!['t']);
    // The last view itself is just outside a window ending at its instant.
    for (const end of [last, formatUtc(END.getTime() - 5 * DAY)]) {
      const spec: QuerySpec = { kind: 'blog-views', objectType: 'country', window: { start: '2026-06-01 00:00:00.000000', end }, filter, limit: 1000, offset: 0 };
      expect(compileBlog(fast, spec).sql).not.toMatch(/\bl AS f\b/);
      const got = await askBlog(fast, spec);
      expect(got).toEqual(await askBlog(raw, spec));
      expectSameAnswer(got, referenceAnswer(spec, undefined, source), 'reference');
    }
  });
});
