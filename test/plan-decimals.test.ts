// Measures of a dataset with money: sums of expressions (quantity * unit price), distinct
// counts of a nullable UUID, averages, maxima and an exact ratio, through the generic
// plans on the toy dataset (test/toy-dataset.ts: DECIMAL prices, UUID customers, guest
// orders), against a brute-force reference in BigInt cents. Money never passes through a
// binary float: sums of 0.10 and 0.20 are "0.30".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import type { DatasetDef } from '../engine/dataset.ts';
import { buildFields } from '../engine/fields.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { AggregatePlan, SeriesPlan } from '../engine/query/nodes.ts';
import { toResult } from '../engine/results.ts';
import { toyCatalog, toyData, toyDatabase } from './toy-dataset.ts';
import type { ToyRow } from './toy-dataset.ts';

const column = (name: string) => ({ kind: 'column', name }) as const;
const toy: DatasetDef = {
  name: 'toy',
  description: 'order lines',
  catalog: toyCatalog,
  measures: {
    revenue: { kind: 'sum', expr: { kind: 'call', fn: 'multiply', args: [column('quantity'), column('unit_price')] }, description: '' },
    items: { kind: 'count', description: '' },
    orders: { kind: 'count_distinct', column: 'order_id', description: '' },
    customers: { kind: 'count_distinct', column: 'customer_id', description: '' },
    max_price: { kind: 'max', expr: column('unit_price'), description: '' },
    avg_price: { kind: 'avg', expr: column('unit_price'), description: '' },
    order_value: { kind: 'ratio', numerator: 'revenue', denominator: 'orders', decimals: 2, description: '' },
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
  const neg = i!.startsWith('-');
  const v = BigInt(i!.replace('-', '')) * 100n + BigInt((f + '00').slice(0, 2));
  return neg ? -v : v;
};
const money = (c: bigint): string => {
  const neg = c < 0n;
  const a = (neg ? -c : c).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${a.slice(0, -2)}.${a.slice(-2)}`;
};
/** n / d cents rounded half away from zero. */
const divide = (n: bigint, d: bigint): bigint => {
  const q = (2n * (n < 0n ? -n : n) + d) / (2n * d);
  return n < 0n ? -q : q;
};

/** Every order line with its order and customer, as the reference reads them. */
function lines() {
  const orders = new Map(data.order.map((o) => [o['id'], o]));
  const customers = new Map(data.customer.map((c) => [c['id'], c]));
  return data.order_item.map((i) => {
    const o = orders.get(i['order_id'])!;
    const c = o['customer_id'] === null ? undefined : customers.get(o['customer_id']);
    return { item: i, order: o, customer: c as ToyRow | undefined };
  });
}

async function run(plan: AggregatePlan | SeriesPlan) {
  const { sql, params } = compilePlan(plan, toy, fields, { rollups: false });
  return { sql, params, result: toResult(plan, toy, fields, (await db.query(sql, params)).rows) };
}

const WINDOW = { start: null, end: '2100-01-01 00:00:00.000000' };

describe('money through the plans', () => {
  it('sums of an expression, exact ratios, distinct nullable UUIDs, per customer name', async () => {
    const plan: AggregatePlan = {
      kind: 'aggregate', dataset: 'toy', window: WINDOW, filter: undefined, dimensions: ['order__customer__name'], labels: [], order: [], nulls: 'keep', limit: 1000, offset: 0,
      measures: ['revenue', 'items', 'orders', 'customers', 'max_price', 'avg_price', 'order_value'],
    };
    const { sql, params, result } = await run(plan);
    expect(sql).toContain('COALESCE(sum((f."quantity" * f."unit_price")), 0)');
    expect(sql).toContain('count(DISTINCT f."customer_id")');
    expect(params).toEqual([WINDOW.end, 1000, 0]);
    const groups = new Map<string | null, { revenue: bigint; items: number; orders: Set<unknown>; customers: Set<unknown>; max: bigint; priceSum: number }>();
    for (const { item, order, customer } of lines()) {
      const name = (customer?.['name'] ?? null) as string | null;
      let g = groups.get(name);
      if (!g) groups.set(name, (g = { revenue: 0n, items: 0, orders: new Set(), customers: new Set(), max: -(10n ** 30n), priceSum: 0 }));
      const price = cents(item['unit_price'] as string);
      g.revenue += price * BigInt(item['quantity'] as number);
      g.items++;
      g.orders.add(order['id']);
      if (order['customer_id'] !== null) g.customers.add(order['customer_id']);
      if (price > g.max) g.max = price;
      g.priceSum += Number(item['unit_price']);
    }
    const want = [...groups]
      .map(([name, g]) => ({
        order__customer__name: name,
        revenue: money(g.revenue),
        items: g.items,
        orders: g.orders.size,
        customers: g.customers.size,
        max_price: money(g.max),
        avg_price: g.priceSum / g.items,
        order_value: money(divide(g.revenue, BigInt(g.orders.size))),
      }))
      .sort((a, b) => {
        const d = cents(b.revenue) - cents(a.revenue);
        if (d !== 0n) return d > 0n ? 1 : -1;
        if (a.order__customer__name === null) return 1;
        if (b.order__customer__name === null) return -1;
        return a.order__customer__name < b.order__customer__name ? -1 : a.order__customer__name > b.order__customer__name ? 1 : 0;
      });
    expect(result.total).toBe(want.length);
    expect(result.rows.map((r) => ({ ...r, avg_price: undefined }))).toEqual(want.map((w) => ({ ...w, avg_price: undefined })));
    // An average is a double: equal to a relative 1e-12.
    result.rows.forEach((r, i) => expect(Math.abs((r['avg_price'] as number) - want[i]!.avg_price)).toBeLessThanOrEqual(1e-12 * Math.abs(want[i]!.avg_price)));
    expect(result.columns.find((c) => c.name === 'revenue')).toEqual({ name: 'revenue', type: 'decimal', scale: 2 });
    // The toy's smallest prices: 0.10 and 0.20 add up to 0.30, exactly.
    expect(result.rows.every((r) => typeof r['revenue'] === 'string' && /^-?\d+\.\d\d$/.test(r['revenue'] as string))).toBe(true);
  });

  it('a monthly series of revenue with its running total and growth, exact', async () => {
    const plan: SeriesPlan = {
      kind: 'series', dataset: 'toy', window: WINDOW, filter: undefined, granularity: 'month', tz: 'UTC', dimensions: [], measures: ['revenue'],
      fill: true, compare: ['revenue'], running: ['revenue'], side: [], order: [], limit: 100_000, offset: 0,
    };
    const { result } = await run(plan);
    const byMonth = new Map<string, bigint>();
    for (const { item, order } of lines()) {
      const month = `${(order['created_at'] as string).slice(0, 7)}-01`;
      byMonth.set(month, (byMonth.get(month) ?? 0n) + cents(item['unit_price'] as string) * BigInt(item['quantity'] as number));
    }
    const months = [...byMonth.keys()].sort();
    const want: Record<string, unknown>[] = [];
    let running = 0n;
    let prev: bigint | null = null;
    for (let d = new Date(`${months[0]}T00:00:00Z`); d.toISOString().slice(0, 10) <= months.at(-1)!; d.setUTCMonth(d.getUTCMonth() + 1)) {
      const m = d.toISOString().slice(0, 10);
      const v = byMonth.get(m) ?? 0n;
      running += v;
      const growth = prev === null || prev === 0n ? null : Number(divide((v - prev) * 10000n, prev)) / 100;
      want.push({ period: m, revenue: money(v), revenue_previous: prev === null ? null : money(prev), revenue_growth: growth, revenue_running: money(running) });
      prev = v;
    }
    expect(result.rows.map(({ label: _l, ...r }) => r)).toEqual(want);
  });
});
