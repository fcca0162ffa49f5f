// GET/POST /api/v1/marketplace/products/{id}/also-bought against a brute-force reference
// over the source's lines (market-fixture.ts: plain SQL over the Parquet files): baskets
// (a customer's counted lines in the window, or one counted order) built in a loop, the
// ratios rounded to 4 decimals half away from zero in BigInt, the order (together, then
// the lift as answered, descending, then id) by a plain sort. Over several windows, zones,
// both bases, filters and limits; the SQL's shape; a product never bought, an unknown one,
// bad parameters; CSV and Arrow.
import { describe, expect, it } from 'vitest';
import { rng } from './helpers.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import type { Json } from './filter-semantics.ts';
import { useMarketApp } from './market-fixture.ts';
import type { LineRow } from './market-fixture.ts';
import { COUNTED, cents } from './market-reference.ts';
import { alsoBoughtReference } from './market-fixed-references.ts';
import type { AlsoRow } from './market-fixed-references.ts';
import { answerMatchesSchema } from './market-openapi.ts';

const AS_OF = '2026-11-01T00:00:00Z';
const m = useMarketApp('malso-');

interface Ask {
  basis?: 'customer' | 'order';
  limit?: number;
  min_together?: number;
  range?: string;
  start?: string;
  end?: string;
  tz?: string;
  filters?: Json;
}
/** The answer by brute force: `keep` is the filter written by hand. */
const reference = (x: number, a: Ask, keep?: (l: LineRow) => boolean): AlsoRow[] => alsoBoughtReference(m.fx.lines, x, { as_of: AS_OF, ...a }, keep);

const url = (id: number | string) => `/api/v1/marketplace/products/${id}/also-bought`;
async function get(id: number | string, a: Ask): Promise<{ status: number; body: Record<string, unknown> }> {
  const q = new URLSearchParams({ as_of: AS_OF });
  for (const [k, v] of Object.entries(a)) q.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  const r = await m.app.inject({ method: 'GET', url: `${url(id)}?${q}` });
  return { status: r.statusCode, body: r.json() };
}

/** Products by how many counted lines hold them, most first (ties by id). */
function popular(): number[] {
  const n = new Map<number, number>();
  for (const l of m.fx.lines) if (COUNTED.has(l['order__status'] as string)) n.set(l['product'] as number, (n.get(l['product'] as number) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([p]) => p);
}

const FILTERS: { json: Json; keep: (l: LineRow) => boolean }[] = [
  { json: { field: 'quantity', op: 'gte', value: 2 }, keep: (l) => (l['quantity'] as number) >= 2 },
  { json: { field: 'order__customer__city', op: 'isnull', value: true }, keep: (l) => l['order__customer__city'] === null },
  { json: { not: { field: 'product__price', op: 'gt', value: '500.00' } }, keep: (l) => cents(l['product__price'] as string) <= 50000n },
  // Pending orders asked for: the counting rule still holds (the pending ones take no part).
  { json: { field: 'order__status', op: 'in', value: ['paid', 'pending'] }, keep: (l) => ['paid', 'pending'].includes(l['order__status'] as string) },
];
const WINDOWS: Ask[] = [{}, { range: 'year' }, { start: '2026-01-01', end: '2026-07-01', tz: 'Europe/Berlin' }, { start: '2019-01-01', end: '2019-05-01', tz: 'Europe/Berlin' }, { start: '2025-06-15T12:00:00Z' }];

describe('GET/POST /api/v1/marketplace/products/{id}/also-bought', () => {
  it('answers as the brute-force reference over windows, zones, both bases, filters and limits', async () => {
    const r = rng(7);
    const top = popular();
    const some = [...top.slice(0, 4), ...Array.from({ length: 6 }, () => top[Math.floor(r() * top.length)]!), 1001, 1003, 1004];
    let tiesSeen = 0;
    let rowsSeen = 0;
    for (const [i, x] of some.entries()) {
      const f = i % 3 === 0 ? FILTERS[(i / 3) % FILTERS.length] : undefined;
      const a: Ask = { ...WINDOWS[i % WINDOWS.length]!, basis: i % 2 ? 'order' : 'customer', limit: [10, 3, 100][i % 3]!, ...(f ? { filters: f.json } : {}), ...(i % 4 === 1 ? { min_together: 2 } : {}) };
      const want = reference(x, a, f?.keep);
      const { status, body } = await get(x, a);
      expect(status, JSON.stringify(a)).toBe(200);
      expect(body['data'], `product ${x} ${JSON.stringify(a)}`).toEqual(want);
      rowsSeen += want.length;
      tiesSeen += want.filter((w, j) => j > 0 && w.together === want[j - 1]!.together && w.lift === want[j - 1]!.lift).length;
    }
    // The comparisons held rows, and ties that only the id breaks.
    expect(rowsSeen).toBeGreaterThan(50);
    expect(tiesSeen).toBeGreaterThan(0);
  });

  it('a basket is a customer\'s lines over several orders, or one order (the fixture\'s 2019 customer)', async () => {
    // Customer 1002 bought 1003 (January), 1004 (April) and 1001 (Apr 30, 23:30 UTC): three
    // orders, one basket by customer, none shared by order.
    const byCustomer = await get(1003, { start: '2019-01-01', end: '2019-06-01' });
    expect((byCustomer.body['data'] as AlsoRow[]).map((x) => [x.id, x.together, x.support, x.confidence, x.lift])).toEqual([[1001, 1, 1, 1, 1], [1004, 1, 1, 1, 1]]);
    const byOrder = await get(1003, { start: '2019-01-01', end: '2019-06-01', basis: 'order' });
    expect(byOrder.body['data']).toEqual([]);
    // In Berlin, May starts an hour before 23:30 UTC on Apr 30: the order of 1001 falls out.
    const berlin = await get(1003, { start: '2019-01-01', end: '2019-05-01', tz: 'Europe/Berlin' });
    expect((berlin.body['data'] as AlsoRow[]).map((x) => x.id)).toEqual([1004]);
    const utc = await get(1003, { start: '2019-01-01', end: '2019-05-01' });
    expect((utc.body['data'] as AlsoRow[]).map((x) => x.id)).toEqual([1001, 1004]);
    expect(utc.body).toMatchObject({ id: 1003, basis: 'customer', min_together: 1, limit: 10, range: null });
  });

  it('answers POST as GET, and the body schema documented in OpenAPI', async () => {
    const x = popular()[0]!;
    const a: Ask = { basis: 'order', limit: 5, filters: FILTERS[0]!.json };
    const g = await get(x, a);
    const p = await m.app.inject({ method: 'POST', url: url(x), payload: { ...a, as_of: AS_OF } });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toEqual(g.body);
    expect(g.body['data']).toEqual(reference(x, a, FILTERS[0]!.keep));
    await answerMatchesSchema(m.app, 'get', '/api/v1/marketplace/products/{id}/also-bought', g.body);
  });

  it('a product never bought answers data [], an unknown one 404 naming /id', async () => {
    const never = await get(1005, {});
    expect(never.status).toBe(200);
    expect(never.body['data']).toEqual([]);
    // Pending and cancelled orders hold 1004 in 2026 only: no counted basket there.
    const pending = await get(1004, { start: '2026-01-01' });
    expect(pending.body['data']).toEqual([]);
    const unknown = await get(987654321, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not_found', details: [{ path: '/id' }] });
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const cases: [number | string, Ask | Record<string, unknown>, string][] = [
      ['abc', {}, '/id'],
      [0, {}, '/id'],
      [1001, { basis: 'session' }, '/basis'],
      [1001, { limit: 0 }, '/limit'],
      [1001, { limit: 101 }, '/limit'],
      [1001, { min_together: 0 }, '/min_together'],
      [1001, { tz: 'Mars/Olympus' }, '/tz'],
      [1001, { filters: { field: 'views', op: 'eq', value: 1 } }, '/filters/field'],
    ];
    for (const [id, a, path] of cases) {
      const r = await get(id, a as Ask);
      expect(r.status, JSON.stringify([id, a])).toBe(400);
      expect((r.body['details'] as { path: string }[])[0]!.path, JSON.stringify([id, a])).toBe(path);
    }
  });

  it('writes the same rows in CSV and Arrow', async () => {
    const x = popular()[1]!;
    const json = await get(x, { limit: 20 });
    const answer = {
      columns: [['id', 'integer'], ['name', 'text'], ['together', 'integer'], ['support', 'number'], ['confidence', 'number'], ['lift', 'number']].map(([name, type]) => ({ name, type })),
      data: json.body['data'],
    } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    expect((json.body['data'] as AlsoRow[]).length).toBeGreaterThan(5);
    const csv = await m.app.inject({ method: 'GET', url: `${url(x)}?limit=20&as_of=${AS_OF}&format=csv` });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expectCsvEqualsJson(csv.body, answer, 'also-bought CSV');
    const arrow = await m.app.inject({ method: 'GET', url: `${url(x)}?limit=20&as_of=${AS_OF}&format=arrow` });
    await expectArrowEqualsJson(arrow.rawPayload, answer, 'also-bought Arrow');
  });

  it('compiles to one scan of the window\'s lines, X\'s baskets as a semi-join, values bound', async () => {
    // A window short of all time (over all time the stored pairs answer: market-also-bought-customer).
    const plan = { kind: 'basket', dataset: 'marketplace', window: { start: '2026-01-01 00:00:00.000000', end: '2026-11-01 00:00:00' }, filter: undefined, basis: 'order__customer', item: 'product', of: 1001, minTogether: 2, decimals: 4, labels: [{ name: 'name', path: 'product__name' }], limit: 10 } as const;
    const { sql, params } = m.engine.compile(plan);
    expect(sql.match(/FROM "fact_order_item"/g)?.length).toBe(1);
    expect(sql).toContain('WHERE k IN (SELECT k FROM holding)');
    expect(sql).not.toContain('MATERIALIZED');
    expect(sql).not.toMatch(/1001|'paid'/);
    expect(params).toEqual(expect.arrayContaining([1001, 2, 10, 'paid', 'shipped', 'delivered']));
  });
});
