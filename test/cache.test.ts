// The result cache answers exactly as the raw path, never across snapshots, and is
// bypassed by Cache-Control: no-cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blogPlan } from '../engine/index.ts';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { specFor } from '../server/routes/analytics.ts';
import { END, generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('cache-');
let engine: Engine;
let raw: Engine;
let app: FastifyInstance;
const asOf = END.toISOString();

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 10_000, 4);
  engine = await Engine.open(db);
  raw = await Engine.open(db, { cacheEntries: 0 });
  app = await buildApp({ engine: () => engine });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  raw?.close();
  dir.cleanup();
});

const REQUESTS: [Parameters<typeof specFor>[0], Record<string, unknown>][] = [
  ['blog-views', { as_of: asOf }],
  ['blog-views', { as_of: asOf, object_type: 'user', range: 'all', limit: 50, offset: 50 }],
  ['top', { as_of: asOf, top: 'blog', filters: { field: 'duration', op: 'gt', value: 20 } }],
  ['top', { as_of: asOf, top: 'country', range: 'week' }],
  ['performance', { as_of: asOf, compare: 'week', tz: 'Asia/Kolkata' }],
];

describe('result cache', () => {
  it('a cached answer equals the uncached computation, request by request', async () => {
    for (const [name, members] of REQUESTS) {
      const spec = specFor(name, members, engine);
      const first = await engine.run(blogPlan(spec));
      const hits = engine.cacheHits;
      const second = await engine.run(blogPlan(specFor(name, structuredClone(members), engine)));
      expect(engine.cacheHits).toBe(hits + 1);
      expect(second).toBe(first);
      expect(second).toEqual(await raw.run(blogPlan(spec)));
    }
  });

  it('different questions never share an answer', async () => {
    const a = await engine.run(blogPlan(specFor('top', { as_of: asOf, top: 'blog', limit: 5 }, engine)));
    const b = await engine.run(blogPlan(specFor('top', { as_of: asOf, top: 'blog', limit: 6 }, engine)));
    expect(a).not.toEqual(b);
    const c = await engine.run(blogPlan(specFor('top', { as_of: asOf, top: 'blog', limit: 5, filters: { field: 'id', op: 'gt', value: 5000 } }, engine)));
    expect(c).not.toEqual(a);
    expect(c).toEqual(await raw.run(blogPlan(specFor('top', { as_of: asOf, top: 'blog', limit: 5, filters: { field: 'id', op: 'gt', value: 5000 } }, raw))));
  });

  it('HTTP: repeated requests hit, no-cache recomputes the same answer', async () => {
    const url = `/api/v1/analytics/top?top=user&as_of=${asOf}&range=month`;
    const one = (await app.inject({ url })).json();
    const hits = engine.cacheHits;
    const two = (await app.inject({ url })).json();
    expect(engine.cacheHits).toBe(hits + 1);
    const three = (await app.inject({ url, headers: { 'cache-control': 'no-cache' } })).json();
    expect(engine.cacheHits).toBe(hits + 1);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });

  it('HTTP: one cached answer asked for in different words answers each in its own words', async () => {
    // The same window named by range, by start/end, by GET and by POST: one spec, one cached
    // answer, but each response echoes its own request (range, page links).
    const start = new Date(END.getTime() - 30 * 86_400_000).toISOString();
    const asked = [
      { method: 'GET' as const, url: `/api/v1/analytics/blog-views?as_of=${asOf}&range=month&limit=5` },
      { method: 'GET' as const, url: `/api/v1/analytics/blog-views?as_of=${asOf}&start=${start}&end=${asOf}&limit=5` },
      { method: 'GET' as const, url: `/analytics/blog-views/?as_of=${asOf}&limit=5` },
      { method: 'POST' as const, url: `/api/v1/analytics/blog-views`, payload: { as_of: asOf, limit: 5 } },
    ];
    for (let round = 0; round < 2; round++) {
      for (const a of asked) {
        const cached = await app.inject(a);
        const fresh = await app.inject({ ...a, headers: { 'cache-control': 'no-cache' } });
        expect(cached.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(cached.json(), a.url).toEqual(fresh.json());
      }
    }
    const pages = await Promise.all(asked.map(async (a) => (await app.inject(a)).json().next as string));
    expect(new Set(pages).size).toBe(pages.length);
  });
});
