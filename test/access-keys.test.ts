// Access keys over a real socket (SPEC-query.md section 3): with keys configured, /api/...,
// the old /analytics/... paths and /metrics ask for one by Authorization: Bearer or
// X-API-Key; a missing or unknown key is 401 in the spec's shape with WWW-Authenticate; a key
// in the URL is refused; /health, /ready, /docs, /openapi.json and / stay open; the log and
// the metrics name the key, never its secret; the debug endpoint takes DEBUG_TOKEN in
// Authorization and the API key in X-API-Key.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { createMetrics } from '../server/metrics.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';

const ALICE = { name: 'alice', secret: 'alice-Secret-0123456789' };
const BOB = { name: 'bob.ci', secret: 'bob:Secret:abcdefghijkl' };
const DEBUG = 'debug-Token-9876543210zz';
const SECRETS = [ALICE.secret, BOB.secret, DEBUG];
const AS_OF = '2026-10-01T00:00:00Z';

const dir = tempDir('keys-');
let engine: Engine;
let app: FastifyInstance;
let base: string;
let reloads = 0;

/** The app's log lines, and waiters for lines still to come (a response reaches the client
 *  before its "request completed" line is written). */
const lines: Record<string, unknown>[] = [];
const raw: string[] = [];
const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
const stream = {
  write(text: string) {
    raw.push(text);
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of [...waiters]) if (w.pred(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
  },
};
function logLine(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const seen = lines.find(pred);
  return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pred, resolve }));
}
const completed = (id: string) => logLine((l) => l['reqId'] === id && l['msg'] === 'request completed');

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
  /** Resolves with the request's "request completed" log line (its metrics are counted by then). */
  done: Promise<Record<string, unknown>>;
}

async function call(path: string, headers: Record<string, string> = {}, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const id = `t-${randomUUID()}`;
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'x-request-id': id, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body } : {}),
  });
  const text = await res.text();
  for (const s of SECRETS) expect(text).not.toContain(s);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown>, done: completed(id) };
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const xKey = (secret: string) => ({ 'x-api-key': secret });

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 3000, 5);
  const metrics = createMetrics();
  engine = await Engine.open(db, { onQuery: (q) => metrics.query(q) });
  app = await buildApp({
    engine: () => engine,
    accessKeys: [ALICE, BOB],
    debugToken: DEBUG,
    reload: async () => ({ reloads: ++reloads }),
    metrics,
    logger: { level: 'info', stream },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

const PROTECTED: [string, string, unknown?][] = [
  ['GET', '/api/v1/meta'],
  ['GET', `/api/v1/analytics/top?as_of=${AS_OF}`],
  ['POST', '/api/v1/analytics/blog-views', { as_of: AS_OF }],
  ['GET', `/analytics/top/?as_of=${AS_OF}`],
  ['GET', `/analytics/performance?as_of=${AS_OF}`],
  ['POST', '/analytics/blog-views/', { as_of: AS_OF }],
  ['GET', '/metrics'],
  // A route spelled with a percent-encoded letter is the same route, and asks for a key.
  ['GET', '/%61pi/v1/meta'],
  // No such route: the answer without a key does not tell what exists.
  ['GET', '/api/v1/no-such-route'],
];

describe('access keys', () => {
  it('answers 401 unauthorized in the error shape, with WWW-Authenticate: Bearer, without a key', async () => {
    for (const [method, path, body] of PROTECTED) {
      const r = await call(path, {}, { method, body });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.json()).toEqual({ error: expect.stringContaining('X-API-Key'), code: 'unauthorized', details: [] });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      // The refusal still carries the security headers.
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('answers 401 for an unknown key by either header, a near miss, a key name and another scheme', async () => {
    const tries: Record<string, string>[] = [
      bearer('not-a-key-0123456789abc'),
      xKey('not-a-key-0123456789abc'),
      bearer(ALICE.secret.slice(0, -1) + '0'),
      xKey(`${ALICE.secret}x`),
      xKey(ALICE.name),
      bearer(DEBUG),
      { authorization: ALICE.secret },
      { authorization: `Basic ${Buffer.from(`alice:${ALICE.secret}`).toString('base64')}` },
      { authorization: 'Bearer ' },
      // X-API-Key, when present, is the key: a right Bearer token does not save a wrong one.
      { ...bearer(ALICE.secret), ...xKey('not-a-key-0123456789abc') },
    ];
    for (const h of tries) {
      const r = await call(`/api/v1/analytics/top?as_of=${AS_OF}`, h);
      expect(r.status, JSON.stringify(h)).toBe(401);
      expect(r.json()).toMatchObject({ code: 'unauthorized', details: [] });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    }
  });

  it('lets the right key in by Authorization: Bearer and by X-API-Key', async () => {
    const path = `/api/v1/analytics/top?top=country&as_of=${AS_OF}`;
    const answers = [];
    for (const h of [bearer(ALICE.secret), xKey(ALICE.secret), bearer(BOB.secret), xKey(BOB.secret), { authorization: `bearer  ${BOB.secret}` }]) {
      const r = await call(path, h);
      expect(r.status, JSON.stringify(h)).toBe(200);
      answers.push(r.json());
    }
    expect((answers[0]!['data'] as unknown[]).length).toBeGreaterThan(0);
    for (const a of answers) expect(a).toEqual(answers[0]);
    for (const [method, p, body] of PROTECTED.filter(([, p]) => !p.includes('no-such'))) {
      const r = await call(p, xKey(BOB.secret), { method, body });
      expect(r.status, `${method} ${p}`).toBe(200);
    }
  });

  it('refuses a key in the query string, even a right one beside a right header', async () => {
    const cases: [string, Record<string, string>, string][] = [
      [`/api/v1/meta?api_key=${ALICE.secret}`, {}, 'api_key'],
      [`/api/v1/analytics/top?key=${encodeURIComponent(BOB.secret)}`, {}, 'key'],
      [`/analytics/top/?access_token=${ALICE.secret}`, {}, 'access_token'],
      [`/api/v1/meta?API_KEY=${ALICE.secret}`, xKey(ALICE.secret), 'API_KEY'],
      [`/metrics?access_token=${ALICE.secret}`, bearer(ALICE.secret), 'access_token'],
    ];
    for (const [path, headers, param] of cases) {
      const r = await call(path, headers);
      expect(r.status, path).toBe(400);
      expect(r.json()).toMatchObject({ code: 'invalid_parameter', details: [{ path: `/${param}`, message: expect.stringContaining('header') }] });
      expect(r.json()['error']).toMatch(/not accepted in the URL.*Authorization: Bearer.*X-API-Key/);
      // Logged without the secret (the URL is logged before the refusal).
      const incoming = await logLine((l) => l['msg'] === 'incoming request' && (l['reqId'] as string) === (r.headers.get('x-request-id') ?? ''));
      expect((incoming['req'] as { url: string }).url).toContain(`${param}=[redacted]`);
    }
  });

  it('keeps /health, /ready, /docs and its assets, /openapi.json and / open', async () => {
    for (const path of ['/health', '/ready', '/docs', '/docs/', '/docs/static/index.css', '/docs/static/swagger-ui-bundle.js', '/openapi.json', '/docs/json']) {
      const r = await call(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('www-authenticate')).toBeNull();
    }
    // The page: whatever serves it, it is never behind a key.
    const page = await call('/');
    expect(page.status).not.toBe(401);
    expect(page.headers.get('www-authenticate')).toBeNull();
  });

  it('declares both schemes in OpenAPI and marks the protected routes, not the open ones', async () => {
    const spec = (await call('/openapi.json')).json() as { components: { securitySchemes: Record<string, Record<string, string>> }; paths: Record<string, Record<string, { security?: unknown }>> };
    const schemes = Object.values(spec.components.securitySchemes);
    expect(schemes).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    ]));
    const names = Object.keys(spec.components.securitySchemes);
    const either = names.map((n) => ({ [n]: [] }));
    expect(spec.paths['/api/v1/meta']!['get']!.security).toEqual(expect.arrayContaining(either));
    expect(spec.paths['/api/v1/analytics/top']!['post']!.security).toEqual(expect.arrayContaining(either));
    // The debug endpoint wants both at once: the API key in X-API-Key, DEBUG_TOKEN as Bearer.
    expect(spec.paths['/api/v1/debug/sql']!['post']!.security).toEqual([Object.fromEntries(names.map((n) => [n, []]))]);
    expect(spec.paths['/health']?.['get']?.security).toBeUndefined();
  });

  it('takes DEBUG_TOKEN in Authorization and the API key in X-API-Key on the debug and admin endpoints', async () => {
    const sql = (h: Record<string, string>) => call('/api/v1/debug/sql', h, { method: 'POST', body: { sql: 'SELECT 42 AS answer' } });
    const both = await sql({ ...bearer(DEBUG), ...xKey(ALICE.secret) });
    expect(both.status).toBe(200);
    expect(both.json()).toMatchObject({ rows: [[42]] });
    for (const h of [bearer(DEBUG), xKey(ALICE.secret), { ...bearer(ALICE.secret), ...xKey(ALICE.secret) }, { ...bearer(DEBUG), ...xKey(DEBUG) }]) {
      const r = await sql(h);
      expect(r.status, JSON.stringify(h)).toBe(401);
      expect(r.json()).toMatchObject({ code: 'unauthorized' });
    }
    const before = reloads;
    expect((await call('/api/v1/admin/reload', bearer(DEBUG), { method: 'POST' })).status).toBe(401);
    expect((await call('/api/v1/admin/reload', xKey(BOB.secret), { method: 'POST' })).status).toBe(401);
    expect(reloads).toBe(before);
    const ok = await call('/api/v1/admin/reload', { ...bearer(DEBUG), ...xKey(BOB.secret) }, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(reloads).toBe(before + 1);
  });

  it('names the key in the request log, never a secret', async () => {
    const r = await call(`/api/v1/analytics/top?as_of=${AS_OF}`, bearer(ALICE.secret));
    expect(r.status).toBe(200);
    expect(await r.done).toMatchObject({ key: 'alice', res: { statusCode: 200 } });
    const other = await call('/api/v1/meta', xKey(BOB.secret));
    expect(await other.done).toMatchObject({ key: 'bob.ci' });
    const refused = await call('/api/v1/meta', bearer('not-a-key-0123456789abc'));
    expect((await refused.done)['key']).toBeUndefined();
    expect(raw.length).toBeGreaterThan(10);
    for (const s of [...SECRETS, 'not-a-key-0123456789abc', encodeURIComponent(BOB.secret)]) expect(raw.join('\n')).not.toContain(s);
  });

  it('asks for a key on /metrics, which counts requests by key name, never the secret', async () => {
    const a = await call(`/api/v1/analytics/performance?as_of=${AS_OF}`, xKey(ALICE.secret));
    const b1 = await call(`/api/v1/analytics/performance?as_of=${AS_OF}`, bearer(BOB.secret));
    const b2 = await call(`/api/v1/analytics/performance?as_of=${AS_OF}&compare=fortnight`, bearer(BOB.secret));
    await Promise.all([a.done, b1.done, b2.done]);
    expect((await call('/metrics')).status).toBe(401);
    const m = await call('/metrics', bearer(BOB.secret));
    expect(m.status).toBe(200);
    const count = (key: string, status: number) => {
      const hit = new RegExp(`^http_requests_by_key_total\\{key="${key.replace('.', '\\.')}",route="/api/v1/analytics/performance",status="${status}"\\} (\\d+)$`, 'm').exec(m.text);
      return hit ? Number(hit[1]) : 0;
    };
    expect(count('alice', 200)).toBeGreaterThanOrEqual(1);
    expect(count('bob.ci', 200)).toBeGreaterThanOrEqual(1);
    expect(count('bob.ci', 400)).toBeGreaterThanOrEqual(1);
    // Requests refused for their key are counted by route, under no key's name.
    expect(m.text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/analytics\/top",status="401"\} \d+/);
    expect(m.text).not.toMatch(/key="(not-a-key|undefined)/);
  });

  it('works the same through inject', async () => {
    const none = await app.inject({ url: '/api/v1/meta' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer\b/);
    expect(none.json()).toMatchObject({ code: 'unauthorized', details: [] });
    const ok = await app.inject({ url: '/api/v1/meta', headers: xKey(ALICE.secret) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toHaveProperty('fields');
  });
});

describe('without access keys', () => {
  it('stays open as before: no key asked, none declared', async () => {
    const open = await buildApp({ engine: () => engine });
    try {
      const url = await open.listen({ port: 0, host: '127.0.0.1' });
      for (const path of ['/api/v1/meta', `/analytics/top/?as_of=${AS_OF}`, '/metrics']) {
        const r = await fetch(`${url}${path}`);
        expect(r.status, path).toBe(200);
        await r.arrayBuffer();
      }
      const spec = (await (await fetch(`${url}/openapi.json`)).json()) as { components?: { securitySchemes?: unknown }; paths: Record<string, Record<string, { security?: unknown }>> };
      expect(spec.components?.securitySchemes).toBeUndefined();
      expect(spec.paths['/api/v1/meta']!['get']!.security).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});
