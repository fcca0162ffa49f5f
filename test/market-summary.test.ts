// GET/POST /api/v1/marketplace/summary against a brute-force reference over the source's
// lines (market-fixture.ts): the counting rule, money in BigInt cents, distinct orders,
// buyers and products, the average order value rounded half up; in every format, with a
// filter, a window holding nothing, and bad parameters.
import { describe, expect, it } from 'vitest';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import { useMarketApp } from './market-fixture.ts';
import type { LineRow } from './market-fixture.ts';
import { cents } from './market-reference.ts';

const m = useMarketApp('msummary-');

const COUNTED = new Set(['paid', 'shipped', 'delivered']);
const text = (c: bigint) => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

/** The summary by brute force over the lines a predicate keeps. */
function reference(keep: (l: LineRow) => boolean) {
  const lines = m.fx.lines.filter((l) => COUNTED.has(l['order__status'] as string) && keep(l));
  let revenue = 0n;
  let items = 0;
  for (const l of lines) {
    revenue += BigInt(l['quantity'] as number) * cents(l['unit_price'] as string);
    items += l['quantity'] as number;
  }
  const orders = new Set(lines.map((l) => l['order'])).size;
  // Half up on cents: (2 * revenue + orders) / (2 * orders), revenue is never negative.
  const aov = orders === 0 ? null : text((2n * revenue + BigInt(orders)) / (2n * BigInt(orders)));
  return {
    revenue: text(revenue),
    orders,
    items_sold: items,
    customers: new Set(lines.map((l) => l['order__customer'])).size,
    products: new Set(lines.map((l) => l['product'])).size,
    average_order_value: aov,
  };
}

describe('GET/POST /api/v1/marketplace/summary', () => {
  it('answers the counted lines of all time, exactly', async () => {
    const r = await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/summary' });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { range: string; data: Record<string, unknown>; window: { start: string | null } };
    expect(body.range).toBe('all');
    expect(body.window.start).toBeNull();
    expect(body.data).toEqual(reference(() => true));
  });

  it('takes a filter and a window, by POST, and answers zeros (and a null average) where nothing counts', async () => {
    const filters = { field: 'order__customer__name', op: 'eq', value: 'Zoë O\'Brien_100%' };
    const r = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/summary', payload: { filters } });
    expect(r.json().data).toEqual(reference((l) => l['order__customer__name'] === 'Zoë O\'Brien_100%'));
    // Her lines of 0.10 and 0.20 in one paid order: "0.30" and no float on the way.
    expect(r.json().data.revenue).toBe('0.30');
    const none = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/summary', payload: { filters: { field: 'order__customer__name', op: 'eq', value: 'Pending Only' } } });
    expect(none.json().data).toEqual({ revenue: '0.00', orders: 0, items_sold: 0, customers: 0, products: 0, average_order_value: null });
    const start = Date.parse('2019-01-01T00:00:00Z') * 1000;
    const end = Date.parse('2019-05-01T00:00:00Z') * 1000;
    const window = await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/summary?start=2019-01-01&end=2019-05-01' });
    expect(window.json().data).toEqual(reference((l) => (l['_at'] as number) >= start && (l['_at'] as number) < end));
    expect(window.json().range).toBeNull();
  });

  it('writes the same figures in CSV and Arrow', async () => {
    const json = (await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/summary' })).json();
    const types: Record<string, 'decimal' | 'integer'> = { revenue: 'decimal', orders: 'integer', items_sold: 'integer', customers: 'integer', products: 'integer', average_order_value: 'decimal' };
    const answer = { columns: Object.entries(types).map(([name, type]) => ({ name, type })), data: [json.data] } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    const csv = await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/summary?format=csv' });
    expectCsvEqualsJson(csv.body, answer, 'summary CSV');
    const arrow = await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/summary?format=arrow' });
    await expectArrowEqualsJson(arrow.rawPayload, answer, 'summary Arrow');
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const r = await m.app.inject({ method: 'GET', url: '/api/v1/marketplace/summary?range=decade' });
    expect(r.statusCode).toBe(400);
    expect(r.json().details[0].path).toBe('/range');
    const f = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/summary', payload: { filters: { field: 'views', op: 'eq', value: 1 } } });
    expect(f.statusCode).toBe(400);
    expect(f.json().details[0].path).toMatch(/^\/filters/);
  });
});
