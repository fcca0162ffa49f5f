// blog-views and top, through HTTP (inject), against plain SQL written here over the
// spec's normalised tables (blog_view, blog, user, country) read from the source Parquet
// files in a DuckDB of their own: never the snapshot's tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { AS_OF, analyticsFixture } from './analytics-fixture.ts';
import type { AnalyticsFixture } from './analytics-fixture.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('agrp-');
let fx: AnalyticsFixture;
let engine: Engine;
let app: FastifyInstance;
let ref: Database;

beforeAll(async () => {
  fx = await analyticsFixture(dir.path);
  engine = await Engine.open(fx.db);
  app = await buildApp({ engine: () => engine, limits: STEADY_LIMITS });
  ref = await parquetReference(fx.source);
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  ref?.close();
  dir.cleanup();
});

type Row = { id: number; x: string; y: number | string; z: number };
const DAYS: Record<string, number | null> = { day: 1, week: 7, month: 30, year: 365, all: null };
const asOfMs = Date.parse(AS_OF);
const iso = (ms: number) => new Date(ms).toISOString();

function windowOf(range: string): [string | null, string] {
  const d = DAYS[range]!;
  return [d === null ? null : iso(asOfMs - d * 86_400_000), iso(asOfMs)];
}

const NAME = `COALESCE(NULLIF(trim(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), ''), u.username)`;

/** The reference: plain SQL over the source's normalised tables, with an optional extra WHERE. */
async function reference(kind: string, range: string, extra = 'TRUE', extraParams: unknown[] = []): Promise<Row[]> {
  const [start, end] = windowOf(range);
  const w = `v.viewed_at < $2::TIMESTAMPTZ::TIMESTAMP AND ($1::VARCHAR IS NULL OR v.viewed_at >= $1::TIMESTAMPTZ::TIMESTAMP) AND ${extra}`;
  const sql: Record<string, string> = {
    country: `SELECT c.id, c.name AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM blog_view v JOIN country c ON c.id = v.country_id
              WHERE ${w} GROUP BY c.id, c.name`,
    user: `SELECT u.id, ${NAME} AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM blog_view v JOIN "user" u ON u.id = v.user_id
           WHERE ${w} GROUP BY u.id, x`,
    author: `SELECT u.id, ${NAME} AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM blog_view v JOIN blog b ON b.id = v.blog_id
             JOIN "user" u ON u.id = b.author_id WHERE ${w} GROUP BY u.id, x`,
    blog: `SELECT b.id, b.title AS x, u.username AS y, count(*) AS z FROM blog_view v JOIN blog b ON b.id = v.blog_id
           JOIN "user" u ON u.id = b.author_id WHERE ${w} GROUP BY b.id, b.title, u.username`,
  };
  const { rows } = await ref.query(`${sql[kind]} ORDER BY z DESC, id ASC`, [start, end, ...extraParams] as never[]);
  return rows as Row[];
}

async function get(url: string): Promise<Record<string, unknown>> {
  const res = await app.inject({ url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('blog-views', () => {
  for (const objectType of ['country', 'user']) {
    for (const range of ['day', 'week', 'month', 'year', 'all']) {
      it(`${objectType}, range=${range}: every group, in order, with the count`, async () => {
        const want = await reference(objectType, range);
        const body = await get(`/api/v1/analytics/blog-views?object_type=${objectType}&range=${range}&as_of=${AS_OF}&limit=1000`);
        expect(body['count']).toBe(want.length);
        expect(body['data']).toEqual(want.slice(0, 1000));
        expect(body).toMatchObject({ object_type: objectType, range, limit: 1000, offset: 0, previous: null });
      });
    }
  }

  it('defaults: country, the last 30 days, 100 rows', async () => {
    const body = await get(`/analytics/blog-views/?as_of=${AS_OF}`);
    expect(body).toMatchObject({ object_type: 'country', range: 'month', limit: 100, offset: 0 });
    expect(body['data']).toEqual((await reference('country', 'month')).slice(0, 100));
  });

  it('groups namesakes apart, by id', async () => {
    const data = (await get(`/api/v1/analytics/blog-views?range=all&as_of=${AS_OF}&limit=1000`))['data'] as Row[];
    expect(data.filter((r) => r.x === 'Georgia').map((r) => r.id).sort()).toEqual([fx.rank['C2'], fx.rank['C3']].sort());
    const users = (await get(`/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=1000`))['data'] as Row[];
    expect(users.filter((r) => r.x === 'Ann Lee').length).toBeGreaterThanOrEqual(2);
  });

  it('names a user without a name by the username', async () => {
    const users = (await get(`/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=1000`))['data'] as Row[];
    const { rows } = await ref.query(`SELECT id, username FROM "user" WHERE id IN ($1, $2)`, [fx.rank['U4']!, fx.rank['U5']!]);
    for (const r of rows) expect(users.find((u) => u.id === r['id'])?.x).toBe(r['username']);
  });

  it('orders ties by id', async () => {
    const data = (await get(`/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=1000`))['data'] as Row[];
    let ties = 0;
    for (let i = 1; i < data.length; i++) {
      if (data[i]!.z === data[i - 1]!.z) {
        ties++;
        expect(data[i]!.id).toBeGreaterThan(data[i - 1]!.id);
      } else expect(data[i]!.z).toBeLessThan(data[i - 1]!.z);
    }
    expect(ties).toBeGreaterThan(5);
  });

  it('leaves out anonymous and country-less views, and views after as_of', async () => {
    const total = await ref.query(
      `SELECT count(*) FILTER (WHERE user_id IS NOT NULL AND viewed_at < $1::TIMESTAMPTZ::TIMESTAMP) AS known,
              count(*) FILTER (WHERE user_id IS NULL) AS anon, count(*) FILTER (WHERE viewed_at >= $1::TIMESTAMPTZ::TIMESTAMP) AS later FROM blog_view`,
      [AS_OF],
    );
    const t = total.rows[0]!;
    expect(Number(t['anon'])).toBeGreaterThan(0);
    expect(Number(t['later'])).toBeGreaterThan(0);
    const body = await get(`/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=1000`);
    const sum = (body['data'] as Row[]).reduce((a, r) => a + r.z, 0);
    expect(body['count']).toBeLessThanOrEqual(1000);
    expect(sum).toBe(Number(t['known']));
  });

  it('pages: limit, offset, next and previous', async () => {
    const want = await reference('user', 'all');
    const p2 = await get(`/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=7&offset=7`);
    expect(p2['data']).toEqual(want.slice(7, 14));
    expect(p2['count']).toBe(want.length);
    const next = p2['next'] as string;
    const prev = p2['previous'] as string;
    expect(next).toMatch(/^\/api\/v1\/analytics\/blog-views\?.*offset=14/);
    expect(prev).toMatch(/offset=0/);
    expect((await get(next))['data']).toEqual(want.slice(14, 21));
    expect((await get(prev))['data']).toEqual(want.slice(0, 7));
    const beyond = await get(`/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=7&offset=100000`);
    expect(beyond).toMatchObject({ data: [], count: want.length, next: null });
    const last = await get(`/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=7&offset=${want.length - 3}`);
    expect(last['next']).toBeNull();
    expect((last['data'] as Row[]).length).toBe(3);
  });

  it('filters, by query string and by POST body, the same', async () => {
    const filters = { operator: 'and', conditions: [{ field: 'duration', operator: 'gte', value: 10 }, { field: 'blog__title', op: 'contains', value: 'e' }] };
    const want = await reference('country', 'all', `v.duration >= $3 AND contains(lower((SELECT title FROM blog WHERE id = v.blog_id)), 'e')`, [10]);
    const viaQuery = await get(`/api/v1/analytics/blog-views?range=all&as_of=${AS_OF}&limit=1000&filters=${encodeURIComponent(JSON.stringify(filters))}`);
    expect(viaQuery['data']).toEqual(want);
    const viaPost = await app.inject({ method: 'POST', url: '/analytics/blog-views/', payload: { range: 'all', as_of: AS_OF, limit: 1000, filters } });
    expect(viaPost.json()['data']).toEqual(want);
    const viaGetBody = await app.inject({ method: 'GET', url: '/analytics/blog-views', payload: { range: 'all', as_of: AS_OF, limit: 1000, filters } });
    expect(viaGetBody.json()['data']).toEqual(want);
  });

  it('an explicit window overrides the range; a date alone is midnight in tz', async () => {
    const body = await get(`/api/v1/analytics/blog-views?range=day&start=2026-05-01&end=2026-06-01&tz=Asia/Kolkata&as_of=${AS_OF}&limit=1000`);
    const { rows } = await ref.query(
      `SELECT c.id, c.name AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM blog_view v JOIN country c ON c.id = v.country_id
       WHERE v.viewed_at >= TIMESTAMP '2026-04-30 18:30:00' AND v.viewed_at < TIMESTAMP '2026-05-31 18:30:00' GROUP BY ALL ORDER BY z DESC, id`,
    );
    expect(body['data']).toEqual(rows);
  });

  it('an empty result is 200 with no rows', async () => {
    const body = await get(`/api/v1/analytics/blog-views?start=2000-01-01&end=2000-02-01&as_of=${AS_OF}`);
    expect(body).toMatchObject({ data: [], count: 0, next: null, previous: null });
  });
});

describe('top', () => {
  for (const [top, kind] of [['user', 'author'], ['country', 'country'], ['blog', 'blog']] as const) {
    for (const range of ['week', 'month', 'all']) {
      it(`top=${top}, range=${range}`, async () => {
        const want = (await reference(kind, range)).slice(0, 10);
        const body = await get(`/analytics/top/?top=${top}&range=${range}&as_of=${AS_OF}`);
        expect(body).toEqual({ top_type: top, range, data: want, window: expect.any(Object) });
      });
    }
  }

  it('defaults to top authors over all time, limit up to 100', async () => {
    const want = await reference('author', 'all');
    expect((await get(`/api/v1/analytics/top?as_of=${AS_OF}`))['data']).toEqual(want.slice(0, 10));
    expect((await get(`/api/v1/analytics/top?as_of=${AS_OF}&limit=100`))['data']).toEqual(want.slice(0, 100));
  });

  it('filters by the viewer country', async () => {
    const c = fx.rank['C1']!;
    const want = (await reference('blog', 'all', 'v.country_id = $3', [c])).slice(0, 10);
    const f = encodeURIComponent(JSON.stringify({ field: 'country', op: 'eq', value: c }));
    expect((await get(`/api/v1/analytics/top?top=blog&as_of=${AS_OF}&filters=${f}`))['data']).toEqual(want);
  });
});

describe('output formats', () => {
  it('CSV and Arrow carry the same rows as JSON', async () => {
    const url = `/api/v1/analytics/top?top=blog&as_of=${AS_OF}`;
    const json = (await get(url))['data'] as Row[];
    const csv = await app.inject({ url: `${url}&format=csv` });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('id,x,y,z');
    expect(lines).toHaveLength(json.length + 1);
    const viaAccept = await app.inject({ url, headers: { accept: 'text/csv' } });
    expect(viaAccept.body).toBe(csv.body);
    const { tableFromIPC } = await import('apache-arrow');
    const arrow = await app.inject({ url, headers: { accept: 'application/vnd.apache.arrow.stream' } });
    expect(arrow.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(arrow.rawPayload);
    const rows = table.toArray().map((r) => ({ id: Number(r.id), x: r.x, y: r.y, z: Number(r.z) }));
    expect(rows).toEqual(json);
    const empty = await app.inject({ url: `/api/v1/analytics/top?start=2000-01-01&end=2000-01-02&format=arrow` });
    expect(tableFromIPC(empty.rawPayload).numRows).toBe(0);
  });
});
