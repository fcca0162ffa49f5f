// A dataset's counting rule (DatasetDef.counts): only the fact rows it selects take part in
// measures, groups and buckets, whatever the question's own filter. On the toy dataset
// (counting the lines of paid orders: a nullable BOOLEAN read through a join) against a
// brute-force reference in BigInt cents, for the general aggregate, the keyed fast path
// and a series; then the marketplace declaration's fields and measures (SPEC-marketplace
// sections 2 and 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import type { DatasetDef } from '../engine/dataset.ts';
import { buildFields } from '../engine/fields.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import { keyedShape } from '../engine/query/compile-keyed.ts';
import { measureType } from '../engine/query/measures.ts';
import type { AggregatePlan, SeriesPlan } from '../engine/query/nodes.ts';
import { toResult } from '../engine/results.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { DATASETS } from '../engine/datasets/index.ts';
import { toyCatalog, toyData, toyDatabase } from './toy-dataset.ts';

const column = (name: string) => ({ kind: 'column', name }) as const;
const toy: DatasetDef = {
  name: 'toy',
  description: 'order lines of paid orders',
  catalog: toyCatalog,
  counts: { kind: 'leaf', field: 'order__paid', operator: 'eq', value: true },
  measures: {
    revenue: { kind: 'sum', expr: { kind: 'call', fn: 'multiply', args: [column('quantity'), column('unit_price')] }, description: '' },
    lines: { kind: 'count', description: '' },
    orders: { kind: 'count_distinct', column: 'order_id', description: '' },
  },
};
const fields = buildFields(toyCatalog);
const data = toyData();
let db: Database;

beforeAll(async () => {
  db = await toyDatabase(data);
});
afterAll(() => db?.close());

const cents = (text: string): bigint => {
  const [i, f = ''] = text.split('.');
  return BigInt(i!) * 100n + BigInt((f + '00').slice(0, 2));
};
const money = (c: bigint): string => {
  const a = c.toString().padStart(3, '0');
  return `${a.slice(0, -2)}.${a.slice(-2)}`;
};

/** The lines that count (their order is paid: true, not false, not null), with their order. */
function counted(extra: (o: Record<string, unknown>) => boolean = () => true) {
  const orders = new Map(data.order.map((o) => [o['id'], o]));
  return data.order_item.map((i) => ({ item: i, order: orders.get(i['order_id'])! })).filter(({ order }) => order['paid'] === true && extra(order));
}

async function run(plan: AggregatePlan | SeriesPlan) {
  const { sql, params } = compilePlan(plan, toy, fields, { rollups: false });
  return { sql, params, result: toResult(plan, toy, fields, (await db.query(sql, params)).rows) };
}

const WINDOW = { start: null, end: '2100-01-01 00:00:00.000000' };
const aggregate = (o: Partial<AggregatePlan>): AggregatePlan => ({
  kind: 'aggregate', dataset: 'toy', window: WINDOW, filter: undefined, dimensions: [], labels: [], order: [], nulls: 'keep', limit: 1000, offset: 0, measures: ['revenue', 'lines', 'orders'], ...o,
});

describe('the counting rule', () => {
  it('the data hold lines of paid, unpaid and unknown orders (else the test proves nothing)', () => {
    const paid = new Set(data.order_item.map((i) => data.order.find((o) => o['id'] === i['order_id'])!['paid']));
    expect(paid).toEqual(new Set([true, false, null]));
  });

  it('restricts the rows of every measure and drops groups with no counted row; the SQL carries it as bound values', async () => {
    const { sql, params, result } = await run(aggregate({ dimensions: ['order__customer__name'] }));
    expect(sql).toContain('"paid" = $');
    expect(params).toContain(true);
    const groups = new Map<string | null, { revenue: bigint; lines: number; orders: Set<unknown> }>();
    const names = new Map(data.customer.map((c) => [c['id'], c['name'] as string]));
    for (const { item, order } of counted()) {
      const name = order['customer_id'] === null ? null : names.get(order['customer_id'])!;
      let g = groups.get(name);
      if (!g) groups.set(name, (g = { revenue: 0n, lines: 0, orders: new Set() }));
      g.revenue += cents(item['unit_price'] as string) * BigInt(item['quantity'] as number);
      g.lines++;
      g.orders.add(order['id']);
    }
    const want = new Map([...groups].map(([name, g]) => [name, { revenue: money(g.revenue), lines: g.lines, orders: g.orders.size }]));
    expect(result.total).toBe(want.size);
    expect(new Map(result.rows.map((r) => [r['order__customer__name'] as string | null, { revenue: r['revenue'], lines: r['lines'], orders: r['orders'] }]))).toEqual(want);
  });

  it('holds beside the question\'s own filter, and on the keyed path', async () => {
    const plan = aggregate({ dimensions: ['order'], measures: ['lines', 'orders'], filter: { kind: 'leaf', field: 'quantity', operator: 'gte', value: 2 } });
    expect(keyedShape(plan, toy)).toBeDefined();
    const { result } = await run(plan);
    const want = new Map<number, number>();
    for (const { item, order } of counted()) if ((item['quantity'] as number) >= 2) want.set(order['id'] as number, (want.get(order['id'] as number) ?? 0) + 1);
    expect(new Map(result.rows.map((r) => [r['order'] as number, r['lines'] as number]))).toEqual(want);
    expect(result.rows.every((r) => r['orders'] === 1)).toBe(true);
    // A filter asking for unpaid orders only finds nothing to count.
    const none = await run(aggregate({ filter: { kind: 'leaf', field: 'order__paid', operator: 'eq', value: false } }));
    expect(none.result.rows).toEqual([{ revenue: '0.00', lines: 0, orders: 0 }]);
  });

  it('series span the buckets holding counted rows only', async () => {
    const plan: SeriesPlan = {
      kind: 'series', dataset: 'toy', window: WINDOW, filter: undefined, granularity: 'day', tz: 'UTC', dimensions: [], measures: ['revenue', 'lines'],
      fill: false, compare: [], running: [], side: [], order: [], limit: 100_000, offset: 0,
    };
    const { result } = await run(plan);
    const byDay = new Map<string, { revenue: bigint; lines: number }>();
    for (const { item, order } of counted()) {
      const day = (order['created_at'] as string).slice(0, 10);
      const d = byDay.get(day) ?? { revenue: 0n, lines: 0 };
      d.revenue += cents(item['unit_price'] as string) * BigInt(item['quantity'] as number);
      d.lines++;
      byDay.set(day, d);
    }
    const want = [...byDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, d]) => ({ period, revenue: money(d.revenue), lines: d.lines }));
    expect(result.rows.map((r) => ({ period: r['period'], revenue: r['revenue'], lines: r['lines'] }))).toEqual(want);
  });
});

describe('the marketplace declaration', () => {
  const market = buildFields(marketplaceDataset.catalog);

  it('is served by name', () => {
    expect(DATASETS['marketplace']).toBe(marketplaceDataset);
  });

  it('offers the filter paths of SPEC-marketplace section 3 from order_item, with their types', () => {
    const want: Record<string, string> = {
      quantity: 'integer', unit_price: 'decimal', order__status: 'text', order__created_at: 'timestamp', order__customer__name: 'text',
      order__customer__city: 'text', product__name: 'text', product__price: 'decimal', product__rating: 'decimal', product__is_active: 'boolean',
      product__category__name: 'text', product__category__parent__name: 'text', product: 'integer', product__category: 'integer', order__customer: 'integer',
      order: 'integer', id: 'integer', product__category__parent: 'integer',
    };
    for (const [path, type] of Object.entries(want)) {
      const f = market.get(path);
      expect(f?.filterable, path).toBe(true);
      expect(f?.type, path).toBe(type);
    }
    // Customers' contact details are not even declared.
    for (const p of ['order__customer__email', 'order__customer__phone']) expect(market.has(p), p).toBe(false);
    expect(market.get('product__category__parent__name')?.nullable).toBe(true);
  });

  it('declares the measures of SPEC-query section 2 with exact money types, and counts only paid, shipped and delivered orders', () => {
    const types = Object.fromEntries(Object.keys(marketplaceDataset.measures).map((m) => [m, measureType(marketplaceDataset, m)]));
    expect(types).toEqual({
      revenue: { type: 'decimal', scale: 2 }, orders: { type: 'integer' }, items_sold: { type: 'integer' }, customers: { type: 'integer' },
      products: { type: 'integer' }, average_order_value: { type: 'decimal', scale: 2 },
    });
    expect(marketplaceDataset.counts).toEqual({ kind: 'leaf', field: 'order__status', operator: 'in', value: ['paid', 'shipped', 'delivered'] });
    // The rule reads a column copied into the fact table: no join.
    expect(market.get('order__status')?.storage).toEqual({ hops: [], value: { kind: 'column', column: 'status' } });
  });
});
