// Under load and abuse: a fixed number of requests at concurrency 64 over a real socket,
// every one answered, with no 5xx and no errors; 10,000 random query strings and JSON bodies
// with no 500. No wall-clock threshold: however slow the machine, only a fault fails this
// (the test's own timeout stands for a hang).
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEADY_LIMITS, generatedSnapshot, rng, serveSnapshot, tempDir } from './helpers.ts';
import type { Served } from './helpers.ts';

const dir = tempDir('load-');
let served: Served;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 20_000, 12);
  served = await serveSnapshot(db, { limits: STEADY_LIMITS });
});
afterAll(async () => {
  await served?.close();
  dir.cleanup();
});


describe('load', () => {
  it('answers 2,560 requests at concurrency 64 on a mixed workload, every one, with no 5xx and no errors', async () => {
    const paths = [
      '/api/v1/analytics/blog-views?range=all', '/api/v1/analytics/blog-views?object_type=user&range=year&offset=100',
      '/analytics/top/?top=blog', '/analytics/top?top=country&range=month', '/api/v1/analytics/performance?compare=week',
      '/api/v1/analytics/performance?compare=day&tz=Europe/Berlin&range=month', '/api/v1/meta', '/api/v1/analytics/top?limit=0',
    ];
    const requests = paths.flatMap((p) => [
      { method: 'GET' as const, path: p },
      { method: 'GET' as const, path: p, headers: { 'cache-control': 'no-cache' } },
    ]);
    const amount = 64 * 40;
    // A per-request limit beyond the test's own timeout: slowness is never an error here.
    const out = await autocannon({ url: served.base, connections: 64, amount, timeout: 600, requests });
    expect({ errors: out.errors, timeouts: out.timeouts, s5xx: out['5xx'] }).toEqual({ errors: 0, timeouts: 0, s5xx: 0 });
    expect(out['1xx'] + out['2xx'] + out['3xx'] + out['4xx'] + out['5xx']).toBe(amount);
    // The answers are the ones asked for: 200s, and 400s for limit=0 only.
    expect(Object.keys(out.statusCodeStats ?? {}).sort()).toEqual(['200', '400']);
    expect(out['2xx']).toBeGreaterThan(out['4xx']);
  }, 600_000);
});

describe('fuzz', () => {
  it('10,000 random requests never yield a 500', async () => {
    const r = rng(99);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const KEYS = ['object_type', 'top', 'compare', 'user_id', 'range', 'start', 'end', 'as_of', 'tz', 'filters', 'limit', 'offset', 'format', 'x', '', 'filters[]', '__proto__', 'constructor'];
    const ATOMS = ['', 'all', 'day', 'user', 'blog', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '2026-01-01', '2026-02-30T25:61:00Z', 'UTC', 'Europe/Berlin',
      "'; DROP TABLE blog; --", '%', '\u0000', '\u00e9\u65e5', '9'.repeat(30), '{"field":"id","op":"eq","value":1}', '{"and":[{"not":{"field":"user","op":"isnull","value":true}}]}',
      '{"field":"blog__title","op":"regex","value":"(?<x>a)"}', '{"field":"viewed_at","op":"between","value":["2026-01-01","x"]}', '{"or":' + '['.repeat(50)];
    const randomString = () => Array.from({ length: Math.floor(r() * 12) }, () => String.fromCharCode(Math.floor(r() * 0x3000))).join('');
    const value = (): unknown => {
      const k = r();
      if (k < 0.5) return pick(ATOMS);
      if (k < 0.6) return randomString();
      if (k < 0.7) return Math.floor((r() - 0.3) * 10 ** Math.floor(r() * 20));
      if (k < 0.8) return r() < 0.5;
      if (k < 0.9) return null;
      return { field: pick(['id', 'user__username', 'blog__title', 'viewed_at', 'nope']), op: pick(['eq', 'in', 'contains', 'between', 'isnull', 'zz']), value: r() < 0.5 ? pick(ATOMS) : [pick(ATOMS)] };
    };
    const paths = ['/api/v1/analytics/blog-views', '/api/v1/analytics/top', '/api/v1/analytics/performance', '/analytics/top/', '/analytics/blog-views', '/api/v1/meta', '/api/v1/nothing'];
    let statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const members: Record<string, unknown> = {};
      for (let j = Math.floor(r() * 5); j > 0; j--) members[pick(KEYS)] = value();
      const path = pick(paths);
      let res;
      if (r() < 0.5) {
        const q = Object.entries(members).map(([k, v]) => `${encodeURIComponent(k)}=${r() < 0.9 ? encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v)) : '%' + randomString()}`).join('&');
        res = await served.app.inject({ method: 'GET', url: `${path}?${q}` });
      } else {
        const payload = r() < 0.9 ? JSON.stringify(members) : randomString();
        res = await served.app.inject({ method: r() < 0.8 ? 'POST' : 'GET', url: path, payload, headers: { 'content-type': 'application/json' } });
      }
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500) expect(`${path} ${JSON.stringify(members)}: ${res.body}`).toBe('no 5xx');
    }
    statuses = new Map([...statuses].sort());
    // Both outcomes occur: the fuzz reaches the queries, not only the validators.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(200);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(2000);
  }, 300_000);
});
