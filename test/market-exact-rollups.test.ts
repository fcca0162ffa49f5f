// The marketplace's rollups of counted lines (RollupDef.where, exact-rollup.ts) against the
// plain plan: the same requests (summary, best sellers, categories, grouped queries) with
// random filters, all time and shorter windows, answered by an engine reading the rollups
// and by one reading the fact table alone (rollups: false), must be equal to the cent; and
// the plans that should read the rollups do. MARKET_EXACT_SEED=<n> replays another seed.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { Database } from '../engine/db.ts';
import { snapshotFeatures } from '../engine/features.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { CompileOptions } from '../engine/query/compile-plan.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import type { AggregatePlan } from '../engine/query/nodes.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, rng, tempDir } from './helpers.ts';
import { useMarketApp, usePlainMarket } from './market-fixture.ts';

const SEED = Number(process.env['MARKET_EXACT_SEED'] ?? 20261207);
const CASES = 165;
const m = useMarketApp('mexact-', 600, 5, { cacheEntries: 0, threads: 1 });
const plain = usePlainMarket(m);

type Leaf = { field: string; op: string; value: unknown };

/** A random filter: leaves on the rollups' own columns (product, category, their names) and
 *  on columns they lack (quantity, city, status), in and / or / not. */
function randomFilter(r: () => number): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const lines = m.fx.lines;
  const line = () => pick(lines);
  const leaves: (() => Leaf)[] = [
    () => ({ field: 'product', op: 'eq', value: line()['product'] }),
    () => ({ field: 'product', op: 'in', value: [line()['product'], line()['product'], 1001] }),
    () => ({ field: 'product__category', op: 'eq', value: line()['product__category'] }),
    () => ({ field: 'product__category__name', op: pick(['eq', 'ne', 'contains']), value: String(line()['product__category__name']).slice(0, 4) }),
    () => ({ field: 'product__category__parent__name', op: 'eq', value: line()['product__category__parent__name'] ?? 'x' }),
    () => ({ field: 'product__name', op: 'icontains', value: pick(['a', 'e', 'sweet', '%']) }),
    () => ({ field: 'product__is_active', op: 'eq', value: r() < 0.5 }),
    () => ({ field: 'quantity', op: pick(['gt', 'lte']), value: 1 + Math.floor(r() * 4) }),
    () => ({ field: 'order__customer__city', op: 'isnull', value: r() < 0.5 }),
    () => ({ field: 'order__customer', op: pick(['eq', 'lt']), value: line()['order__customer'] }),
    () => ({ field: 'order__status', op: 'in', value: pick([['paid'], ['paid', 'shipped', 'delivered'], ['pending', 'delivered']]) }),
  ];
  const tree = (depth: number): unknown => {
    const x = r();
    if (depth > 1 || x < 0.55) return pick(leaves)();
    if (x < 0.75) return { and: [tree(depth + 1), tree(depth + 1)] };
    if (x < 0.92) return { or: [tree(depth + 1), tree(depth + 1)] };
    return { not: tree(depth + 1) };
  };
  return tree(0);
}

/** Random filters of the lists' roots: products (its own columns and category) and
 *  customers (name, city, their orders' status). */
function listFilter(root: 'product' | 'customer', r: () => number): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const line = () => pick(m.fx.lines);
  const leaves: (() => Leaf)[] =
    root === 'product'
      ? [
          () => ({ field: 'category__name', op: 'eq', value: line()['product__category__name'] }),
          () => ({ field: 'is_active', op: 'eq', value: r() < 0.5 }),
          () => ({ field: 'price', op: pick(['gt', 'lt']), value: pick(['5.00', '100', '0.20']) }),
          () => ({ field: 'name', op: 'icontains', value: pick(['a', 'e', 'sweet']) }),
        ]
      : [
          () => ({ field: 'city', op: 'isnull', value: r() < 0.5 }),
          () => ({ field: 'name', op: 'icontains', value: pick(['a', 'o', 'ü']) }),
          () => ({ field: 'id', op: 'lt', value: Number(line()['order__customer']) }),
        ];
  const x = r();
  if (x < 0.6) return pick(leaves)();
  return { [x < 0.8 ? 'and' : 'or']: [pick(leaves)(), pick(leaves)()] };
}

const REQUESTS: readonly { path: string; members: Record<string, unknown>; root?: 'product' | 'customer' }[] = [
  { path: 'products', members: { order_by: 'revenue', limit: 50, offset: 10 }, root: 'product' },
  { path: 'products', members: { order_by: 'name', limit: 1000 }, root: 'product' },
  { path: 'customers', members: { limit: 1000 }, root: 'customer' },
  { path: 'customers', members: { min_spent: '100.00', limit: 20, offset: 5 }, root: 'customer' },
  { path: 'summary', members: {} },
  { path: 'query', members: { measures: ['revenue', 'items_sold'], dimensions: ['product__category__parent__name', 'order__customer'], limit: 5000 } },
  { path: 'top-products', members: { limit: 100 } },
  { path: 'top-products', members: { by: 'quantity', limit: 100 } },
  { path: 'categories', members: {} },
  { path: 'query', members: { measures: ['revenue', 'orders', 'items_sold', 'customers'], dimensions: ['product__category'], limit: 1000 } },
  { path: 'query', members: { measures: ['revenue', 'orders', 'average_order_value'], dimensions: ['product', 'product__category__name'], limit: 1000 } },
  { path: 'query', members: { measures: ['products', 'orders'], dimensions: ['product__category__parent__name'], limit: 1000 } },
];

const ask = async (app: FastifyInstance, path: string, payload: Record<string, unknown>) => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/marketplace/${path}`, payload });
  return { status: res.statusCode, body: res.json() as unknown };
};

describe('rollups of counted lines: the same answers as the fact table', () => {
  it('reads them for all-time summary, best sellers and categories without a filter', () => {
    const fields = fieldsFrom(marketplaceDataset.catalog, marketplaceDataset.catalog.root);
    const plan = (dimensions: string[], measures: string[]): AggregatePlan => ({
      kind: 'aggregate', dataset: 'marketplace', window: { start: null, end: '2030-01-01 00:00:00.000000' }, filter: undefined,
      dimensions, measures, labels: [], order: [], nulls: 'keep', limit: 10, offset: 0,
    });
    const sql = (p: AggregatePlan, o: CompileOptions) => compilePlan(p, marketplaceDataset, fields, o).sql;
    expect(sql(plan([], ['revenue', 'orders', 'customers', 'products', 'items_sold']), plain.features)).toContain('"rollup_counted_all"');
    expect(sql(plan(['product'], ['revenue', 'orders']), plain.features)).toContain('"rollup_counted_product_all"');
    expect(sql(plan(['product__category'], ['revenue', 'items_sold']), plain.features)).toContain('"rollup_counted_category_all"');
    // A window short of all time: the whole months and days of the day and month grains
    // (counted-segments.ts, test/market-counted-grains.test.ts), not the `all` grain.
    const since2026 = sql({ ...plan([], ['revenue']), window: { start: '2026-01-01 00:00:00.000000', end: '2030-01-01 00:00:00.000000' } }, plain.features);
    expect(since2026).toContain('"rollup_counted_month"');
    expect(since2026).not.toContain('"rollup_counted_all"');
    // A grouping coarser than a rollup's rows, the plain options: the fact table.
    expect(sql(plan(['product__category__parent'], ['orders']), plain.features)).not.toContain('rollup_counted');
    // Sums add up over the rows of a coarser group, and a filter on a column a rollup holds.
    expect(sql(plan(['product__category__parent'], ['revenue', 'items_sold']), plain.features)).toContain('"rollup_counted_');
    const one = { ...plan(['product__category'], ['revenue']), filter: { kind: 'leaf' as const, field: 'order__customer', operator: 'eq', value: 1002 } };
    expect(sql(one, plain.features)).toContain('"rollup_counted_customer_category_all"');
    expect(sql(plan([], ['revenue']), { rollups: false })).not.toContain('rollup_counted');
    const list = (table: string, via: string) => ({
      kind: 'list' as const, dataset: 'marketplace', table, filter: undefined, columns: ['id'], children: [], order: [], limit: 10, offset: 0,
      measures: { via, window: { start: null, end: '2030-01-01 00:00:00.000000' }, counted: true, measures: [{ name: 'revenue', measure: 'revenue' }, { name: 'last', time: 'last' as const }], having: [] },
    });
    expect(sql(list('product', 'product') as never, plain.features)).toContain('"rollup_counted_product_all"');
    expect(sql(list('customer', 'order__customer') as never, plain.features)).toContain('"rollup_counted_customer_all"');
  });

  it(`answers ${CASES} random filters over ${REQUESTS.length} requests as the plain plan does`, async () => {
    const r = rng(SEED);
    let compared = 0;
    for (let i = 0; i < CASES; i++) {
      const req = REQUESTS[i % REQUESTS.length]!;
      const filters = i % 6 === 0 ? undefined : req.root ? listFilter(req.root, r) : randomFilter(r);
      const range = r() < 0.8 ? 'all' : 'year';
      const payload = { ...req.members, range, as_of: '2026-11-01T00:00:00Z', ...(filters === undefined ? {} : { filters }) };
      const fast = await ask(m.app, req.path, payload);
      const slow = await ask(plain.app, req.path, payload);
      const what = `case ${i} (seed ${SEED}): POST ${req.path} ${JSON.stringify(payload)}`;
      expect(fast.status, what).toBe(slow.status);
      expect(fast.body, what).toEqual(slow.body);
      if (fast.status === 200) compared++;
    }
    expect(compared).toBeGreaterThan(CASES * 0.8);
  });

  it('answers one customer (all time and lifetime) as the plain plan does', async () => {
    const ids = [...new Set(m.fx.lines.map((l) => Number(l['order__customer'])))].slice(0, 25);
    for (const id of [...ids, 1001, 1003]) {
      const url = `/api/v1/marketplace/customers/${id}?as_of=2026-11-01T00:00:00Z`;
      const fast = await m.app.inject({ url });
      const slow = await plain.app.inject({ url });
      expect(fast.statusCode, url).toBe(slow.statusCode);
      expect(fast.json(), url).toEqual(slow.json());
    }
  });
});

describe('a snapshot imported before a rollup column was declared', () => {
  it('does not read that rollup (the first and last order times dropped), and answers as the plain plan does', async () => {
    const dir = tempDir('mexact-old-');
    try {
      const file = join(dir.path, 'old.duckdb');
      copyFileSync(m.fx.db, file);
      const db = await Database.open(file);
      try {
        await db.query(`ALTER TABLE rollup_counted_customer_all DROP COLUMN first_time`);
        const old = await snapshotFeatures(db, marketplaceDataset.catalog, true);
        expect(old.rollupTables?.has('rollup_counted_customer_all')).toBe(false);
        expect(old.rollupTables?.has('rollup_counted_product_all')).toBe(true);
      } finally {
        db.close();
      }
      expect(plain.features.rollupTables?.has('rollup_counted_customer_all')).toBe(true);
      const engine = await Engine.open(file, { dataset: marketplaceDataset, cacheEntries: 0, threads: 1 });
      const app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'marketplace' ? engine : undefined), limits: STEADY_LIMITS });
      try {
        for (const url of ['/api/v1/marketplace/customers?as_of=2026-11-01T00:00:00Z&range=all', '/api/v1/marketplace/customers/1?as_of=2026-11-01T00:00:00Z']) {
          const got = await app.inject({ url });
          const want = await plain.app.inject({ url });
          expect(got.statusCode, url).toBe(want.statusCode);
          expect(got.json(), url).toEqual(want.json());
        }
      } finally {
        await app.close();
        await engine.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});
