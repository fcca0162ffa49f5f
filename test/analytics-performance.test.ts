// performance, through HTTP, against a JavaScript reference that buckets every view and
// blog of the source Parquet files with Intl's time zones (not DuckDB's), zero-fills and
// computes growth itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { AS_OF, EMPTY_MONTH, analyticsFixture } from './analytics-fixture.ts';
import type { AnalyticsFixture } from './analytics-fixture.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { parquetReference } from './reference.ts';
import { referenceSeries } from './analytics-reference.ts';
import type { SourceRows } from './analytics-reference.ts';
import { flatBlogs, flatViews } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';

const dir = tempDir('aperf-');
let fx: AnalyticsFixture;
let engine: Engine;
let app: FastifyInstance;
let data: SourceRows;

beforeAll(async () => {
  fx = await analyticsFixture(dir.path);
  engine = await Engine.open(fx.db);
  app = await buildApp({ engine: () => engine, limits: STEADY_LIMITS });
  // The reference's rows come from the source Parquet files, not from the snapshot.
  const ref = await parquetReference(fx.source);
  try {
    data = { views: await flatViews(ref), blogs: await flatBlogs(ref) };
  } finally {
    ref.close();
  }
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

const DAY = 86_400_000;
const str = (r: ViewRow, k: string) => (r[k] as string | null) ?? '';

interface Opts { period: string; tz: string; start: number | null; end: number; author?: number; view?: (r: ViewRow) => boolean; blog?: (r: ViewRow) => boolean }

/** The reference series with the old service's x, y, z beside it; times in milliseconds. */
function expected(o: Opts) {
  const rows = referenceSeries({ ...o, start: o.start === null ? null : o.start * 1000, end: o.end * 1000 }, data);
  return rows.map((r) => ({ ...r, x: `${r.label} (${r.blogs} blogs)`, y: r.views, z: r.growth }));
}

type Got = ReturnType<typeof expected>;
/** Equal series, growth exactly (both round the exact percentage half away from zero). */
function same(got: Got, want: Got) {
  expect(got).toEqual(want);
  got.forEach((r) => expect(r.z).toBe(r.growth));
}

async function perf(query: string): Promise<Got> {
  const res = await app.inject({ url: `/api/v1/analytics/performance?as_of=${AS_OF}&${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json()['data'];
}

const asOf = Date.parse(AS_OF);

describe('performance', () => {
  for (const period of ['day', 'week', 'month', 'year']) {
    for (const tz of ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata', 'Europe/Berlin']) {
      const range = period === 'day' ? 'month' : 'all';
      it(`compare=${period}, tz=${tz}, range=${range}`, async () => {
        const start = range === 'all' ? null : asOf - 30 * DAY;
        same(await perf(`compare=${period}&tz=${encodeURIComponent(tz)}&range=${range}`), expected({ period, tz, start, end: asOf }));
      });
    }
  }

  it('the month with no views is present, zero, and the month after has no growth', async () => {
    const data = await perf('compare=month');
    const i = data.findIndex((r) => r.label === EMPTY_MONTH);
    expect(i).toBeGreaterThan(0);
    expect(data[i]!.views).toBe(0);
    expect(data[i + 1]!.growth).toBeNull();
    expect(data[0]!.growth).toBeNull();
  });

  it('one author, with blog-side and view-side filters', async () => {
    const author = fx.rank['A1']!;
    const filters = { and: [{ field: 'blog__title', op: 'icontains', value: 'E' }, { field: 'duration', op: 'gt', value: 5 }] };
    const q = `compare=week&tz=Europe/Berlin&user_id=${author}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
    same(await perf(q), expected({
      period: 'week', tz: 'Europe/Berlin', start: null, end: asOf, author,
      view: (v) => str(v, 'blog__title').toLowerCase().includes('e') && (v['duration'] as number) > 5,
      blog: (b) => str(b, 'blog__title').toLowerCase().includes('e'),
    }));
  });

  it('a filter that names viewer fields restricts views only', async () => {
    const c = fx.rank['C1']!;
    const filters = { operator: 'or', conditions: [{ field: 'country', op: 'eq', value: c }, { field: 'blog__title', op: 'contains', value: 'zzz' }] };
    same(await perf(`compare=month&filters=${encodeURIComponent(JSON.stringify(filters))}`), expected({
      period: 'month', tz: 'UTC', start: null, end: asOf, view: (v) => v['country'] === c || str(v, 'blog__title').includes('zzz'),
    }));
  });

  it('an author who does not exist is 404; one with no data is an empty 200', async () => {
    const res = await app.inject({ url: `/api/v1/analytics/performance?user_id=987654321` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
    const body = (await app.inject({ url: `/api/v1/analytics/performance?start=2000-01-01&end=2000-02-01` })).json();
    expect(body).toEqual({ compare: 'month', user_id: null, range: null, data: [], window: expect.any(Object) });
  });
});
