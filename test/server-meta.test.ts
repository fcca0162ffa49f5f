import { once } from 'node:events';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, serveSnapshot, spawnServer, tempDir } from './helpers.ts';
import type { Served } from './helpers.ts';
import { SPEC_TABLES, parquetReference } from './reference.ts';
import { killAfterTest, serverLog } from './server-log.ts';

const dir = tempDir('srv-');
let snap: string;
let source: string;
let served: Served;

beforeAll(async () => {
  ({ db: snap, parquet: source } = await generatedSnapshot(dir.path, 10_000));
  served = await serveSnapshot(snap);
});
afterAll(async () => {
  await served?.close();
  dir.cleanup();
});

describe('meta over a real socket', () => {
  it('reports the row counts of all four tables and the time span, as the source files have them', async () => {
    const res = await fetch(`${served.base}/api/v1/meta`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { snapshot: { tables: Record<string, number>; first_viewed_at: string; last_viewed_at: string } };
    const ref = await parquetReference(source);
    try {
      for (const t of SPEC_TABLES) {
        const n = (await ref.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0]!['n'];
        expect(body.snapshot.tables[t], t).toBe(n);
      }
      const span = (await ref.query(`SELECT strftime(min(viewed_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS a, strftime(max(viewed_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS b FROM blog_view`)).rows[0]!;
      expect(body.snapshot.first_viewed_at).toBe(span['a']);
      expect(body.snapshot.last_viewed_at).toBe(span['b']);
    } finally {
      ref.close();
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
    killAfterTest(child);
    const meta = (await (await fetch(`${url}/api/v1/meta`)).json()) as { snapshot: { tables: Record<string, number> } };
    expect(meta.snapshot.tables['blog_view']).toBe(10_000);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });

  it('drains queries whose clients are gone before closing DuckDB, and exits', async () => {
    const db = join(dir.path, 'drain.duckdb');
    copyFileSync(snap, db);
    // debug: the server logs each query as it starts; SLOW_QUERY_MS=0: and each one that
    // finishes with its answer. No time limit, no load shedding: only a defect can fail this.
    const { child, url } = await spawnServer({
      ANALYTICS_DB: db, RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'debug', SLOW_QUERY_MS: '0', MAX_EVENT_LOOP_DELAY_MS: '0', QUERY_TIMEOUT_MS: '600000',
    });
    killAfterTest(child);
    const log = serverLog(child);
    const slow = encodeURIComponent(JSON.stringify({ or: Array.from({ length: 40 }, (_, i) => ({ field: 'blog__title', op: 'regex', value: `(a|e|i)*${i}q` })) }));
    const clients = Array.from({ length: 12 }, (_, i) => {
      const ctl = new AbortController();
      const id = `drain-${i}`;
      const done = fetch(`${url}/api/v1/analytics/blog-views?object_type=user&range=all&limit=${i + 1}&filters=${slow}`, {
        signal: ctl.signal, headers: { 'cache-control': 'no-cache', 'x-request-id': id },
      }).then((r) => r.text()).catch(() => undefined);
      return { ctl, id, done };
    });
    // Each client goes away once the server has started its query.
    await Promise.all(clients.map(async (c) => {
      await log.waitFor((l) => l.msg === 'query started' && l['reqId'] === c.id);
      c.ctl.abort();
    }));
    await Promise.all(clients.map((c) => c.done));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    // Every query that started ran to its answer: none was cut off by DuckDB closing.
    const started = log.lines.filter((l) => l.msg === 'query started').length;
    const finished = log.lines.filter((l) => l.msg === 'slow query').length;
    expect({ started, finished }).toEqual({ started: 12, finished: 12 });
    expect(log.lines.some((l) => l.msg === 'SIGTERM: draining requests and closing')).toBe(true);
  }, 120_000);
});
