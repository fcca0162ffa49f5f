// The marketplace benchmark's harness: its command line (the blog's unchanged, the other
// dataset's options refused), where its files go, the check of PostgreSQL's answers (money
// as exact text), and, against the real app over the awkward fixture data, an endpoint with
// no route reported as "not served" while the served ones are measured and agree with
// PostgreSQL's Django schema loaded from the same Parquet files.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchOptions, benchProgram } from '../bench/options.ts';
import { marketDifference } from '../bench/market/compare.ts';
import { closeMarketAgent, isNoRoute, marketRequest, measureMarket } from '../bench/market/measure.ts';
import type { MarketServed } from '../bench/market/measure.ts';
import { marketPaths } from '../bench/market/run.ts';
import { marketMarkdown, withMarketTable } from '../bench/market/report.ts';
import { dataFacts } from '../bench/market/pg-peer.ts';
import { marketVariants } from '../bench/market/variants.ts';
import type { MarketVariant } from '../bench/market/variants.ts';
import { Engine } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { loadShopSchema } from '../data/marketplace/pg-load.ts';
import { buildApp } from '../server/app.ts';
import { END, STEADY_LIMITS, tempDir } from './helpers.ts';
import { marketFixture } from './market-fixture.ts';
import { PGURL, dropSchema, postgresForTests } from './pg-fixture.ts';

const parsed = (...argv: string[]) => {
  const program = benchProgram();
  program.parse(argv, { from: 'user' });
  return benchOptions(program);
};

describe('bench command line', () => {
  it('keeps the blog\'s options and defaults; takes --dataset marketplace --orders N', () => {
    expect(parsed('--views', '10000', '--quick')).toEqual({ dataset: 'blog', views: 10_000, shapes: ['skewed', 'uniform'], quick: true, pg: true, readme: false, backend: 'duckdb' });
    expect(parsed('--shape', 'uniform', '--no-pg')).toEqual({ dataset: 'blog', views: 1_000_000, shapes: ['uniform'], quick: false, pg: false, readme: false, backend: 'duckdb' });
    expect(parsed('--dataset', 'marketplace', '--orders', '20000', '--quick', '--readme')).toEqual({ dataset: 'marketplace', orders: 20_000, quick: true, pg: true, readme: true, backend: 'duckdb' });
  });

  it('refuses an option of the other dataset, and too few orders', () => {
    expect(parsed('--dataset', 'marketplace', '--views', '10000')).toEqual({ error: "option '--views' does not apply to --dataset marketplace" });
    expect(parsed('--dataset', 'marketplace', '--shape', 'skewed')).toEqual({ error: "option '--shape' does not apply to --dataset marketplace" });
    expect(parsed('--orders', '5000')).toEqual({ error: "option '--orders' does not apply to --dataset blog" });
    expect(() => parsed('--dataset', 'marketplace', '--orders', '999')).toThrow(/at least 1000/);
    expect(() => parsed('--dataset', 'shop')).toThrow(/Allowed choices are blog, marketplace/);
  });

  it('keeps the marketplace\'s data, snapshot, schema and results apart from the blog\'s', () => {
    expect(marketPaths({ root: '/r', orders: 5000, quick: true })).toMatchObject({
      parquet: '/r/bench/data/marketplace-5000',
      snapshot: '/r/bench/data/marketplace-5000/marketplace.duckdb',
      schema: 'bae_bench_market_5000',
      stem: '/r/bench/results/bench-marketplace-5000-quick',
      serverLog: '/r/bench/results/server-marketplace-5000-quick.log',
    });
  });
});

describe('PostgreSQL answer check', () => {
  it('compares money and names as exact text, counts and ratios as numbers, instants as instants', () => {
    expect(marketDifference([['0.30', 3, 0.5, null, true, '2026-10-31T23:57:17.000Z']], [['0.30', '3', '0.5000', null, true, new Date('2026-10-31T23:57:17Z')]])).toBeNull();
    expect(marketDifference([['0.30']], [['0.3']])).toBe('row 0, cell 0: "0.30" here, "0.3" in PostgreSQL');
    expect(marketDifference([[2]], [['3']])).toMatch(/^row 0, cell 0/);
    expect(marketDifference([[null]], [['0.00']])).toMatch(/^row 0, cell 0/);
    expect(marketDifference([['2026-10-31T23:57:17.000Z']], [[new Date('2026-10-31T23:57:18Z')]])).toMatch(/^row 0, cell 0/);
    expect(marketDifference([[1], [2]], [[1]])).toBe('2 rows here, 1 in PostgreSQL');
  });
});

describe('the README section', () => {
  it('is replaced between its markers, and a README without it is refused', () => {
    const readme = 'a\n<!-- bench-marketplace:start -->\nold\n<!-- bench-marketplace:end -->\nb\n';
    expect(withMarketTable(readme, 'NEW\n')).toBe('a\n<!-- bench-marketplace:start -->\nNEW\n<!-- bench-marketplace:end -->\nb\n');
    expect(() => withMarketTable('a\n', 'x')).toThrow('README has no <!-- bench-marketplace:start --> ... <!-- bench-marketplace:end --> section');
  });
});

const dir = tempDir('bench-market-');
const schema = `bae_bench_market_test_${process.pid}`;
let engine: Engine;
let app: FastifyInstance;
let base: string;
let source: string;
const reachable = await postgresForTests('the marketplace benchmark\'s PostgreSQL checks');

beforeAll(async () => {
  const fx = await marketFixture(dir.path);
  source = fx.source;
  engine = await Engine.open(fx.db, { dataset: marketplaceDataset });
  app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'marketplace' ? engine : undefined), limits: STEADY_LIMITS });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  closeMarketAgent();
  await app?.close();
  await engine?.close();
  if (reachable) await dropSchema(schema).catch(() => {});
  dir.cleanup();
});

describe('not served', () => {
  it('tells the router\'s 404 (no such route) from an endpoint\'s 404 (an unknown id)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/marketplace/no-such-endpoint' });
    expect(res.statusCode).toBe(404);
    expect(isNoRoute({ status: res.statusCode, body: res.rawPayload })).toBe(true);
    expect(isNoRoute({ status: 404, body: Buffer.from(JSON.stringify({ code: 'not_found', error: 'no customer with id 9', details: [] })) })).toBe(false);
    expect(isNoRoute({ status: 200, body: res.rawPayload })).toBe(false);
  });

  it('measures a served endpoint and reports one with no route as not served, without PostgreSQL', async () => {
    const missing: MarketVariant = { name: 'missing', path: 'no-such-endpoint', method: 'GET', members: { limit: 3 }, cells: () => [], pg: () => 'SELECT 1' };
    const summary = marketVariants({ customer: 1, product: 1, products: 100 }).find((v) => v.name === 'summary')!;
    const ctx = { base, asOf: END.toISOString(), quick: true, serverLog: 'none' };
    const gone = await measureMarket(ctx, missing);
    expect(gone).toEqual({ name: 'missing', method: 'GET', url: `/api/v1/marketplace/no-such-endpoint?as_of=${encodeURIComponent(END.toISOString())}&limit=3`, served: false });
    const r = (await measureMarket(ctx, summary)) as MarketServed;
    expect(r.served).toBe(true);
    expect(r.http.samples).toBeGreaterThan(0);
    expect(r.engineP50).toBeGreaterThan(0);
    expect([r.pg, r.pgAgrees]).toEqual([null, null]);
    const md = marketMarkdown({ dataset: 'marketplace', orders: 1500, rows: { order: 1500 }, quick: true, commit: 'c', date: 'd', machine: 'm', serverRssMiB: null, variants: [r, gone], load: [] });
    expect(md).toContain('| missing | not served (no route GET /api/v1/marketplace/no-such-endpoint) |');
    expect(md).toMatch(/\| summary \| [\d.]+ \|/);
  }, 60_000);

  it('sends a POST variant\'s members as its JSON body', () => {
    const query = marketVariants({ customer: 1, product: 1, products: 100 }).find((v) => v.method === 'POST')!;
    const { url, body } = marketRequest(query, END.toISOString());
    expect(url).toBe('/api/v1/marketplace/query');
    expect(JSON.parse(body!)).toMatchObject({ as_of: END.toISOString(), measures: ['revenue', 'orders'], dimensions: ['product__category__parent__name'] });
  });
});

describe.runIf(reachable)('beside PostgreSQL (Django schema from the same Parquet files)', () => {
  let client: pg.Client;
  beforeAll(async () => {
    await loadShopSchema(schema, source, dir.path);
    client = new pg.Client({ connectionString: PGURL });
    await client.connect();
  }, 120_000);
  afterAll(async () => {
    await client?.end();
  });

  it('every variant\'s SQL runs; every served variant agrees with it, exact money included', async () => {
    const { ids } = await dataFacts(source);
    const all = marketVariants(ids);
    const empty: string[] = [];
    for (const v of all) {
      const r = await client.query({ text: v.pg(schema), values: ['-infinity', END.toISOString()], rowMode: 'array' });
      if (r.rows.length === 0) empty.push(v.name);
    }
    // 75 customers: no second page of them.
    expect(empty).toEqual(['customers spending over 100.00, page 2']);
    const ctx = { base, asOf: END.toISOString(), quick: true, pg: { client, schema }, serverLog: 'none' };
    const served: string[] = [];
    for (const v of all) {
      const r = await measureMarket(ctx, v);
      if (!r.served) continue;
      served.push(v.name);
      expect(r.pgDifference, v.name).toBeUndefined();
      expect(r.pgAgrees, v.name).toBe(true);
    }
    // Served on main today; the others join as their endpoints land.
    expect(served).toEqual(expect.arrayContaining(['summary', 'summary, last 30 days', 'query: revenue by parent category by month']));
  }, 120_000);

  it('catches a wrong answer: PostgreSQL asked another question disagrees', async () => {
    const summary = marketVariants({ customer: 1, product: 1, products: 100 }).find((v) => v.name === 'summary')!;
    const wrong: MarketVariant = { ...summary, pg: (s) => summary.pg(s).replace(`IN ('paid', 'shipped', 'delivered')`, `IN ('paid', 'shipped', 'delivered', 'pending')`) };
    const r = (await measureMarket({ base, asOf: END.toISOString(), quick: true, pg: { client, schema }, serverLog: 'none' }, wrong)) as MarketServed;
    expect(r.pgAgrees).toBe(false);
    expect(r.pgDifference).toMatch(/^row 0, cell 0: "[\d.]+" here, "[\d.]+" in PostgreSQL$/);
  }, 60_000);
});

