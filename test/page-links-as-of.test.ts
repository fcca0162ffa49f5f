// blog-views' next / previous links pin the instant the first page was answered for: a
// rolling range asked without as_of, followed page by page while the server clock moves on,
// yields exactly the groups of the first page's window, each once, in order. The clock is
// vitest's fake Date (the server's default as_of reads Date.now); no sleeps.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('plinks-');
let engine: Engine;
let app: FastifyInstance;
let ref: Database;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 20_000, 12);
  engine = await Engine.open(db);
  app = await buildApp({ engine: () => engine });
  ref = await Database.open(db, { readOnly: true });
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  ref?.close();
  dir.cleanup();
});

/** The first page is asked at T0; the later pages three days on, when the week's window
 *  (had it rolled) would hold other views. Both inside the generated data's two years. */
const T0 = Date.parse('2026-10-20T12:34:56Z');
const LATER = T0 + 3 * 86_400_000;
const DAY = 86_400_000;

type Row = { id: number; x: string; y: number; z: number };
type Page = { count: number; next: string | null; previous: string | null; data: Row[]; window: { start: string | null; end: string } };

const NAME = `COALESCE(NULLIF(trim(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), ''), u.username)`;

/** Plain SQL over the spec's tables: the groups of [start, end), in the spec's order. */
async function reference(objectType: 'user' | 'country', startMs: number, endMs: number): Promise<Row[]> {
  const sql = objectType === 'user'
    ? `SELECT u.id, ${NAME} AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM blog_view v JOIN "user" u ON u.id = v.user_id
       WHERE v.viewed_at >= $1::TIMESTAMPTZ::TIMESTAMP AND v.viewed_at < $2::TIMESTAMPTZ::TIMESTAMP GROUP BY u.id, x ORDER BY z DESC, id`
    : `SELECT c.id, c.name AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z FROM blog_view v JOIN country c ON c.id = v.country_id
       WHERE v.viewed_at >= $1::TIMESTAMPTZ::TIMESTAMP AND v.viewed_at < $2::TIMESTAMPTZ::TIMESTAMP GROUP BY c.id, c.name ORDER BY z DESC, id`;
  return (await ref.query(sql, [new Date(startMs).toISOString(), new Date(endMs).toISOString()])).rows as Row[];
}

async function get(url: string, init: { method?: 'GET' | 'POST'; payload?: object } = {}): Promise<Page> {
  const res = await app.inject({ url, ...init });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

const asOfOf = (link: string) => new URL(link, 'http://x').searchParams.get('as_of');

/** Follows `next` from a page to the end, at whatever the clock says by then. */
async function rest(first: Page): Promise<Page[]> {
  const pages = [first];
  for (let p = first; p.next !== null; ) {
    p = await get(p.next);
    pages.push(p);
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

describe('page links pin as_of', () => {
  it('a rolling range without as_of: next carries the instant; the pages partition the groups exactly', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const first = await get('/api/v1/analytics/blog-views?object_type=user&range=week&limit=20');
    const want = await reference('user', T0 - 7 * DAY, T0);
    // The fixture must make the test mean something: several pages, and a window that would
    // hold other groups three days on.
    expect(want.length).toBeGreaterThan(60);
    expect(await reference('user', LATER - 7 * DAY, LATER)).not.toEqual(want);
    expect(first.count).toBe(want.length);
    expect(first.previous).toBeNull();
    expect(first.next).not.toBeNull();
    expect(asOfOf(first.next!)).toBe('2026-10-20T12:34:56.000Z');
    expect(Date.parse(asOfOf(first.next!)!)).toBe(Date.parse(first.window.end));

    vi.setSystemTime(LATER);
    const pages = await rest(first);
    for (const p of pages) {
      expect(p.window).toEqual(first.window);
      expect(p.count).toBe(want.length);
      if (p.next !== null) expect(asOfOf(p.next)).toBe('2026-10-20T12:34:56.000Z');
      if (p.previous !== null) expect(asOfOf(p.previous)).toBe('2026-10-20T12:34:56.000Z');
    }
    const rows = pages.flatMap((p) => p.data);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows).toEqual(want);

    // And back: previous of the second page is the first page again.
    const back = await get(pages[1]!.previous!);
    expect(back.data).toEqual(first.data);
  });

  it('the old path, by POST with a JSON body: the links pin as_of too', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const first = await get('/analytics/blog-views/', { method: 'POST', payload: { object_type: 'country', range: 'day', limit: 5 } });
    expect(first.next).toMatch(/^\/analytics\/blog-views\/\?/);
    expect(asOfOf(first.next!)).toBe('2026-10-20T12:34:56.000Z');
    vi.setSystemTime(LATER);
    const rows = (await rest(first)).flatMap((p) => p.data);
    expect(rows).toEqual(await reference('country', T0 - DAY, T0));
  });

  it('a given as_of is kept as given, not rewritten', async () => {
    const given = '2026-10-19T08:00:00+02:00';
    const first = await get(`/api/v1/analytics/blog-views?object_type=user&range=week&limit=30&as_of=${encodeURIComponent(given)}`);
    expect(asOfOf(first.next!)).toBe(given);
    const second = await get(first.next!);
    expect(asOfOf(second.previous!)).toBe(given);
    expect(new URL(first.next!, 'http://x').searchParams.getAll('as_of')).toHaveLength(1);
    const want = await reference('user', Date.parse(given) - 7 * DAY, Date.parse(given));
    expect([...first.data, ...second.data]).toEqual(want.slice(0, 60));
  });
});
