// The marketplace's day and month grains of the counted rollups (counted-segments.ts) and
// its per-order rollup (row-measures.ts): revenue series, grouped questions in windows
// short of all time (partial days at both edges), and orders over `min_items`, answered by
// an engine reading them, by one reading the fact table alone (rollups: false), and by the
// brute-force references over the source's lines (plain SQL over the Parquet files:
// market-fixture.ts): all three must agree to the cent. The fixture has ties, pending and
// cancelled orders, empty months in 2019 and sums of 0.10 and 0.20.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Database } from '../engine/db.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { CompileOptions } from '../engine/query/compile-plan.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import type { AggregatePlan, BasketPlan, CohortPlan, ListPlan, SeriesPlan } from '../engine/query/nodes.ts';
import { useMarketApp, usePlainMarket } from './market-fixture.ts';
import { FILTERS, WINDOWS, askMarket } from './market-grain-cases.ts';
import { AS_OF, countedLines, lineCents } from './market-endpoints.ts';
import { alsoBoughtReference, categoriesReference, cohortsReference, revenueReference } from './market-fixed-references.ts';
import { money } from './market-reference.ts';
import { ordersReference, readSource, winOf } from './market-lists-reference.ts';
import type { Source } from './market-lists-reference.ts';

const m = useMarketApp('mgrains-', 600, 5, { cacheEntries: 0, threads: 1 });
const plain = usePlainMarket(m);
let src: Source;

beforeAll(async () => {
  src = await readSource(m.fx);
});

const ask = askMarket;

const fields = fieldsFrom(marketplaceDataset.catalog, marketplaceDataset.catalog.root);
const sql = (p: SeriesPlan | AggregatePlan | ListPlan | CohortPlan | BasketPlan, o: CompileOptions) => compilePlan(p, marketplaceDataset, fields, o).sql;

describe('day and month grains of the counted rollups', () => {
  const series = (granularity: SeriesPlan['granularity'], window: SeriesPlan['window'], dimensions: string[] = []): SeriesPlan => ({
    kind: 'series', dataset: 'marketplace', window, filter: undefined, granularity, tz: 'UTC', dimensions, measures: ['revenue', 'orders', 'items_sold'],
    fill: true, compare: ['revenue'], running: ['revenue'], side: [], order: [], limit: 1000, offset: 0,
  });
  const all = { start: null, end: '2030-01-01 00:00:00.000000' };
  const month = { start: '2026-09-20 12:00:00.000000', end: '2026-10-20 06:00:00.000000' };

  it('reads them for revenue by month and by day, and the fact rows for the partial days only', () => {
    expect(sql(series('month', all), plain.features)).toContain('"rollup_counted_month"');
    const byDay = sql(series('day', month), plain.features);
    expect(byDay).toContain('"rollup_counted_day"');
    expect(byDay).toContain('"fact_order_item"');
    // Weeks are not whole months: over all time (whole months aplenty), days only.
    const weeks = sql(series('week', all), plain.features);
    expect(weeks).toContain('"rollup_counted_day"');
    expect(weeks).not.toContain('"rollup_counted_month"');
    // Orders per category add up across buckets: each (category, bucket) is one row.
    expect(sql(series('month', all, ['product__category']), plain.features)).toContain('"rollup_counted_category_month"');
    // Orders per parent category do not (an order may hold two of its categories): by the
    // parent's id, the fact table; by its name, the grains keyed by that name.
    expect(sql(series('month', all, ['product__category__parent']), plain.features)).not.toContain('rollup_counted');
    const byParent = sql(series('month', all, ['product__category__parent__name']), plain.features);
    expect(byParent).toContain('"rollup_counted_parent_name_month"');
    expect(byParent).not.toContain('"fact_order_item"');
    const partial = sql(series('day', month, ['product__category__parent__name']), plain.features);
    expect(partial).toContain('"rollup_counted_parent_name_day"');
    expect(partial).toContain('"fact_order_item"');
    // With another dimension beside it, or without the grains (a snapshot without them, the
    // ClickHouse backend's plan), the fact table.
    expect(sql(series('month', all, ['product__category__parent__name', 'product__category']), plain.features)).not.toContain('parent_name');
    const without = new Set([...(plain.features.rollupTables ?? [])].filter((t) => !t.includes('parent_name')));
    expect(sql(series('month', all, ['product__category__parent__name']), { ...plain.features, rollupTables: without })).not.toContain('parent_name');
    // Zones cut days apart; the plain options read the fact table.
    expect(sql({ ...series('month', all), tz: 'Europe/Berlin' }, plain.features)).not.toContain('rollup_counted');
    expect(sql(series('month', all), { rollups: false })).not.toContain('rollup_counted');
    // Buyers and products do not add up across days: the fact table.
    const agg = (measures: string[]): AggregatePlan => ({
      kind: 'aggregate', dataset: 'marketplace', window: month, filter: undefined, dimensions: [], measures, labels: [], order: [], nulls: 'keep', limit: 10, offset: 0,
    });
    expect(sql(agg(['revenue', 'orders', 'items_sold', 'average_order_value']), plain.features)).toContain('"rollup_counted_day"');
    // ... unless OR-ed as day sets of ids (below).
    expect(sql(agg(['revenue', 'customers']), { ...plain.features, daySets: {} })).not.toContain('rollup_counted');
  });

  it('answers revenue series in every window and filter as the plain plan and the reference do', async () => {
    let rows = 0;
    for (const compare of ['day', 'week', 'month', 'year'] as const) {
      for (const w of WINDOWS) {
        for (const f of FILTERS) {
          const payload = { compare, ...w, ...(f.json === undefined ? {} : { filters: f.json }) };
          const fast = await ask(m.app, 'revenue', payload);
          const slow = await ask(plain.app, 'revenue', payload);
          const what = JSON.stringify(payload);
          expect(fast, what).toEqual(slow);
          const want = revenueReference(m.fx.lines, w, compare, f.where);
          const got = (fast.data as Record<string, unknown>[]).map((r) => ({ label: r['label'], revenue: r['revenue'], orders: r['orders'], items_sold: r['items_sold'], cumulative_revenue: r['cumulative_revenue'], growth: r['growth'] }));
          expect(got, what).toEqual(want.map((r) => ({ label: r['label'], revenue: r['revenue'], orders: r['orders'], items_sold: r['items_sold'], cumulative_revenue: r['cumulative_revenue'], growth: r['growth'] })));
          rows += got.length;
        }
      }
    }
    expect(rows).toBeGreaterThan(500);
  });

  it('answers revenue, orders and units per category in those windows as the plain plan and the reference do', async () => {
    for (const w of WINDOWS) {
      for (const f of FILTERS) {
        const payload = { measures: ['revenue', 'orders', 'items_sold', 'average_order_value'], dimensions: ['product__category'], limit: 1000, ...w, ...(f.json === undefined ? {} : { filters: f.json }) };
        const fast = await ask(m.app, 'query', payload);
        const slow = await ask(plain.app, 'query', payload);
        const what = JSON.stringify(payload);
        expect(fast, what).toEqual(slow);
        const cells = new Map<number, { cents: bigint; orders: Set<unknown>; items: number }>();
        for (const l of countedLines(m.fx.lines, w, f.where)) {
          const k = Number(l['product__category']);
          const c = cells.get(k) ?? { cents: 0n, orders: new Set(), items: 0 };
          cells.set(k, c);
          c.cents += lineCents(l);
          c.orders.add(l['order']);
          c.items += Number(l['quantity']);
        }
        const got = new Map((fast.data as Record<string, unknown>[]).map((r) => [Number(r['product__category']), [r['revenue'], r['orders'], r['items_sold']]]));
        expect(got, what).toEqual(new Map([...cells].map(([k, c]) => [k, [money(c.cents), c.orders.size, c.items]])));
      }
    }
  });
});

describe('categories in windows short of all time', () => {
  it('answers revenue, units, shares and subtree revenue as the plain plan and the reference do', async () => {
    const parentOf = new Map<number, number | null>();
    const db = await Database.open(':memory:');
    try {
      for (const r of (await db.query(`SELECT id, parent_id FROM read_parquet($1)`, [join(m.fx.source, 'category.parquet')])).rows) parentOf.set(Number(r['id']), r['parent_id'] === null ? null : Number(r['parent_id']));
    } finally {
      db.close();
    }
    let rows = 0;
    for (const w of WINDOWS) {
      const fast = await ask(m.app, 'categories', { ...w });
      const slow = await ask(plain.app, 'categories', { ...w });
      expect(fast, JSON.stringify(w)).toEqual(slow);
      const want = categoriesReference(m.fx.lines, parentOf, w);
      expect(fast.data, JSON.stringify(w)).toEqual(want);
      rows += want.length;
    }
    expect(rows).toBeGreaterThan(20);
  });
});

describe('day sets of buyers and products', () => {
  const month = { start: '2026-09-20 12:00:00.000000', end: '2026-10-20 06:00:00.000000' };
  const agg = (measures: string[], dimensions: string[] = [], filter?: AggregatePlan['filter']): AggregatePlan => ({
    kind: 'aggregate', dataset: 'marketplace', window: month, filter, dimensions, measures, labels: [], order: [], nulls: 'keep', limit: 10, offset: 0,
  });

  it('reads them for one answer over a window of counted rows, never per group, with a filter or plainly', () => {
    const one = sql(agg(['revenue', 'orders', 'customers', 'products']), plain.features);
    expect(one).toContain('"set_counted_customer_day"');
    expect(one).toContain('"set_counted_product_day"');
    expect(one).toContain('"rollup_counted_day"');
    expect(plain.features.daySets?.['set_counted_customer_day']).toBeDefined();
    expect(sql(agg(['customers'], ['product__category']), plain.features)).not.toContain('set_counted');
    expect(sql(agg(['customers'], [], { kind: 'leaf', field: 'quantity', operator: 'gt', value: 1 } as AggregatePlan['filter']), plain.features)).not.toContain('set_counted');
    expect(sql(agg(['customers']), { rollups: false })).not.toContain('set_counted');
  });

  it('answers buyers and products in every window and filter as the plain plan and the reference do', async () => {
    let nonzero = 0;
    // With sums beside them, and alone: a question of distinct counts only is still one row
    // (in an empty window too), its count 1.
    const asked = [['revenue', 'orders', 'customers', 'products'], ['customers'], ['customers', 'products'], ['products', 'orders']];
    for (const w of [...WINDOWS, { start: '2018-01-01', end: '2018-02-01' }]) {
      for (const f of FILTERS) {
        for (const measures of asked) {
          const payload = { measures, limit: 10, ...w, ...(f.json === undefined ? {} : { filters: f.json }) };
          const fast = await ask(m.app, 'query', payload);
          const slow = await ask(plain.app, 'query', payload);
          const what = JSON.stringify(payload);
          expect(fast, what).toEqual(slow);
          expect(fast.count, what).toBe(1);
          const lines = countedLines(m.fx.lines, w, f.where);
          const want: Record<string, unknown> = {
            revenue: money(lines.reduce((a, l) => a + lineCents(l), 0n)),
            orders: new Set(lines.map((l) => l['order'])).size,
            customers: new Set(lines.map((l) => l['order__customer'])).size,
            products: new Set(lines.map((l) => l['product'])).size,
          };
          const row = (fast.data as Record<string, unknown>[])[0]!;
          expect(Object.fromEntries(measures.map((k) => [k, row[k]])), what).toEqual(Object.fromEntries(measures.map((k) => [k, want[k]])));
          if (lines.length > 0) nonzero++;
        }
      }
      // The summary endpoint (its buyers and products) as the plain plan answers it.
      expect(await ask(m.app, 'summary', { ...w }), JSON.stringify(w)).toEqual(await ask(plain.app, 'summary', { ...w }));
    }
    expect(nonzero).toBeGreaterThan(10);
  });
});

describe('stored pairs of products in one counted order', () => {
  const basket = (basis: string, window: BasketPlan['window'], filter?: BasketPlan['filter']): BasketPlan => ({
    kind: 'basket', dataset: 'marketplace', window, filter, basis, item: 'product', of: 1, minTogether: 1, decimals: 4, labels: [{ name: 'name', path: 'product__name' }], limit: 10,
  });
  const all = { start: null, end: '2030-01-01 00:00:00.000000' };

  it('reads them for also-bought by order over all time only', () => {
    expect(sql(basket('order', all), plain.features)).toContain('"pairs_counted_order_product"');
    expect(sql(basket('order', all), plain.features)).not.toContain('"fact_order_item"');
    // By customer: the customer pairs (market-also-bought-customer.test.ts), not these.
    expect(sql(basket('order__customer', all), plain.features)).not.toContain('pairs_counted_order_product');
    expect(sql(basket('order', { start: '2026-01-01 00:00:00.000000', end: '2030-01-01 00:00:00.000000' }), plain.features)).not.toContain('pairs_counted');
    expect(sql(basket('order', all, { kind: 'leaf', field: 'quantity', operator: 'gt', value: 1 } as BasketPlan['filter']), plain.features)).not.toContain('pairs_counted');
    expect(sql(basket('order', all), { rollups: false })).not.toContain('pairs_counted');
  });

  it('answers also-bought by order as the plain plan and the reference do, for popular, rare and unsold products', async () => {
    const counts = new Map<number, number>();
    for (const l of m.fx.lines) counts.set(Number(l['product']), (counts.get(Number(l['product'])) ?? 0) + 1);
    const byUse = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([p]) => p);
    const unsold = [...Array(400).keys()].map((i) => i + 1).find((p) => !counts.has(p));
    const products = [...byUse.slice(0, 6), ...byUse.slice(-4), ...(unsold === undefined ? [] : [unsold])];
    let rows = 0;
    for (const id of products) {
      for (const extra of [{}, { limit: 3 }, { min_together: 2, limit: 100 }, { limit: 1 }]) {
        const payload = { id, basis: 'order', ...extra };
        const res = async (app: FastifyInstance) => {
          const r = await app.inject({ method: 'POST', url: `/api/v1/marketplace/products/${id}/also-bought`, payload: { as_of: AS_OF, ...payload } });
          expect(r.statusCode, `${JSON.stringify(payload)}: ${r.body.slice(0, 300)}`).toBe(200);
          return r.json() as { data: Record<string, unknown>[] };
        };
        const fast = await res(m.app);
        expect(fast, JSON.stringify(payload)).toEqual(await res(plain.app));
        const want = alsoBoughtReference(m.fx.lines, id, { as_of: AS_OF, basis: 'order', ...extra });
        expect(fast.data, JSON.stringify(payload)).toEqual(want);
        rows += fast.data.length;
      }
    }
    expect(rows).toBeGreaterThan(20);
  });
});

describe('the per-order rollup', () => {
  it('reads it for the orders list in any window, with or without min_items', () => {
    const list = (window: { start: string | null; end: string }, having: boolean): ListPlan => ({
      kind: 'list', dataset: 'marketplace', table: 'order', filter: undefined, columns: ['id'], children: [], order: [{ by: 'created_at', dir: 'desc' }], limit: 10, offset: 0,
      measures: { via: 'order', window, counted: false, measures: [{ name: 'item_count', measure: 'items_sold' }, { name: 'total', measure: 'revenue' }], having: having ? [{ name: 'item_count', op: 'gt', value: 5 }] : [] },
    });
    // With a condition, read on the orders' own rows (the rollup copied into them): no join.
    const copied = sql(list({ start: null, end: '2030-01-01 00:00:00.000000' }, true), plain.features);
    expect(copied).toContain('"rollup_order_all__sum_quantity"');
    expect(copied).not.toContain('"rollup_order_all" AS');
    expect(sql(list({ start: '2019-01-10 11:30:00.000000', end: '2019-05-01 00:00:00.000000' }, true), plain.features)).toContain('"rollup_order_all__first_time"');
    expect(sql(list({ start: '2019-01-10 11:30:00.000000', end: '2019-05-01 00:00:00.000000' }, false), plain.features)).toContain('"rollup_order_all"');
    expect(sql(list({ start: null, end: '2030-01-01 00:00:00.000000' }, true), { rollups: false })).not.toContain('"rollup_order_all"');
  });

  it('answers orders over min_items in windows with partial days as the plain plan and the reference do', async () => {
    const cases: { members: Record<string, unknown>; start: string | null; end: string; status?: string; min?: number }[] = [
      { members: { min_items: 5 }, start: null, end: AS_OF, min: 5 },
      { members: { min_items: 0 }, start: null, end: AS_OF, min: 0 },
      { members: { min_items: 3, status: 'pending' }, start: null, end: AS_OF, min: 3, status: 'pending' },
      { members: { min_items: 1, start: '2019-01-10T11:30:00Z', end: '2019-04-30T23:30:00.001Z' }, start: '2019-01-10T11:30:00Z', end: '2019-04-30T23:30:00.001Z', min: 1 },
      { members: { min_items: 2, start: '2026-03-15T10:00:00Z', end: '2026-04-02T08:00:00Z' }, start: '2026-03-15T10:00:00Z', end: '2026-04-02T08:00:00Z', min: 2 },
      { members: { start: '2025-06-15T06:00:00Z', end: '2026-03-16T09:00:00.5Z' }, start: '2025-06-15T06:00:00Z', end: '2026-03-16T09:00:00.5Z' },
      { members: { min_items: 4, status: 'cancelled', start: '2020-02-01T00:00:00Z', end: '2026-02-01T00:00:00Z' }, start: '2020-02-01T00:00:00Z', end: '2026-02-01T00:00:00Z', min: 4, status: 'cancelled' },
      { members: { min_items: 1_000_000 }, start: null, end: AS_OF, min: 1_000_000 },
    ];
    for (const c of cases) {
      const payload = { limit: 1000, ...c.members };
      const fast = await ask(m.app, 'orders', payload);
      const slow = await ask(plain.app, 'orders', payload);
      const what = JSON.stringify(payload);
      expect(fast, what).toEqual(slow);
      const want = ordersReference(src, winOf(c.start, c.end), () => true, c.status, c.min);
      expect(fast.count, what).toBe(want.length);
      expect(fast.data, what).toEqual(want.slice(0, 1000));
    }
  });
});

describe('cohorts by month from the (customer, month) rollup', () => {
  it('reads it for months in UTC, the fact rows for weeks and zones', () => {
    const plan = (granularity: 'month' | 'week', tz: string): CohortPlan => ({
      kind: 'cohort', dataset: 'marketplace', window: { start: '2019-01-10 11:30:00.000000', end: '2026-10-17 13:00:00.000000' }, entity: 'order__customer', filter: undefined, granularity, tz, periods: 12, measure: 'revenue',
    });
    const month = sql(plan('month', 'UTC'), plain.features);
    expect(month).toContain('"rollup_counted_customer_month"');
    // The partial days at the window's edges.
    expect(month).toContain('"fact_order_item"');
    // (The first orders may still come from the customer rows: market-customer-copies.)
    expect(sql(plan('week', 'UTC'), plain.features)).not.toContain('"rollup_counted_customer_month"');
    expect(sql(plan('month', 'Europe/Berlin'), plain.features)).not.toContain('"rollup_counted_customer_month"');
    expect(sql(plan('month', 'UTC'), { rollups: false })).not.toContain('rollup_counted');
  });

  it('answers in every window, with customer filters, as the plain plan and the reference do', async () => {
    const filters: { json?: unknown; keep?: (c: number) => boolean }[] = [
      {},
      { json: { field: 'city', op: 'isnull', value: true }, keep: (c) => src.customers.find((x) => x.id === c)?.city === null },
      { json: { field: 'id', op: 'lt', value: 1002 }, keep: (c) => c < 1002 },
    ];
    let cohorts = 0;
    for (const w of WINDOWS) {
      for (const f of filters) {
        for (const periods of [1, 12, 36]) {
          const payload = { compare: 'month', periods, ...w, ...(f.json === undefined ? {} : { filters: f.json }) };
          const fast = await ask(m.app, 'cohorts', payload);
          const slow = await ask(plain.app, 'cohorts', payload);
          const what = JSON.stringify(payload);
          expect(fast, what).toEqual(slow);
          const want = cohortsReference(m.fx.lines, { as_of: AS_OF, compare: 'month', periods, ...w }, f.keep);
          expect(fast.data, what).toEqual(want);
          cohorts += want.length;
        }
      }
    }
    expect(cohorts).toBeGreaterThan(100);
  });
});
