// CSV and Arrow answers are downloads with meaningful names (Content-Disposition), and pages
// of blog-views carry their neighbours as Link headers, the same links as the JSON body's
// next / previous. GET / leads to the documentation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, STEADY_LIMITS, tempDir } from './helpers.ts';

const TOKEN = 'download-token-0123456789';
const AS_OF = '2026-10-20T00:00:00.000Z';
const dir = tempDir('download-');
let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 20_000, 5);
  engine = await Engine.open(db);
  app = await buildApp({ engine: () => engine, debugToken: TOKEN, limits: STEADY_LIMITS });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

const attachment = (name: string) => `attachment; filename="${name}"`;

/** Link header -> { rel: target }. */
function links(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(/,\s*(?=<)/)) {
    const m = /^<([^>]*)>;\s*rel="([^"]+)"$/.exec(part.trim());
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

describe('downloads', () => {
  it('names CSV and Arrow answers of every analytics endpoint', async () => {
    const cases: [string, Record<string, string>, string][] = [
      [`/api/v1/analytics/blog-views?format=csv&as_of=${AS_OF}`, {}, 'blog-views-country-2026-10-20.csv'],
      [`/api/v1/analytics/blog-views?object_type=user&start=2026-01-01&end=2026-02-01&as_of=${AS_OF}`, { accept: 'application/vnd.apache.arrow.stream' }, 'blog-views-user-2026-02-01.arrow'],
      ['/api/v1/analytics/top?top=blog&format=csv', {}, 'top-blog.csv'],
      ['/analytics/top/?format=arrow', {}, 'top-user.arrow'],
      ['/api/v1/analytics/performance', { accept: 'text/csv' }, 'performance-month.csv'],
      ['/api/v1/analytics/performance?compare=week&user_id=1&format=csv', {}, 'performance-week-user-1.csv'],
    ];
    for (const [url, headers, name] of cases) {
      const r = await app.inject({ url, headers });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-disposition'], url).toBe(attachment(name));
      expect(r.rawPayload.length, url).toBeGreaterThan(0);
    }
    // JSON stays inline.
    const json = await app.inject({ url: '/api/v1/analytics/top' });
    expect(json.headers['content-disposition']).toBeUndefined();
  });

  it('gives CSV and Arrow pages of blog-views the JSON body\'s next / previous as Link headers', async () => {
    const q = `object_type=user&range=year&limit=5&offset=5&as_of=${AS_OF}`;
    const body = (await app.inject({ url: `/api/v1/analytics/blog-views?${q}` })).json() as { next: string; previous: string };
    expect(body.next).toBeTruthy();
    expect(body.previous).toBeTruthy();
    for (const format of ['csv', 'arrow']) {
      const r = await app.inject({ url: `/api/v1/analytics/blog-views?${q}&format=${format}` });
      expect(r.statusCode).toBe(200);
      const l = links(r.headers['link'] as string | undefined);
      // The same links as the JSON page's, with the format asked for kept.
      const withFormat = (link: string) => {
        const u = new URL(link, 'http://x');
        u.searchParams.set('format', format);
        return u;
      };
      for (const [rel, link] of [['next', body.next], ['prev', body.previous]] as const) {
        const got = new URL(l[rel]!, 'http://x');
        const want = withFormat(link);
        expect(got.pathname).toBe(want.pathname);
        expect(Object.fromEntries([...got.searchParams].sort()), rel).toEqual(Object.fromEntries([...want.searchParams].sort()));
      }
      // Following the Link gets the next page.
      const next = await app.inject({ url: l['next']! });
      expect(next.statusCode).toBe(200);
      expect(next.headers['content-type']).toBe(r.headers['content-type']);
    }
    // The first page has no previous, the last no next.
    const first = await app.inject({ url: `/api/v1/analytics/blog-views?object_type=user&range=year&limit=5&as_of=${AS_OF}&format=csv` });
    expect(Object.keys(links(first.headers['link'] as string | undefined))).toEqual(['next']);
    const all = await app.inject({ url: `/api/v1/analytics/blog-views?range=all&limit=1000&as_of=${AS_OF}&format=csv` });
    expect(all.headers['link']).toBeUndefined();
  });

  it('names the debug SQL endpoint\'s CSV and Arrow answers query.csv / query.arrow', async () => {
    for (const format of ['csv', 'arrow']) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/debug/sql', headers: { authorization: `Bearer ${TOKEN}` }, payload: { sql: 'SELECT 42 AS answer', format } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-disposition']).toBe(attachment(`query.${format}`));
    }
  });

  it('serves the page at / as a page, never as a download (test/page-serving.test.ts has the rest)', async () => {
    const r = await app.inject({ url: '/' });
    // Built (npm run build): the page; not built: a 503 saying how to build it.
    expect([200, 503]).toContain(r.statusCode);
    expect(r.headers['content-disposition']).toBeUndefined();
    if (r.statusCode === 200) expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    else expect(r.json()).toMatchObject({ code: 'unavailable', error: expect.stringContaining('npm run build') });
  });
});
