// The protections of an exposed server: security headers, CORS from an allow-list, rate
// limiting (429 with Retry-After), body limits (413), query time limits (504), request ids,
// Prometheus metrics; each refusal in the spec's error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { createMetrics } from '../server/metrics.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('hard-');
let db: string;

beforeAll(async () => {
  ({ db } = await generatedSnapshot(dir.path, 20_000, 8));
});
afterAll(() => dir.cleanup());

async function withApp<T>(opts: Parameters<typeof buildApp>[0] extends infer O ? Partial<O> : never, fn: (app: FastifyInstance, e: Engine) => Promise<T>): Promise<T> {
  const metrics = createMetrics();
  const e = await Engine.open(db, { onQuery: (q) => metrics.query(q) });
  const app = await buildApp({ engine: () => e, metrics, ...opts });
  try {
    return await fn(app, e);
  } finally {
    await app.close();
    e.close();
  }
}

describe('hardening', () => {
  it('sends security headers and a request id', async () => {
    await withApp({}, async (app) => {
      const res = await app.inject({ url: '/api/v1/meta' });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['content-security-policy']).toBeDefined();
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const echoed = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } });
      expect(echoed.headers['x-request-id']).toBe('abc-123');
      expect((await app.inject({ url: '/docs/' })).statusCode).toBe(200);
    });
  });

  it('allows CORS only from the allow-list', async () => {
    await withApp({ limits: { corsOrigins: ['https://dash.example.com'] } }, async (app) => {
      const ok = await app.inject({ url: '/health', headers: { origin: 'https://dash.example.com' } });
      expect(ok.headers['access-control-allow-origin']).toBe('https://dash.example.com');
      const no = await app.inject({ url: '/health', headers: { origin: 'https://evil.example.com' } });
      expect(no.headers['access-control-allow-origin']).toBeUndefined();
    });
    await withApp({}, async (app) => {
      const none = await app.inject({ url: '/health', headers: { origin: 'https://dash.example.com' } });
      expect(none.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('rate limits with 429, Retry-After and the error shape', async () => {
    await withApp({ limits: { rateLimitPerMinute: 5 } }, async (app) => {
      const codes: number[] = [];
      let last;
      for (let i = 0; i < 8; i++) {
        last = await app.inject({ url: '/health' });
        codes.push(last.statusCode);
      }
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(codes.slice(5)).toEqual([429, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.json()).toMatchObject({ code: 'rate_limited', details: [] });
    });
  });

  it('refuses oversized bodies with 413', async () => {
    await withApp({}, async (app) => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/analytics/top', payload: JSON.stringify({ pad: 'x'.repeat(100_000) }), headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'payload_too_large' });
      const get = await app.inject({ method: 'GET', url: '/api/v1/analytics/top', payload: JSON.stringify({ pad: 'x'.repeat(100_000) }), headers: { 'content-type': 'application/json' } });
      expect(get.statusCode).toBe(413);
    });
  });

  it('stops an analytics query at its time limit with 504', async () => {
    await withApp({ limits: { queryTimeoutMs: 1 } }, async (app) => {
      const f = encodeURIComponent(JSON.stringify({ or: Array.from({ length: 60 }, (_, i) => ({ field: 'blog__title', op: 'regex', value: `(a|b|c)*${i}x` })) }));
      const res = await app.inject({ url: `/api/v1/analytics/blog-views?object_type=user&range=all&filters=${f}`, headers: { 'cache-control': 'no-cache' } });
      expect(res.statusCode).toBe(504);
      expect(res.json()).toMatchObject({ code: 'query_timeout' });
      expect(res.body).not.toMatch(/SELECT|fact_view/);
    });
  });

  it('exposes Prometheus metrics per route, with query time and cache hits', async () => {
    await withApp({}, async (app) => {
      await app.inject({ url: '/api/v1/analytics/top?as_of=2026-10-01T00:00:00Z' });
      await app.inject({ url: '/api/v1/analytics/top?as_of=2026-10-01T00:00:00Z' });
      await app.inject({ url: '/api/v1/analytics/top?limit=0' });
      const text = (await app.inject({ url: '/metrics' })).body;
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/analytics\/top",status="200"\} 2/);
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/analytics\/top",status="400"\} 1/);
      expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/v1\/analytics\/top"\}/);
      expect(text).toMatch(/analytics_query_duration_seconds_count\{kind="top"\} 1/);
      expect(text).toMatch(/analytics_cache_total\{outcome="hit"\} 1/);
    });
  });
});
