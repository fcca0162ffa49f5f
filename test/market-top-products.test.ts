// GET/POST /api/v1/marketplace/top-products against a brute-force reference over the
// source's lines (market-fixture.ts): revenue in BigInt cents, units and distinct orders per
// product, ordered by the measure descending then id, rank() and dense_rank() counted by
// hand over every product sold; ties (products 1003 and 1004: the same revenue, units and
// orders), windows in zones, filters, CSV and Arrow, the plan's SQL, bad parameters.
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../engine/query/compile-plan.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { topProducts } from '../engine/datasets/marketplace/top-products.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import type { Answer } from './query-reference.ts';
import { useMarketApp } from './market-fixture.ts';
import type { LineRow } from './market-fixture.ts';
import { AS_OF, FILTERS, documented } from './market-endpoints.ts';
import { topProductsReference } from './market-fixed-references.ts';
import type { WindowMembers } from './market-endpoints.ts';

const m = useMarketApp('mtop-');

type Row = Record<string, string | number | null>;

const reference = (w: WindowMembers, by: 'revenue' | 'quantity', limit: number, where?: (l: LineRow) => boolean): Row[] => topProductsReference(m.fx.lines, w, by, limit, where);

const get = (query: string) => m.app.inject({ method: 'GET', url: `/api/v1/marketplace/top-products?as_of=${AS_OF}&${query}` });

describe('GET/POST /api/v1/marketplace/top-products', () => {
  it('answers by revenue and by quantity, in windows and zones, as the reference does', async () => {
    const valid = await documented(m.app, '/api/v1/marketplace/top-products');
    const windows: WindowMembers[] = [{}, { range: 'month' }, { range: 'year' }, { start: '2026-01-01', end: '2026-04-01', tz: 'Pacific/Auckland' }, { start: '2019-05-01', end: '2019-06-01', tz: 'Europe/Berlin' }];
    let rows = 0;
    for (const by of ['revenue', 'quantity'] as const) {
      for (const limit of [1, 10, 100]) {
        for (const w of windows) {
          const q = new URLSearchParams({ by, limit: String(limit), ...(w.range ? { range: w.range } : {}), ...(w.start ? { start: w.start, end: w.end!, tz: w.tz! } : {}) });
          const r = await get(q.toString());
          expect(r.statusCode, r.body).toBe(200);
          const want = reference(w, by, limit);
          expect(r.json().data, `${q}`).toEqual(want);
          expect(r.json().by).toBe(by);
          expect(valid(r.json())).toEqual([]);
          rows += want.length;
        }
      }
    }
    expect(rows).toBeGreaterThan(150);
  });

  it('ranks ties alike and orders them by id; dense_rank leaves no gap', async () => {
    // 2019 holds three counted lines: Tie A (1003) and Tie B (1004) at 10.00 and 2 units
    // each, the penny sweet (1001) at 0.30 and 3 units.
    const rev = (await get('start=2019-01-01&end=2020-01-01')).json().data as Row[];
    expect(rev.map((r) => [r['id'], r['revenue'], r['rank'], r['dense_rank']])).toEqual([
      [1003, '10.00', 1, 1],
      [1004, '10.00', 1, 1],
      [1001, '0.30', 3, 2],
    ]);
    const qty = (await get('by=quantity&start=2019-01-01&end=2020-01-01')).json().data as Row[];
    expect(qty.map((r) => [r['id'], r['quantity'], r['rank'], r['dense_rank']])).toEqual([
      [1001, 3, 1, 1],
      [1003, 2, 2, 2],
      [1004, 2, 2, 2],
    ]);
    // The limit cuts between the tied products; ranks are over every product sold.
    const one = (await get('limit=2&start=2019-01-01&end=2020-01-01&by=quantity')).json().data as Row[];
    expect(one.map((r) => r['id'])).toEqual([1001, 1003]);
    // Over all time the ties hold too (wherever they fall).
    const all = (await get('limit=100')).json().data as Row[];
    const [a, b] = [all.find((r) => r['id'] === 1003)!, all.find((r) => r['id'] === 1004)!];
    expect(all.indexOf(b)).toBe(all.indexOf(a) + 1);
    expect([a['rank'], a['dense_rank']]).toEqual([b['rank'], b['dense_rank']]);
    // 2019-04-30 23:30 UTC is in May in Berlin, in April in UTC.
    expect(((await get('start=2019-05-01&end=2019-06-01&tz=Europe/Berlin')).json().data as Row[]).map((r) => [r['id'], r['revenue']])).toEqual([[1001, '0.30']]);
    expect((await get('start=2019-05-01&end=2019-06-01')).json().data).toEqual([]);
    // Never sold: never listed.
    expect(all.some((r) => r['id'] === 1005)).toBe(false);
  });

  it('takes filters, by GET and POST', async () => {
    for (const f of FILTERS) {
      const want = reference({}, 'quantity', 20, f.where);
      const post = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/top-products', payload: { as_of: AS_OF, by: 'quantity', limit: 20, filters: f.json } });
      expect(post.statusCode, post.body).toBe(200);
      expect(post.json().data, JSON.stringify(f.json)).toEqual(want);
      expect((await get(`by=quantity&limit=20&filters=${encodeURIComponent(JSON.stringify(f.json))}`)).json().data).toEqual(want);
    }
    const none = await get(`filters=${encodeURIComponent(JSON.stringify({ field: 'order__customer__name', op: 'eq', value: 'Pending Only' }))}`);
    expect(none.json().data).toEqual([]);
  });

  it('writes the same rows in CSV and Arrow (revenue as Decimal128 of scale 2)', async () => {
    const json = (await get('limit=100')).json() as { data: Row[] };
    const types: Record<string, Answer['columns'][number]['type']> = {
      id: 'integer', name: 'text', category: 'text', revenue: 'decimal', quantity: 'integer', orders: 'integer', rank: 'integer', dense_rank: 'integer',
    };
    const answer = { columns: Object.entries(types).map(([name, type]) => ({ name, type })), data: json.data } as unknown as Answer;
    const csv = await get('limit=100&format=csv');
    expect(csv.headers['content-disposition']).toMatch(/marketplace-top-products-revenue-2027-01-01\.csv/);
    expectCsvEqualsJson(csv.body, answer, 'top-products CSV');
    await expectArrowEqualsJson((await get('limit=100&format=arrow')).rawPayload, answer, 'top-products Arrow');
  });

  it('compiles to one aggregate with rank() and dense_rank() before the limit, which is bound', () => {
    const fields = fieldsFrom(marketplaceDataset.catalog, 'order_item');
    const plan = topProducts.ask({ by: 'quantity', limit: 7, tz: 'UTC' }, { start: null, end: '2027-01-01 00:00:00' } as never, { parseFilter: () => undefined, fields });
    const { sql, params } = compilePlan(plan, marketplaceDataset, fields);
    expect(sql).toMatch(/rank\(\) OVER \(ORDER BY m1 DESC NULLS LAST\) AS "rank"/);
    expect(sql).toMatch(/dense_rank\(\) OVER \(ORDER BY m1 DESC NULLS LAST\) AS "dense_rank"/);
    expect(sql).not.toMatch(/LIMIT 7/);
    expect(params.flat()).toContain(7);
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    for (const [q, path] of [['limit=0', '/limit'], ['limit=101', '/limit'], ['limit=ten', '/limit'], ['by=price', '/by'], ['as_of=yesterday', '/as_of']] as const) {
      const r = await get(q);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().details[0].path, q).toBe(path);
    }
    const f = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/top-products', payload: { filters: { and: [{ field: 'product__price', op: 'gt', value: 'cheap' }] } } });
    expect(f.statusCode).toBe(400);
    expect(f.json().details[0].path).toBe('/filters/and/0/value');
  });
});
