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

const dir = tempDir('aperf-');
let fx: AnalyticsFixture;
let engine: Engine;
let app: FastifyInstance;
type View = { at: number; author: number; duration: number; title: string; country: number | null };
type Blog = { at: number; author: number; title: string };
let views: View[];
let blogs: Blog[];

beforeAll(async () => {
  fx = await analyticsFixture(dir.path);
  engine = await Engine.open(fx.db);
  app = await buildApp({ engine: () => engine, limits: STEADY_LIMITS });
  // The reference's rows come from the source Parquet files, not from the snapshot.
  const db = await parquetReference(fx.source);
  try {
    const v = await db.query(`SELECT v.viewed_at, b.author_id, v.duration, b.title, v.country_id FROM blog_view v JOIN blog b ON b.id = v.blog_id`);
    views = v.rows.map((r) => ({ at: (r['viewed_at'] as Date).getTime(), author: r['author_id'] as number, duration: r['duration'] as number, title: r['title'] as string, country: r['country_id'] as number | null }));
    const b = await db.query(`SELECT created_at, author_id, title FROM blog`);
    blogs = b.rows.map((r) => ({ at: (r['created_at'] as Date).getTime(), author: r['author_id'] as number, title: r['title'] as string }));
  } finally {
    db.close();
  }
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// One formatter per zone and one answer per instant: the reference runs synchronously in
// the test's process and must not hold its event loop for long.
const formatters = new Map<string, Intl.DateTimeFormat>();
const localDays = new Map<string, number>();
function localDay(ms: number, tz: string): number {
  const key = `${tz}|${ms}`;
  const known = localDays.get(key);
  if (known !== undefined) return known;
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const day = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']));
  localDays.set(key, day);
  return day;
}

function bucketOf(ms: number, tz: string, period: string): number {
  const d = new Date(localDay(ms, tz));
  if (period === 'day') return d.getTime();
  if (period === 'week') return d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY;
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

function nextBucket(b: number, period: string): number {
  const d = new Date(b);
  if (period === 'day') return b + DAY;
  if (period === 'week') return b + 7 * DAY;
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
}

function labelOf(b: number, period: string): string {
  const d = new Date(b);
  if (period === 'day') return ymd(b);
  if (period === 'month') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  if (period === 'year') return String(d.getUTCFullYear());
  const thursday = new Date(b + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY));
  return `${year}-W${pad(week)}`;
}

interface Opts { period: string; tz: string; start: number | null; end: number; author?: number; view?: (v: View) => boolean; blog?: (b: Blog) => boolean }

function expected(o: Opts) {
  const inWin = (t: number) => (o.start === null || t >= o.start) && t < o.end;
  const vc = new Map<number, number>();
  const bc = new Map<number, number>();
  for (const v of views) if (inWin(v.at) && (o.author === undefined || v.author === o.author) && (!o.view || o.view(v))) {
    const b = bucketOf(v.at, o.tz, o.period);
    vc.set(b, (vc.get(b) ?? 0) + 1);
  }
  for (const bl of blogs) if (inWin(bl.at) && (o.author === undefined || bl.author === o.author) && (!o.blog || o.blog(bl))) {
    const b = bucketOf(bl.at, o.tz, o.period);
    bc.set(b, (bc.get(b) ?? 0) + 1);
  }
  const all = [...vc.keys(), ...bc.keys()];
  if (all.length === 0) return [];
  const out = [];
  let prev: number | null = null;
  for (let b = Math.min(...all); b <= Math.max(...all); b = nextBucket(b, o.period)) {
    const n = vc.get(b) ?? 0;
    const blogsN = bc.get(b) ?? 0;
    const growth = prev === null || prev === 0 ? null : Math.round(((n - prev) * 100 * 100) / prev) / 100;
    const label = labelOf(b, o.period);
    out.push({ period: ymd(b), label, blogs: blogsN, views: n, growth, x: `${label} (${blogsN} blogs)`, y: n, z: growth });
    prev = n;
  }
  return out;
}

type Got = ReturnType<typeof expected>;
function same(got: Got, want: Got) {
  expect(got.map((r) => ({ ...r, growth: null, z: null }))).toEqual(want.map((r) => ({ ...r, growth: null, z: null })));
  got.forEach((r, i) => {
    const w = want[i]!.growth;
    if (w === null) expect(r.growth, r.period).toBeNull();
    else expect(Math.abs((r.growth as number) - w), r.period).toBeLessThanOrEqual(0.0100001);
    expect(r.z).toBe(r.growth);
  });
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
      view: (v) => v.title.toLowerCase().includes('e') && v.duration > 5,
      blog: (b) => b.title.toLowerCase().includes('e'),
    }));
  });

  it('a filter that names viewer fields restricts views only', async () => {
    const c = fx.rank['C1']!;
    const filters = { operator: 'or', conditions: [{ field: 'country', op: 'eq', value: c }, { field: 'blog__title', op: 'contains', value: 'zzz' }] };
    same(await perf(`compare=month&filters=${encodeURIComponent(JSON.stringify(filters))}`), expected({
      period: 'month', tz: 'UTC', start: null, end: asOf, view: (v) => v.country === c || v.title.includes('zzz'),
    }));
  });

  it('an author who does not exist is 404; one with no data is an empty 200', async () => {
    const res = await app.inject({ url: `/api/v1/analytics/performance?user_id=987654321` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
    const body = (await app.inject({ url: `/api/v1/analytics/performance?start=2000-01-01&end=2000-02-01` })).json();
    expect(body).toEqual({ compare: 'month', user_id: null, range: 'all', data: [], window: expect.any(Object) });
  });
});
