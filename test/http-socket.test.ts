// The analytics API over a real socket: the same answers as inject, GET with a JSON body on
// the wire, and malformed requests of every kind answered with a 4xx in the spec's shape.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_OF, analyticsFixture } from './analytics-fixture.ts';
import { serveSnapshot, tempDir } from './helpers.ts';
import type { Served } from './helpers.ts';

const dir = tempDir('sock-');
let served: Served;

beforeAll(async () => {
  const fx = await analyticsFixture(dir.path, 3000);
  served = await serveSnapshot(fx.db);
});
afterAll(async () => {
  await served?.close();
  dir.cleanup();
});

function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${served.base}${path}`, { method, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('over a real socket', () => {
  it('answers every endpoint as inject does', async () => {
    for (const path of [
      `/api/v1/analytics/blog-views?object_type=user&range=all&as_of=${AS_OF}&limit=5&offset=5`,
      `/analytics/top/?top=blog&as_of=${AS_OF}`,
      `/analytics/performance?compare=week&tz=Asia/Kolkata&as_of=${AS_OF}`,
    ]) {
      const res = await fetch(`${served.base}${path}`);
      expect(res.status).toBe(200);
      // The engine's share of the request, for clients and the benchmark.
      expect(res.headers.get('server-timing')).toMatch(/^engine;dur=\d+\.\d{2}$/);
      const viaInject = await served.app.inject({ url: path });
      const a = (await res.json()) as Record<string, unknown>;
      const b = viaInject.json() as Record<string, unknown>;
      expect(a['data']).toEqual(b['data']);
      expect((a['data'] as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('reads a GET request\'s JSON body, as the old service\'s documentation shows', async () => {
    const body = JSON.stringify({ top: 'country', range: 'all', as_of: AS_OF, limit: 3, filters: { field: 'duration', op: 'gt', value: 100 } });
    const get = await raw('GET', '/analytics/top/', body, { 'content-type': 'application/json' });
    const post = await raw('POST', '/analytics/top/', body, { 'content-type': 'application/json' });
    expect(get.status).toBe(200);
    expect(JSON.parse(get.text)['data']).toEqual(JSON.parse(post.text)['data']);
    expect(JSON.parse(get.text)['data']).toHaveLength(3);
    const bad = await raw('GET', '/analytics/top/', '{"top": ', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ code: 'invalid_parameter' });
  });

  it('streams CSV and Arrow', async () => {
    const csv = await fetch(`${served.base}/api/v1/analytics/top?as_of=${AS_OF}`, { headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[0]).toBe('id,x,y,z');
    const arrow = await fetch(`${served.base}/api/v1/analytics/performance?format=arrow&as_of=${AS_OF}`);
    expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const { tableFromIPC } = await import('apache-arrow');
    const t = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(t.schema.fields.map((f) => f.name)).toEqual(['period', 'label', 'blogs', 'views', 'growth', 'x', 'y', 'z']);
    expect(t.numRows).toBeGreaterThan(0);
  });

  it('serves OpenAPI and the Swagger UI', async () => {
    const doc = (await (await fetch(`${served.base}/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: { name: string }[] }>> };
    for (const p of ['/api/v1/analytics/blog-views', '/api/v1/analytics/top', '/api/v1/analytics/performance', '/api/v1/meta']) expect(doc.paths[p], p).toBeDefined();
    const names = doc.paths['/api/v1/analytics/blog-views']!['get']!.parameters!.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['object_type', 'range', 'start', 'end', 'as_of', 'tz', 'filters', 'limit', 'offset', 'format']));
    expect((await fetch(`${served.base}/docs`, { redirect: 'follow' })).status).toBe(200);
  });
});

describe('malformed requests never yield a 500', () => {
  const enc = encodeURIComponent;
  const paths = ['/api/v1/analytics/blog-views', '/api/v1/analytics/top', '/api/v1/analytics/performance', '/analytics/top/'];
  const queries = [
    'limit=', 'limit=abc', 'limit=-1', 'limit=1e3', 'limit=99999999999999999999', 'offset=-5', 'offset=1.5', 'limit=1&limit=2',
    'range=', 'range=DAY', 'range[]=day', 'object_type=blog', 'top=author', 'compare=quarter', 'user_id=0', 'user_id=-1', 'user_id=1.0',
    'user_id=' + '9'.repeat(40), 'tz=', 'tz=../../etc/passwd', 'tz=' + 'A'.repeat(500), 'start=', 'start=2026-13-01', 'start=now', 'end=2026-01-01T24:00:00',
    'as_of=' + enc('2026-01-01T00:00:00+25:00'), 'start=2026-01-02&end=2026-01-01', 'start=2026-01-01&end=2026-01-01', 'format=xml', 'format=',
    'filters=', 'filters=null', 'filters=%7B', 'filters=' + enc('[]'), 'filters=' + enc('"text"'), 'filters=' + enc('{"field":"id"}'),
    'filters=' + enc('{"field":"id","op":"eq","value":"1; DROP TABLE blog"}'), 'filters=' + enc('{"and":' + '['.repeat(200) + ']'.repeat(200) + '}'),
    'filters=' + enc(JSON.stringify({ field: 'viewed_at', op: 'regex', value: '(' })), 'filters=' + enc(JSON.stringify({ field: 'blog__title', op: 'regex', value: '(' })),
    'filters=' + enc('\u0000'), '%ff=%ff', 'filters=%E0%A4%A', 'x'.repeat(5000) + '=1',
  ];

  it('query strings', async () => {
    for (const p of paths) {
      for (const q of queries) {
        const res = await served.app.inject({ url: `${p}?${q}` });
        expect(res.statusCode, `${p}?${q.slice(0, 80)}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const body = res.json();
          expect(Object.keys(body).sort()).toEqual(['code', 'details', 'error']);
          expect(res.body).not.toMatch(/\bat .*\.ts:\d+|SELECT|fact_view/);
        }
      }
    }
  });

  it('bodies', async () => {
    const bodies: [string, string][] = [
      ['{bad', 'application/json'], ['[]', 'application/json'], ['"str"', 'application/json'], ['null', 'application/json'], ['123', 'application/json'],
      ['{"limit": "x"}', 'application/json'], ['{"limit": null}', 'application/json'], ['{"limit": true}', 'application/json'], ['{"filters": 5}', 'application/json'],
      ['{"filters": "{bad"}', 'application/json'], ['{"filters": {"field": "user__password", "op": "eq", "value": 1}}', 'application/json'],
      ['{"tz": {"a": 1}}', 'application/json'], ['{"start": 20260101}', 'application/json'], ['{"range": ["day"]}', 'application/json'],
      ['limit=5', 'application/x-www-form-urlencoded'], ['hello', 'text/plain'], ['', 'application/json'], ['{"a":' + '1'.repeat(70_000) + '}', 'application/json'],
    ];
    for (const p of paths) {
      for (const [b, type] of bodies) {
        for (const method of ['POST', 'GET'] as const) {
          const res = await served.app.inject({ method, url: p, payload: b, headers: { 'content-type': type } });
          expect(res.statusCode, `${method} ${p} ${b.slice(0, 60)}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.json()).toHaveProperty('code');
        }
      }
    }
  });
});
