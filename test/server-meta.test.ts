import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, serveSnapshot, spawnServer, tempDir } from './helpers.ts';
import type { Served } from './helpers.ts';

const dir = tempDir('srv-');
let snap: string;
let served: Served;

beforeAll(async () => {
  ({ db: snap } = await generatedSnapshot(dir.path, 10_000));
  served = await serveSnapshot(snap);
});
afterAll(async () => {
  await served?.close();
  dir.cleanup();
});

describe('meta over a real socket', () => {
  it('reports the row counts of all four tables, as counted independently', async () => {
    const res = await fetch(`${served.base}/api/v1/meta`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { snapshot: { tables: Record<string, number>; first_viewed_at: string; last_viewed_at: string } };
    const db = await Database.open(':memory:');
    try {
      await db.exec(`ATTACH '${snap.replaceAll("'", "''")}' AS s (READ_ONLY)`);
      for (const t of ['country', 'user', 'blog', 'blog_view']) {
        const n = (await db.query(`SELECT count(*) AS n FROM s."${t}"`)).rows[0]!['n'];
        expect(body.snapshot.tables[t], t).toBe(n);
      }
      const span = (await db.query(`SELECT min(viewed_at) AS a, max(viewed_at) AS b FROM s.blog_view`)).rows[0]!;
      expect(body.snapshot.first_viewed_at).toBe((span['a'] as Date).toISOString());
      expect(body.snapshot.last_viewed_at).toBe((span['b'] as Date).toISOString());
    } finally {
      db.close();
    }
  });

  it('lists exactly the filterable paths of the spec, never a secret column', async () => {
    const body = (await (await fetch(`${served.base}/api/v1/meta`)).json()) as { fields: { path: string; type: string }[] };
    const paths = body.fields.map((f) => f.path).sort();
    expect(paths).toEqual(
      [
        'id', 'duration', 'viewed_at',
        'user', 'user__id', 'user__username', 'user__first_name', 'user__last_name',
        'country', 'country__id', 'country__name', 'country__code',
        'blog', 'blog__id', 'blog__title', 'blog__created_at',
        'blog__author', 'blog__author__id', 'blog__author__username', 'blog__author__first_name', 'blog__author__last_name',
        'blog__country', 'blog__country__id', 'blog__country__name', 'blog__country__code',
      ].sort(),
    );
    const types = Object.fromEntries(body.fields.map((f) => [f.path, f.type]));
    const ops = Object.fromEntries((body.fields as unknown as { path: string; operators: string[] }[]).map((f) => [f.path, f.operators]));
    expect(ops['blog__title']).toEqual(expect.arrayContaining(['contains', 'icontains', 'regex', 'iexact', 'isnull', 'in', 'between']));
    expect(ops['duration']).not.toContain('contains');
    expect(ops['duration']).toEqual(expect.arrayContaining(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull']));
    expect(types).toMatchObject({ viewed_at: 'timestamp', blog__created_at: 'timestamp', user: 'integer', country__code: 'text', duration: 'integer' });
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${served.base}/health`)).status).toBe(200);
    expect(await (await fetch(`${served.base}/ready`)).json()).toEqual({ status: 'ready' });
  });

  it('answers unknown routes with the spec error shape', async () => {
    const res = await fetch(`${served.base}/api/v1/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not_found', details: [] });
  });
});

describe('without a snapshot', () => {
  it('is alive but not ready, and meta is 503 unavailable', async () => {
    const empty = await buildApp({ engine: () => undefined });
    try {
      expect((await empty.inject({ url: '/health' })).statusCode).toBe(200);
      const ready = await empty.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'unavailable' });
      const meta = await empty.inject({ url: '/api/v1/meta' });
      expect(meta.statusCode).toBe(503);
      expect(meta.json()).toEqual({ error: 'no data loaded yet', code: 'unavailable', details: [] });
    } finally {
      await empty.close();
    }
  });
});

describe('server/main.ts', () => {
  it('serves a snapshot from ANALYTICS_DB and exits cleanly on SIGTERM', async () => {
    const db = join(dir.path, 'main.duckdb');
    copyFileSync(snap, db);
    const { child, url } = await spawnServer({ ANALYTICS_DB: db });
    const meta = (await (await fetch(`${url}/api/v1/meta`)).json()) as { snapshot: { tables: Record<string, number> } };
    expect(meta.snapshot.tables['blog_view']).toBe(10_000);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('drains queries whose clients are gone before closing DuckDB, and exits', async () => {
    const db = join(dir.path, 'drain.duckdb');
    copyFileSync(snap, db);
    const { child, url } = await spawnServer({ ANALYTICS_DB: db, RATE_LIMIT_PER_MINUTE: '0' });
    const slow = encodeURIComponent(JSON.stringify({ or: Array.from({ length: 40 }, (_, i) => ({ field: 'blog__title', op: 'regex', value: `(a|e|i)*${i}q` })) }));
    const aborts = Array.from({ length: 12 }, (_, i) => {
      const ctl = new AbortController();
      const p = fetch(`${url}/api/v1/analytics/blog-views?object_type=user&range=all&limit=${i + 1}&filters=${slow}`, { signal: ctl.signal, headers: { 'cache-control': 'no-cache' } }).catch(() => undefined);
      setTimeout(() => ctl.abort(), 30);
      return p;
    });
    await Promise.all(aborts);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 20_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(0);
  }, 40_000);
});
