// Every dataset's snapshot served by one server (SPEC-query section 1): the blog's at
// ANALYTICS_DB, the others' `<name>.duckdb` in DATA_DIR (by default ANALYTICS_DB's folder);
// a dataset without a snapshot answers 503 `unavailable` while the others serve, is listed
// as unavailable, and is picked up by a reload once imported; a reload reopens only the
// snapshots that changed.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { importSnapshot } from '../data/import.ts';
import { generateMarketplace } from '../data/marketplace/generate.ts';
import { END, generatedSnapshot, tempDir } from './helpers.ts';
import { spawnMain } from './spawn-main.ts';

const dir = tempDir('mserve-');
afterAll(() => dir.cleanup());

const paths = (env: Record<string, string>) => loadConfig(env, false).snapshots.map((s) => [s.dataset, s.path, s.generateDefault]);

describe('snapshot paths', () => {
  it('the blog at ANALYTICS_DB, every other dataset in DATA_DIR (default: ANALYTICS_DB\'s folder, else data/); generated only at the default paths', () => {
    expect(paths({})).toEqual([['blog', 'data/analytics.duckdb', true], ['marketplace', 'data/marketplace.duckdb', true], ['members', 'data/members.duckdb', true]]);
    expect(paths({ ANALYTICS_DB: '/srv/a/blog.duckdb' })).toEqual([
      ['blog', '/srv/a/blog.duckdb', false],
      ['marketplace', '/srv/a/marketplace.duckdb', false],
      ['members', '/srv/a/members.duckdb', false],
    ]);
    expect(paths({ DATA_DIR: '/srv/d' })).toEqual([['blog', '/srv/d/analytics.duckdb', false], ['marketplace', '/srv/d/marketplace.duckdb', false], ['members', '/srv/d/members.duckdb', false]]);
    expect(paths({ DATA_DIR: '/srv/d', ANALYTICS_DB: '/srv/e/b.duckdb' })).toEqual([
      ['blog', '/srv/e/b.duckdb', false],
      ['marketplace', '/srv/d/marketplace.duckdb', false],
      ['members', '/srv/d/members.duckdb', false],
    ]);
    expect(paths({ DATA_DIR: 'data' })).toEqual([['blog', 'data/analytics.duckdb', true], ['marketplace', 'data/marketplace.duckdb', true], ['members', 'data/members.duckdb', true]]);
    expect(paths({ DATA_DIR: '/srv/d', GENERATE_DEFAULT: '1' }).map((p) => p[2])).toEqual([true, true, true]);
    expect(paths({ GENERATE_DEFAULT: '0' }).map((p) => p[2])).toEqual([false, false, false]);
  });
});

describe('a server of two datasets', () => {
  it('serves the blog while the marketplace has no snapshot (503 unavailable), then both after an import and a reload', async () => {
    const blog = await generatedSnapshot(join(dir.path, 'blog'), 3_000);
    const data = join(dir.path, 'data');
    const blogDb = join(data, 'analytics.duckdb');
    await importSnapshot({ source: blog.parquet, dbPath: blogDb });
    const server = await spawnMain({ ANALYTICS_DB: blogDb, RATE_LIMIT_PER_MINUTE: '0' });
    const post = (url: string, body: unknown) => fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const datasets = async () => ((await (await fetch(`${server.url}/api/v1/datasets`)).json()) as { datasets: { name: string; available: boolean; snapshot: { tables: Record<string, number> } | null }[] }).datasets;
    let code: number | null;
    try {
      const market = join(data, 'marketplace.duckdb');
      expect(server.output()).toContain(`no snapshot of the marketplace dataset at ${market}`);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      expect((await post('/api/v1/blog/query', { measures: ['views'] })).status).toBe(200);
      const missing = await post('/api/v1/marketplace/query', { measures: ['revenue'] });
      expect(missing.status).toBe(503);
      expect(await missing.json()).toMatchObject({ code: 'unavailable', error: expect.stringContaining('marketplace') });
      expect((await fetch(`${server.url}/api/v1/meta?dataset=marketplace`)).status).toBe(503);
      expect((await datasets()).map((d) => [d.name, d.available])).toEqual([['blog', true], ['marketplace', false], ['members', false]]);

      const parquet = join(dir.path, 'market-parquet');
      const gen = await generateMarketplace({ orders: 500, seed: 8, out: parquet, end: END });
      await importSnapshot({ source: parquet, dbPath: market, dataset: marketplaceDataset });
      server.child.kill('SIGHUP');
      await server.waitFor(/SIGHUP: marketplace snapshot reloaded/);
      await server.waitFor(/SIGHUP: snapshot reloaded/);
      const listed = await datasets();
      expect(listed.map((d) => [d.name, d.available])).toEqual([['blog', true], ['marketplace', true], ['members', false]]);
      expect(listed[1]!.snapshot!.tables).toEqual(gen.rows);
      const res = await post('/api/v1/marketplace/query', { measures: ['revenue', 'orders'], dimensions: ['order__status'] });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { order__status: string }[] };
      // Only counted orders make groups.
      expect(body.data.map((r) => r.order__status).sort()).toEqual(['delivered', 'paid', 'shipped']);
      const meta = (await (await fetch(`${server.url}/api/v1/meta?dataset=marketplace`)).json()) as { root: string; measures: { name: string }[] };
      expect(meta.root).toBe('order_item');
      expect(meta.measures.map((m) => m.name)).toEqual(['revenue', 'orders', 'items_sold', 'customers', 'products', 'average_order_value']);

      // A second reload: the marketplace's file did not change, so only the blog reopens.
      const before = server.output().split('SIGHUP: snapshot reloaded').length;
      server.child.kill('SIGHUP');
      await server.waitFor(new RegExp(`(SIGHUP: snapshot reloaded[^]*){${before}}`));
      expect(server.output().split('SIGHUP: marketplace snapshot reloaded').length).toBe(2);
    } finally {
      code = await server.stop();
    }
    expect(code).toBe(0);
  }, 120_000);
});
