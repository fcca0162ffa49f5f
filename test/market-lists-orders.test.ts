// GET/POST /api/v1/marketplace/orders and /customers/{id} against brute-force references
// over the source rows (market-lists-reference.ts): orders of every status with their items
// in one statement whatever the page size, min_items and status, windows and filters (a
// one-to-many path through the items); one customer's window and lifetime figures, rank and
// top categories, with no orders or one, 404s; the bundle plan cached and run on workers.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { MARKETPLACE_ENDPOINTS } from '../engine/datasets/marketplace/endpoints.ts';
import { prepareRequest } from '../engine/endpoint.ts';
import type { Plan } from '../engine/query/nodes.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import { useMarketApp } from './market-fixture.ts';
import { customerReference, ordersReference, readSource, winOf } from './market-lists-reference.ts';
import type { Source } from './market-lists-reference.ts';

const m = useMarketApp('morders-');
let src: Source;
const AS_OF = '2026-11-01T00:00:00.000Z';
const ALL = winOf(null, AS_OF);

beforeAll(async () => {
  src = await readSource(m.fx);
});

const planOf = (path: string, members: Record<string, unknown>): Plan => {
  const e = MARKETPLACE_ENDPOINTS[path]!;
  return e.plan(prepareRequest(e, members, m.engine, Date.parse(AS_OF)).question);
};

describe('GET/POST /api/v1/marketplace/orders', () => {
  it('lists orders of every status, newest first, with their items, units and totals, page by page', async () => {
    const want = ordersReference(src, ALL, () => true);
    const rows: unknown[] = [];
    let next: string | null = `/api/v1/marketplace/orders?as_of=${AS_OF}&limit=250`;
    while (next) {
      const page = (await m.app.inject({ method: 'GET', url: next })).json() as { count: number; data: unknown[]; next: string | null };
      expect(page.count).toBe(want.length);
      rows.push(...page.data);
      next = page.next;
    }
    expect(rows).toEqual(want);
    // Pending and cancelled orders are listed; a pending order's total is its own.
    expect(rows.find((r) => (r as { id: number }).id === 100002)).toMatchObject({ status: 'pending', item_count: 100, total: '100000.00' });
    expect(rows.find((r) => (r as { id: number }).id === 100001)).toMatchObject({ total: '0.30', items: [{ line_total: '0.10' }, { line_total: '0.20' }] });
  });

  it('takes status, min_items, windows and filters on the order (a one-to-many path through its items)', async () => {
    const sweet = (_o: unknown, items: Source['items']) => items.some((i) => i.product_name.toLowerCase().includes('sweet'));
    const cases = [
      { members: {}, w: ALL, keep: () => true },
      { members: { status: 'pending' }, w: ALL, keep: () => true, status: 'pending' },
      { members: { min_items: 5 }, w: ALL, keep: () => true, min: 5 },
      { members: { min_items: 0, status: 'cancelled' }, w: ALL, keep: () => true, min: 0, status: 'cancelled' },
      { members: { start: '2019-01-01', end: '2019-05-01' }, w: winOf('2019-01-01T00:00:00Z', '2019-05-01T00:00:00Z'), keep: () => true },
      { members: { filters: { field: 'items__product__name', op: 'contains', value: 'SWEET' } }, w: ALL, keep: sweet },
      { members: { range: 'week', filters: { field: 'customer__city', op: 'isnull', value: true }, min_items: 2 }, w: winOf('2026-10-25T00:00:00Z', AS_OF), keep: (o: Source['orders'][number]) => src.customers.find((c) => c.id === o.customer_id)!.city === null, min: 2 },
    ];
    for (const c of cases) {
      const r = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/orders', payload: { as_of: AS_OF, limit: 1000, ...c.members } });
      expect(r.statusCode, r.body).toBe(200);
      const want = ordersReference(src, c.w, c.keep, c.status, c.min);
      expect(want.length, JSON.stringify(c.members)).toBeGreaterThan(0);
      // The first page of up to 1,000; the count is of all of them.
      expect(r.json().data, JSON.stringify(c.members)).toEqual(want.slice(0, 1000));
      expect(r.json().count).toBe(want.length);
    }
  });

  it('is one statement whatever the page size: items a child list, sums figures of the same query', async () => {
    const small = m.engine.compile(planOf('orders', { limit: 1 }));
    const large = m.engine.compile(planOf('orders', { limit: 1000, offset: 20 }));
    // The same text: page size and offset are parameters, one statement for any page.
    expect(large.sql).toBe(small.sql);
    expect(small.sql.match(/\bSELECT\b/g)!.length).toBeLessThan(12);
    expect(small.sql).toContain('list(struct_pack(');
    // Without min_items the sums are read for the page's orders only, after paging.
    expect(small.sql).toMatch(/IN \(SELECT p\."id" FROM "__page" AS p\)/);
    const statements: string[] = [];
    const counting = await Engine.open(m.fx.db, { dataset: marketplaceDataset, cacheEntries: 0, onQuery: (i) => i.sql !== undefined && statements.push(i.sql) });
    try {
      const plan = planOf('orders', { limit: 1000, min_items: 1 });
      const result = await counting.run(plan);
      expect(result.rows.length).toBeGreaterThan(100);
      expect(statements).toHaveLength(1);
    } finally {
      await counting.close();
    }
  });

  it('writes the flat columns as CSV and Arrow', async () => {
    const url = `/api/v1/marketplace/orders?as_of=${AS_OF}&limit=40&offset=2`;
    const json = (await m.app.inject({ method: 'GET', url })).json();
    const data = json.data.map((r: { customer: { id: number; name: string } }) => ({ ...r, customer_id: r.customer.id, customer_name: r.customer.name }));
    const columns = ['id', 'created_at', 'status', 'customer_id', 'customer_name', 'item_count', 'total'].map((name) => ({ name, type: name === 'total' ? 'decimal' : 'text' }));
    expectCsvEqualsJson((await m.app.inject({ method: 'GET', url: `${url}&format=csv` })).body, { columns, data } as never, 'orders csv');
    await expectArrowEqualsJson((await m.app.inject({ method: 'GET', url: `${url}&format=arrow` })).rawPayload, { columns, data } as never, 'orders arrow');
  });

  it('refuses bad members with JSON pointers', async () => {
    for (const [query, path] of [
      ['status=lost', '/status'],
      ['min_items=-1', '/min_items'],
      ['min_items=1.5', '/min_items'],
      ['limit=5000', '/limit'],
      [`filters=${encodeURIComponent('{"field":"items__price","op":"gt","value":1}')}`, '/filters/field'],
    ] as const) {
      const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/orders?${query}` });
      expect(r.statusCode, query).toBe(400);
      expect(r.json().details[0].path, query).toBe(path);
    }
  });
});

describe('GET/POST /api/v1/marketplace/customers/{id}', () => {
  it('answers a customer in windows as the reference does: rank among all buyers, lifetime, top categories', async () => {
    const ids = [...new Set(m.fx.lines.map((l) => l['order__customer'] as number))].slice(0, 12);
    const windows = [
      { members: `as_of=${AS_OF}`, w: ALL },
      { members: 'start=2026-01-01&end=2026-06-01', w: winOf('2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z') },
    ];
    for (const { members, w } of windows)
      for (const id of [...ids, 1001, 1002, 1003]) {
        const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/customers/${id}?${members}` });
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json().data, `${id} ${members}`).toEqual(customerReference(src, m.fx.lines, w, id));
      }
  });

  it('answers zero figures and no rank for a customer without a counted order, one order for one', async () => {
    const pending = (await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/customers/1003?as_of=${AS_OF}` })).json().data;
    expect(pending).toEqual({
      id: 1003, name: 'Pending Only', city: 'Nowhere', orders: 0, revenue: '0.00', average_order_value: null, first_order_at: null, last_order_at: null, rank: null, dense_rank: null,
      lifetime: { orders: 0, revenue: '0.00', average_order_value: null, first_order_at: null, last_order_at: null }, top_categories: [],
    });
    // In 2019 Ünïcödé Tester bought nothing after April; over all time, three orders.
    const r = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/customers/1002', payload: { start: '2020-01-01', end: '2021-01-01' } });
    expect(r.json().data).toMatchObject({ orders: 0, rank: null, lifetime: { orders: 3, revenue: '20.30', average_order_value: '6.77', first_order_at: '2019-01-10T12:00:00.000Z' } });
    const zoe = (await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/customers/1001' })).json().data;
    expect(zoe).toMatchObject({ orders: 1, revenue: '0.30', top_categories: [{ name: 'Sweets 100%_"x"', revenue: '0.30' }] });
  });

  it('is one cached answer of three statements, on worker threads too', async () => {
    const pooled = await Engine.open(m.fx.db, { dataset: marketplaceDataset, workers: 1 });
    try {
      expect(pooled.workerThreads()).toHaveLength(1);
      const plan = planOf('customers/:id', { id: 1001 });
      expect(plan.kind).toBe('bundle');
      const a = await pooled.run(plan, { label: 'customer' });
      const b = await pooled.run(plan, { label: 'customer' });
      expect(b).toBe(a);
      expect(pooled.cacheHits).toBe(1);
      expect(Object.keys(a.parts ?? {})).toEqual(['window', 'lifetime', 'top_categories']);
      expect(a.parts!['window']!.rows[0]).toMatchObject({ id: 1001, revenue: '0.30' });
      expect(() => pooled.compile(plan)).toThrow(/bundle/);
    } finally {
      await pooled.close();
    }
  });

  it('is a 404 for an unknown id and a 400 for a bad one or a filter', async () => {
    const missing = await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/customers/999999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', details: [{ path: '/id' }] });
    for (const [url, path] of [
      ['/api/v1/marketplace/customers/abc', '/id'],
      ['/api/v1/marketplace/customers/0', '/id'],
      [`/api/v1/marketplace/customers/1001?filters=${encodeURIComponent('{"field":"name","op":"eq","value":"x"}')}`, '/filters'],
      ['/api/v1/marketplace/customers/1001?range=decade', '/range'],
    ] as const) {
      const r = await m.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().details[0].path, url).toBe(path);
    }
  });

  it('writes one flat row as CSV', async () => {
    const csv = (await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/customers/1001?format=csv' })).body.trim().split('\n');
    expect(csv[0]).toBe('id,name,city,orders,revenue,average_order_value,first_order_at,last_order_at,rank,dense_rank,lifetime_orders,lifetime_revenue,lifetime_average_order_value,lifetime_first_order_at,lifetime_last_order_at');
    expect(csv[1]).toMatch(/^1001,"?Zoë O'Brien_100%"?,,1,0\.30,0\.30,2026-03-15T10:00:00\.000Z,/);
  });
});
