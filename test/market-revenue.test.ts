// GET/POST /api/v1/marketplace/revenue against a brute-force reference over the source's
// lines (market-fixture.ts): buckets from Intl's zone data (query-calendar.ts), every bucket
// from the first to the last holding a counted order (empty months of 2019 zero-filled), the
// running revenue and the growth in BigInt cents; in several windows, zones and filters; CSV
// and Arrow (Decimal128 read back exactly); the plan's SQL; bad parameters.
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../engine/query/compile-plan.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { revenue as revenueEndpoint } from '../engine/datasets/marketplace/revenue.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import type { Answer } from './query-reference.ts';
import { useMarketApp } from './market-fixture.ts';
import type { LineRow } from './market-fixture.ts';
import { AS_OF, FILTERS, documented } from './market-endpoints.ts';
import type { WindowMembers } from './market-endpoints.ts';
import { revenueReference } from './market-fixed-references.ts';
import type { Compare } from './market-fixed-references.ts';

const m = useMarketApp('mrevenue-');

type Row = Record<string, string | number | null>;

const reference = (w: WindowMembers, compare: Compare, where?: (l: LineRow) => boolean): Row[] => revenueReference(m.fx.lines, w, compare, where);

const get = (query: string) => m.app.inject({ method: 'GET', url: `/api/v1/marketplace/revenue?as_of=${AS_OF}&${query}` });

describe('GET/POST /api/v1/marketplace/revenue', () => {
  it('answers every period, zone and window as the reference does', async () => {
    const valid = await documented(m.app, '/api/v1/marketplace/revenue');
    const windows: WindowMembers[] = [{}, { range: 'year' }, { start: '2019-01-01', end: '2019-07-01' }, { start: '2025-06-15', end: '2026-02-01' }];
    let checked = 0;
    for (const compare of ['day', 'week', 'month', 'year'] as const) {
      for (const tz of ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kathmandu']) {
        for (const w of windows) {
          const q = new URLSearchParams({ compare, tz, ...(w.range ? { range: w.range } : {}), ...(w.start ? { start: w.start, end: w.end! } : {}) });
          const r = await get(q.toString());
          expect(r.statusCode, r.body).toBe(200);
          const body = r.json() as { compare: string; range: string | null; data: Row[] };
          const want = reference({ ...w, tz }, compare);
          expect(body.data, `${compare} ${tz} ${JSON.stringify(w)}`).toEqual(want);
          expect(body.compare).toBe(compare);
          expect(body.range).toBe(w.start ? null : (w.range ?? 'all'));
          expect(valid(body)).toEqual([]);
          checked += want.length;
        }
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it('puts 2019-04-30 23:30 UTC in May in Berlin and in April in UTC, with empty months zero-filled', async () => {
    const utc = (await get('start=2019-01-01&end=2019-07-01')).json().data as Row[];
    expect(utc.map((r) => [r['label'], r['revenue'], r['cumulative_revenue'], r['growth']])).toEqual([
      ['2019-01', '10.00', '10.00', null],
      ['2019-02', '0.00', '10.00', -100],
      ['2019-03', '0.00', '10.00', null],
      ['2019-04', '10.30', '20.30', null],
    ]);
    const berlin = (await get('start=2019-01-01&end=2019-07-01&tz=Europe/Berlin')).json().data as Row[];
    expect(berlin.map((r) => [r['label'], r['revenue'], r['orders'], r['growth']])).toEqual([
      ['2019-01', '10.00', 1, null],
      ['2019-02', '0.00', 0, -100],
      ['2019-03', '0.00', 0, null],
      ['2019-04', '10.00', 1, null],
      ['2019-05', '0.30', 1, -97],
    ]);
  });

  it('takes filters (GET and POST alike); pending and cancelled orders never count', async () => {
    for (const f of FILTERS) {
      const want = reference({ tz: 'Asia/Tokyo' }, 'month', f.where);
      const post = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/revenue', payload: { as_of: AS_OF, tz: 'Asia/Tokyo', filters: f.json } });
      expect(post.statusCode, post.body).toBe(200);
      expect(post.json().data, JSON.stringify(f.json)).toEqual(want);
      const viaGet = await get(`tz=Asia/Tokyo&filters=${encodeURIComponent(JSON.stringify(f.json))}`);
      expect(viaGet.json().data).toEqual(want);
    }
    // Only pending and cancelled orders: no bucket at all.
    const none = await get(`filters=${encodeURIComponent(JSON.stringify({ field: 'order__customer__name', op: 'eq', value: 'Pending Only' }))}`);
    expect(none.json().data).toEqual([]);
    // 0.10 + 0.20 in one paid order: "0.30", no float on the way.
    const zoe = await get(`compare=day&filters=${encodeURIComponent(JSON.stringify({ field: 'order__customer', op: 'eq', value: 1001 }))}`);
    expect(zoe.json().data).toEqual([{ period: '2026-03-15', label: '2026-03-15', revenue: '0.30', orders: 1, items_sold: 2, cumulative_revenue: '0.30', growth: null }]);
  });

  it('writes the same rows in CSV and Arrow (money as Decimal128 of scale 2)', async () => {
    const json = (await get('compare=week&tz=Europe/Berlin')).json() as { data: Row[] };
    expect(json.data.length).toBeGreaterThan(50);
    const types: Record<string, Answer['columns'][number]['type']> = {
      period: 'date', label: 'text', revenue: 'decimal', orders: 'integer', items_sold: 'integer', cumulative_revenue: 'decimal', growth: 'number',
    };
    const answer = { columns: Object.entries(types).map(([name, type]) => ({ name, type })), data: json.data } as unknown as Answer;
    const csv = await get('compare=week&tz=Europe/Berlin&format=csv');
    expect(csv.headers['content-disposition']).toMatch(/marketplace-revenue-week-2027-01-01\.csv/);
    expectCsvEqualsJson(csv.body, answer, 'revenue CSV');
    const arrow = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/revenue?as_of=${AS_OF}&compare=week&tz=Europe/Berlin`, headers: { accept: 'application/vnd.apache.arrow.stream' } });
    await expectArrowEqualsJson(arrow.rawPayload, answer, 'revenue Arrow');
  });

  it('compiles to one series plan: zone and unit bound, running sum in SQL', () => {
    const window = { start: null, end: '2027-01-01 00:00:00' };
    const plan = revenueEndpoint.ask({ compare: 'week', tz: 'Europe/Berlin' }, window as never, { parseFilter: () => undefined, fields: fieldsFrom(marketplaceDataset.catalog, 'order_item') });
    expect(plan).toMatchObject({ kind: 'series', granularity: 'week', tz: 'Europe/Berlin', fill: true, running: ['revenue'], compare: ['revenue'] });
    const { sql, params } = compilePlan(plan, marketplaceDataset, fieldsFrom(marketplaceDataset.catalog, 'order_item'));
    expect(sql).not.toContain('Europe/Berlin');
    expect(params.flat()).toEqual(expect.arrayContaining(['Europe/Berlin', 'week', 'paid', 'shipped', 'delivered']));
    expect(sql).toMatch(/sum\(m0\) OVER \(ORDER BY b ROWS UNBOUNDED PRECEDING\) AS "revenue_running"/);
    // Orders are counted per UTC quarter hour and summed (an order's lines share its time:
    // `oneTime`), so that only the quarter hours, not the lines, are converted to Berlin time.
    expect(sql).toContain(`count(DISTINCT f."order_id")`);
    expect(sql).toContain('900000000');
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const cases: [string, string][] = [
      ['compare=quarter', '/compare'],
      ['range=decade', '/range'],
      ['start=2020-02-01&end=2020-01-01', ''],
      ['tz=Mars/Olympus', '/tz'],
    ];
    for (const [q, path] of cases) {
      const r = await get(q);
      expect(r.statusCode, q).toBe(400);
      if (path) expect(r.json().details[0].path, q).toBe(path);
    }
    const f = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/revenue', payload: { filters: { field: 'order__customer__email', op: 'eq', value: 'x' } } });
    expect(f.statusCode).toBe(400);
    expect(f.json().details[0].path).toBe('/filters/field');
  });
});
