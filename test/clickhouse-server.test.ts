// Against a real ClickHouse server or cluster: runs when CLICKHOUSE_URL is set (and
// CLICKHOUSE_CLUSTER, for a cluster), and says it was skipped otherwise (README,
// "ClickHouse"). A small generated data set is imported with the importer's ClickHouse
// target into database CLICKHOUSE_TEST_DATABASE (default bae_integration, dropped first), and
// the blog's fixed endpoints and a few questions answer as the same data do on DuckDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { ClickHouse } from '../engine/clickhouse/backend.ts';
import { blogDataset } from '../engine/datasets/blog/declaration.ts';
import { loadIntoClickHouse } from '../data/clickhouse-load.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { buildApp } from '../server/app.ts';
import { END, STEADY_LIMITS, tempDir } from './helpers.ts';

const url = process.env['CLICKHOUSE_URL'];
const cluster = process.env['CLICKHOUSE_CLUSTER'] || undefined;
const database = process.env['CLICKHOUSE_TEST_DATABASE'] || 'bae_integration';

describe('a real ClickHouse server', () => {
  if (!url) {
    it('is skipped: CLICKHOUSE_URL is not set', () => {
      console.log('clickhouse-server.test.ts: skipped, CLICKHOUSE_URL is not set (README, "ClickHouse": how to run it against a server or cluster)');
      expect(url).toBeUndefined();
    });
    return;
  }
  const dir = tempDir('chsrv-');
  let duck: Engine;
  let ch: Engine;
  let apps: FastifyInstance[] = [];
  beforeAll(async () => {
    const parquet = join(dir.path, 'p');
    await generate({ views: 20_000, seed: 3, out: parquet, end: END });
    const db = join(dir.path, 's.duckdb');
    await importSnapshot({ source: parquet, dbPath: db });
    const backend = await ClickHouse.connect({ url, database, cluster });
    const u = new URL(url);
    await loadIntoClickHouse({ snapshot: db, catalog: blogDataset.catalog, ch: backend, user: decodeURIComponent(u.username) || 'default', password: decodeURIComponent(u.password) });
    duck = await Engine.open(db, { cacheEntries: 0 });
    ch = await Engine.openClickHouse(backend, { cacheEntries: 0 });
    apps = [await buildApp({ engine: () => duck, limits: STEADY_LIMITS }), await buildApp({ engine: () => ch, limits: STEADY_LIMITS })];
  }, 600_000);
  afterAll(async () => {
    for (const a of apps) await a.close();
    await duck?.close();
    await ch?.close();
    dir.cleanup();
  });

  it(`answers as DuckDB does${cluster ? ` on cluster ${cluster}` : ''}`, async () => {
    const urls = [
      '/api/v1/analytics/blog-views?range=all&as_of=2026-11-01T00:00:00Z',
      '/api/v1/analytics/blog-views?object_type=user&range=year&as_of=2026-11-01T00:00:00Z&limit=20&offset=20',
      '/api/v1/analytics/top?top=blog&range=all&as_of=2026-11-01T00:00:00Z',
      '/api/v1/analytics/performance?compare=week&range=year&tz=Europe/Berlin&as_of=2026-11-01T00:00:00Z',
      `/api/v1/analytics/top?top=country&range=all&as_of=2026-11-01T00:00:00Z&filters=${encodeURIComponent(JSON.stringify({ field: 'blog__title', op: 'contains', value: "%_'\\é" }))}`,
    ];
    for (const u of urls) {
      const [a, b] = await Promise.all(apps.map((app) => app.inject({ url: u })));
      expect(b!.statusCode, u).toBe(a!.statusCode);
      expect(b!.body.replace(/"request_id":"[^"]*"/g, ''), u).toBe(a!.body.replace(/"request_id":"[^"]*"/g, ''));
    }
  }, 600_000);
});
