// GET/POST /api/v1/marketplace/products and /customers against brute-force references over
// the source rows (market-lists-reference.ts): every page walked through the links, windows,
// filters on each root (a one-to-many path among them), ties, never-sold products, customers
// with one order or only pending ones, exact money and thresholds, CSV and Arrow, 400s.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import { useMarketApp } from './market-fixture.ts';
import { customersReference, productsReference, readSource, winOf } from './market-lists-reference.ts';
import type { ProductOrder, Source } from './market-lists-reference.ts';

const m = useMarketApp('mlists-');
let src: Source;
const AS_OF = '2026-11-01T00:00:00.000Z';
const ALL = winOf(null, AS_OF);

beforeAll(async () => {
  src = await readSource(m.fx);
});

interface Paged {
  count: number;
  limit: number;
  offset: number;
  next: string | null;
  previous: string | null;
  data: Record<string, unknown>[];
}

/** Every page from `url` on, through the `next` links, checking counts and back links. */
async function walk(url: string): Promise<{ first: Paged; rows: Record<string, unknown>[] }> {
  const rows: Record<string, unknown>[] = [];
  let first: Paged | undefined;
  let next: string | null = url;
  let pages = 0;
  while (next !== null) {
    const r = await m.app.inject({ method: 'GET', url: next });
    expect(r.statusCode, `${next}: ${r.body.slice(0, 300)}`).toBe(200);
    const page = r.json() as Paged;
    first ??= page;
    expect(page.count).toBe(first.count);
    expect(page.data.length).toBeLessThanOrEqual(page.limit);
    if (page.offset > 0) expect(page.previous).toContain(`offset=${Math.max(0, page.offset - page.limit)}`);
    else expect(page.previous).toBeNull();
    rows.push(...page.data);
    next = page.next;
    if (++pages > 200) throw new Error('too many pages');
  }
  expect(rows.length).toBe(first!.count);
  return { first: first!, rows };
}

const q = (members: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(members).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])).toString();

describe('GET/POST /api/v1/marketplace/products', () => {
  it('lists every product, sold or not, by revenue, page by page, as the reference does', async () => {
    const { first, rows } = await walk(`/api/v1/marketplace/products?as_of=${AS_OF}&limit=7`);
    expect(first.count).toBe(src.products.length);
    expect(rows).toEqual(productsReference(src, m.fx.lines, ALL, () => true, 'revenue'));
    const never = rows.find((r) => r['id'] === 1005)!;
    expect(never).toMatchObject({ quantity_sold: 0, revenue: '0.00', orders: 0, last_sold_at: null, rating: null, is_active: false });
    // 1 x 0.10 paid in 2026 and 3 x 0.10 paid in 2019; 7 x 0.10 pending never counts.
    expect(rows.find((r) => r['id'] === 1001)).toMatchObject({ quantity_sold: 4, revenue: '0.40', orders: 2, price: '0.10', rating: '4.50' });
  });

  it('orders by each key in windows, with active and filters (text with % and _, a decimal or a null rating)', async () => {
    const windows = [
      { members: { start: '2019-01-01', end: '2019-05-01' }, w: winOf('2019-01-01T00:00:00Z', '2019-05-01T00:00:00Z') },
      { members: { range: 'year', as_of: AS_OF }, w: winOf(new Date(Date.parse(AS_OF) - 365 * 86_400_000).toISOString(), AS_OF) },
    ];
    const filters = [
      { json: undefined, keep: () => true },
      { json: { field: 'category__name', op: 'contains', value: '100%_' }, keep: (p: Source['products'][number]) => p.category.toLowerCase().includes('100%_') },
      { json: { or: [{ field: 'price', op: 'lte', value: '5.00' }, { field: 'rating', op: 'isnull', value: true }] }, keep: (p: Source['products'][number]) => BigInt(p.price.replace('.', '')) <= 500n || p.rating === null },
    ];
    for (const { members, w } of windows)
      for (const [fi, f] of filters.entries())
        for (const order_by of ['revenue', 'quantity', 'price', 'rating', 'name'] as ProductOrder[])
          for (const active of [undefined, true, false]) {
            const body = { ...members, order_by, limit: 1000, ...(active === undefined ? {} : { active }), ...(f.json ? { filters: f.json } : {}) };
            const r = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/products', payload: body });
            expect(r.statusCode, r.body).toBe(200);
            const want = productsReference(src, m.fx.lines, w, (p) => f.keep(p) && (active === undefined || p.is_active === active), order_by);
            expect(r.json().data, `${JSON.stringify(members)} filter ${fi} ${order_by} ${active}`).toEqual(want);
            expect(r.json().count).toBe(want.length);
          }
  });

  it('breaks ties by id: Tie A and Tie B sell 10.00 each in 2019 and share a price and a rating', async () => {
    for (const order_by of ['revenue', 'quantity', 'price', 'rating']) {
      const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/products?start=2019-01-01&end=2019-05-01&order_by=${order_by}&filters=${encodeURIComponent(JSON.stringify({ field: 'name', op: 'startswith', value: 'Tie ' }))}` });
      expect(r.json().data.map((x: { id: number }) => x.id), order_by).toEqual([1003, 1004]);
      expect(r.json().data.map((x: { revenue: string }) => x.revenue)).toEqual(['10.00', '10.00']);
    }
  });

  it('writes the same rows as CSV and Arrow', async () => {
    const url = `/api/v1/marketplace/products?as_of=${AS_OF}&limit=50&offset=3&order_by=rating`;
    const json = (await m.app.inject({ method: 'GET', url })).json() as Paged;
    const columns = ['id', 'name', 'category', 'price', 'rating', 'is_active', 'quantity_sold', 'revenue', 'orders', 'last_sold_at'].map((name) => ({ name, type: ['price', 'rating', 'revenue'].includes(name) ? 'decimal' : 'text' }));
    const answer = { columns, data: json.data } as never;
    const csv = await m.app.inject({ method: 'GET', url: `${url}&format=csv` });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expectCsvEqualsJson(csv.body, answer, 'products csv');
    const arrow = await m.app.inject({ method: 'GET', url, headers: { accept: 'application/vnd.apache.arrow.stream' } });
    await expectArrowEqualsJson(arrow.rawPayload, answer, 'products arrow');
  });

  it('refuses bad members with JSON pointers', async () => {
    const cases: [string, string, string][] = [
      ['order_by=popularity', '/order_by', 'invalid_parameter'],
      ['limit=0', '/limit', 'invalid_parameter'],
      ['limit=1001', '/limit', 'invalid_parameter'],
      ['offset=-1', '/offset', 'invalid_parameter'],
      ['active=maybe', '/active', 'invalid_parameter'],
      [`filters=${encodeURIComponent('{"field":"quantity","op":"gt","value":1}')}`, '/filters/field', 'invalid_filter'],
      [`filters=${encodeURIComponent('{"field":"price","op":"gt","value":"abc"}')}`, '/filters/value', 'invalid_filter'],
      ['start=2020-01-01&end=2019-01-01', '/end', 'invalid_time_range'],
    ];
    for (const [query, path, code] of cases) {
      const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/products?${query}` });
      expect(r.statusCode, query).toBe(400);
      expect(r.json().code, query).toBe(code);
      expect(r.json().details.map((d: { path: string }) => d.path), query).toContain(path);
    }
  });
});

describe('GET/POST /api/v1/marketplace/customers', () => {
  it('lists customers with a counted order by spend, ranked, page by page, as the reference does', async () => {
    const { first, rows } = await walk(`/api/v1/marketplace/customers?as_of=${AS_OF}&limit=9`);
    const want = customersReference(src, m.fx.lines, ALL, () => true);
    expect(rows).toEqual(want);
    expect(first.count).toBe(want.length);
    // Only pending and cancelled orders: not a buyer. One paid order of 0.10 + 0.20: "0.30".
    expect(rows.some((r) => r['id'] === 1003)).toBe(false);
    expect(rows.find((r) => r['id'] === 1001)).toMatchObject({ orders: 1, revenue: '0.30', average_order_value: '0.30', first_order_at: '2026-03-15T10:00:00.000Z', last_order_at: '2026-03-15T10:00:00.000Z' });
  });

  it('keeps spend strictly above min_spent, compared exactly whatever its decimals, and ranks among those kept', async () => {
    for (const min of ['0.30', '0.29', '0.2999999', '0.300001', '100', '1500.5', '-1']) {
      const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/customers?as_of=${AS_OF}&limit=1000&min_spent=${min}` });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().data, min).toEqual(customersReference(src, m.fx.lines, ALL, () => true, min));
    }
    const zoe = async (min: string | number) =>
      ((await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/customers', payload: { min_spent: min, limit: 1000, filters: { field: 'id', op: 'eq', value: 1001 } } })).json().data as unknown[]).length;
    expect([await zoe('0.30'), await zoe(0.3), await zoe('0.2999999999'), await zoe(0.29), await zoe('0.30000000001')]).toEqual([0, 0, 1, 1, 0]);
  });

  it('takes windows and filters on the customer (a one-to-many path through orders and items among them)', async () => {
    const byId = new Map<number, Source['orders']>();
    for (const o of src.orders) byId.set(o.customer_id, [...(byId.get(o.customer_id) ?? []), o]);
    const cancelled = (c: Source['customers'][number]) => (byId.get(c.id) ?? []).some((o) => o.status === 'cancelled');
    const bought = new Set(src.items.filter((i) => i.product_name.toLowerCase().includes('sweet')).map((i) => src.orders.find((o) => o.id === i.order_id)!.customer_id));
    const cases = [
      { filters: { field: 'city', op: 'isnull', value: true }, keep: (c: Source['customers'][number]) => c.city === null },
      { filters: { field: 'orders__status', op: 'eq', value: 'cancelled' }, keep: cancelled },
      { filters: { not: { field: 'orders__items__product__name', op: 'contains', value: 'SWEET' } }, keep: (c: Source['customers'][number]) => !bought.has(c.id) },
      { filters: { field: 'name', op: 'contains', value: "O'Brien_100%" }, keep: (c: Source['customers'][number]) => c.name.includes("O'Brien_100%") },
    ];
    const windows = [
      { members: { start: '2019-01-01', end: '2019-05-01' }, w: winOf('2019-01-01T00:00:00Z', '2019-05-01T00:00:00Z') },
      { members: { range: 'month', as_of: '2026-04-01T00:00:00Z' }, w: winOf('2026-03-02T00:00:00Z', '2026-04-01T00:00:00Z') },
      { members: { as_of: AS_OF }, w: ALL },
    ];
    for (const { members, w } of windows)
      for (const c of cases) {
        const r = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/customers', payload: { ...members, filters: c.filters, limit: 1000 } });
        expect(r.statusCode, r.body).toBe(200);
        const want = customersReference(src, m.fx.lines, w, c.keep);
        expect(r.json().data, `${JSON.stringify(members)} ${JSON.stringify(c.filters)}`).toEqual(want);
      }
    // 2019 holds one buyer's three orders: 10.00 + 10.00 + 0.30.
    const y2019 = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/customers?start=2019-01-01&end=2020-01-01&${q({ filters: { field: 'id', op: 'eq', value: 1002 } })}` });
    expect(y2019.json().data).toEqual([expect.objectContaining({ id: 1002, orders: 3, revenue: '20.30', average_order_value: '6.77', rank: 1, dense_rank: 1 })]);
  });

  it('writes the same rows as CSV and Arrow, with page links in headers', async () => {
    const url = `/api/v1/marketplace/customers?as_of=${AS_OF}&limit=5&offset=5`;
    const json = (await m.app.inject({ method: 'GET', url })).json() as Paged;
    const columns = ['id', 'name', 'city', 'orders', 'revenue', 'average_order_value', 'first_order_at', 'last_order_at', 'rank', 'dense_rank'].map((name) => ({ name, type: ['revenue', 'average_order_value'].includes(name) ? 'decimal' : 'text' }));
    const csv = await m.app.inject({ method: 'GET', url: `${url}&format=csv` });
    expectCsvEqualsJson(csv.body, { columns, data: json.data } as never, 'customers csv');
    expect(String(csv.headers['link'])).toContain('rel="next"');
    const arrow = await m.app.inject({ method: 'GET', url: `${url}&format=arrow` });
    await expectArrowEqualsJson(arrow.rawPayload, { columns, data: json.data } as never, 'customers arrow');
  });

  it('refuses bad members with JSON pointers', async () => {
    for (const [query, path] of [
      ['min_spent=abc', '/min_spent'],
      ['min_spent=1e5', '/min_spent'],
      [`min_spent=${'9'.repeat(31)}`, '/min_spent'],
      ['limit=abc', '/limit'],
      [`filters=${encodeURIComponent('{"field":"email","op":"eq","value":"x"}')}`, '/filters/field'],
    ] as const) {
      const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/customers?${query}` });
      expect(r.statusCode, query).toBe(400);
      expect(r.json().details[0].path, query).toBe(path);
    }
    const body = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/customers', payload: { min_spent: true } });
    expect(body.statusCode).toBe(400);
    expect(body.json().details[0].path).toBe('/min_spent');
  });
});
