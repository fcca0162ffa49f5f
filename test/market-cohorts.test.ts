// GET/POST /api/v1/marketplace/cohorts against a brute-force reference over the source's
// lines (market-fixture.ts: plain SQL over the Parquet files): each customer's first
// counted order in the window put in its local month or ISO week by Intl's zone data
// (query-calendar.ts), the buckets after it counted in plain loops, revenue in BigInt cents,
// retention rounded half up in BigInt, buckets after the window's end null. Over several
// windows, zones (DST included), both granularities, customer filters (one through the
// customer's orders' lines), the fixture's 2019 customer whose Apr 30 23:30 UTC order is
// May in Berlin; bad parameters; CSV and Arrow; the SQL's shape.
import { describe, expect, it } from 'vitest';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import type { Json } from './filter-semantics.ts';
import { useMarketApp } from './market-fixture.ts';
import { cohortsReference } from './market-fixed-references.ts';
import type { CohortRow } from './market-fixed-references.ts';
import { answerMatchesSchema } from './market-openapi.ts';

const AS_OF = '2026-11-01T00:00:00Z';
const URL = '/api/v1/marketplace/cohorts';
const m = useMarketApp('mcohort-');

interface Ask {
  compare?: 'month' | 'week';
  periods?: number;
  tz?: string;
  range?: string;
  start?: string;
  end?: string;
  filters?: Json;
}
/** The answer by brute force; `keep` is the customer filter written by hand (on a customer id). */
const reference = (a: Ask, keep?: (customer: number) => boolean): CohortRow[] => cohortsReference(m.fx.lines, { as_of: AS_OF, ...a }, keep);

async function get(a: Ask | Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const q = new URLSearchParams({ as_of: AS_OF });
  for (const [k, v] of Object.entries(a)) q.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  const r = await m.app.inject({ method: 'GET', url: `${URL}?${q}` });
  return { status: r.statusCode, body: r.json() };
}

/** Customers with a line of a product named `name`, in any order of any status. */
const boughtEver = (name: string) => (c: number) => m.fx.lines.some((l) => l['order__customer'] === c && l['product__name'] === name);
const customerAttr = (c: number, path: string) => m.fx.lines.find((l) => l['order__customer'] === c)![path];

const FILTERS: { json: Json; keep: (c: number) => boolean }[] = [
  { json: { field: 'city', op: 'isnull', value: true }, keep: (c) => customerAttr(c, 'order__customer__city') === null },
  { json: { not: { field: 'name', op: 'startswith', value: 'A' } }, keep: (c) => !(customerAttr(c, 'order__customer__name') as string).startsWith('A') },
  { json: { field: 'orders__items__product__name', op: 'eq', value: 'Penny sweet' }, keep: boughtEver('Penny sweet') },
];
const WINDOWS: Ask[] = [{}, { range: 'year' }, { start: '2019-01-01', end: '2019-06-01' }, { start: '2025-03-15T12:00:00Z', end: '2026-04-01' }, { start: '2026-01-01' }];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];

describe('GET/POST /api/v1/marketplace/cohorts', () => {
  it('answers as the brute-force reference over windows, zones, months and weeks, periods and filters', async () => {
    let cells = 0;
    let nulls = 0;
    for (let i = 0; i < 16; i++) {
      const f = i % 4 === 3 ? FILTERS[(i >> 2) % FILTERS.length] : undefined;
      const a: Ask = { ...WINDOWS[i % WINDOWS.length]!, tz: ZONES[i % ZONES.length]!, compare: i % 2 ? 'week' : 'month', periods: [12, 3, 36, 8][i % 4]!, ...(f ? { filters: f.json } : {}) };
      const want = reference(a, f?.keep);
      const { status, body } = await get(a);
      expect(status, JSON.stringify(a)).toBe(200);
      expect(body['data'], JSON.stringify(a)).toEqual(want);
      cells += want.reduce((s, r) => s + r.retention.filter((x) => x !== null && x > 0).length, 0);
      nulls += want.reduce((s, r) => s + r.retention.filter((x) => x === null).length, 0);
    }
    // The comparisons held retained customers after the first bucket, and buckets past the end.
    expect(cells).toBeGreaterThan(100);
    expect(nulls).toBeGreaterThan(100);
  });

  it('the fixture\'s 2019 customer: the Apr 30 23:30 UTC order is April in UTC, May in Berlin; buckets past the window null', async () => {
    const a: Ask = { start: '2019-01-01', end: '2019-06-01', periods: 7, filters: { field: 'id', op: 'eq', value: 1002 } };
    const utc = await get(a);
    expect(utc.body['data']).toEqual([{ cohort: '2019-01', customers: 1, retention: [100, 0, 0, 100, 0, null, null], revenue: ['10.00', '0.00', '0.00', '10.30', '0.00', null, null] }]);
    const berlin = await get({ ...a, tz: 'Europe/Berlin' });
    expect(berlin.body['data']).toEqual([{ cohort: '2019-01', customers: 1, retention: [100, 0, 0, 100, 100, null, null], revenue: ['10.00', '0.00', '0.00', '10.00', '0.30', null, null] }]);
    expect(berlin.body).toMatchObject({ compare: 'month', periods: 7, tz: 'Europe/Berlin', range: null });
    const weeks = await get({ ...a, compare: 'week', periods: 3 });
    expect(weeks.body['data']).toEqual(reference({ ...a, compare: 'week', periods: 3 }, (c) => c === 1002));
    expect((weeks.body['data'] as CohortRow[])[0]!.cohort).toBe('2019-W02');
  });

  it('counts no pending or cancelled order: a customer with only those makes no cohort', async () => {
    const none = await get({ filters: { field: 'name', op: 'eq', value: 'Pending Only' } });
    expect(none.status).toBe(200);
    expect(none.body['data']).toEqual([]);
  });

  it('answers POST as GET, and the body schema documented in OpenAPI', async () => {
    const a: Ask = { compare: 'week', periods: 5, tz: 'Europe/Berlin', range: 'year', filters: FILTERS[0]!.json };
    const g = await get(a);
    const p = await m.app.inject({ method: 'POST', url: URL, payload: { ...a, as_of: AS_OF } });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toEqual(g.body);
    expect((g.body['data'] as CohortRow[]).length).toBeGreaterThan(3);
    await answerMatchesSchema(m.app, 'get', URL, g.body);
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ compare: 'day' }, '/compare'],
      [{ periods: 0 }, '/periods'],
      [{ periods: 37 }, '/periods'],
      [{ periods: 'x' }, '/periods'],
      [{ tz: 'Mars/Olympus' }, '/tz'],
      [{ start: '2020-01-01', end: '2019-01-01' }, '/end'],
      // Rooted at the customer: an order line's field is not one of its fields.
      [{ filters: { field: 'quantity', op: 'gte', value: 2 } }, '/filters/field'],
    ];
    for (const [a, path] of cases) {
      const r = await get(a);
      expect(r.status, JSON.stringify(a)).toBe(400);
      expect((r.body['details'] as { path: string }[])[0]!.path, JSON.stringify(a)).toBe(path);
    }
  });

  it('writes the lists as JSON text in CSV and Arrow cells', async () => {
    const a: Ask = { periods: 4, range: 'year' };
    const json = await get(a);
    const data = (json.body['data'] as CohortRow[]).map((r) => ({ ...r, retention: JSON.stringify(r.retention), revenue: JSON.stringify(r.revenue) }));
    expect(data.length).toBeGreaterThan(5);
    expect(data.at(-1)!.retention).toMatch(/^\[100,null,null,null\]$/);
    const answer = { columns: [['cohort', 'text'], ['customers', 'integer'], ['retention', 'text'], ['revenue', 'text']].map(([name, type]) => ({ name, type })), data } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    const csv = await m.app.inject({ method: 'GET', url: `${URL}?periods=4&range=year&as_of=${AS_OF}&format=csv` });
    expectCsvEqualsJson(csv.body, answer, 'cohorts CSV');
    const arrow = await m.app.inject({ method: 'GET', url: `${URL}?periods=4&range=year&as_of=${AS_OF}&format=arrow` });
    await expectArrowEqualsJson(arrow.rawPayload, answer, 'cohorts Arrow');
  });

  it('compiles to one scan of the fact rows, the customer filter a semi-join on the customer table, values bound', async () => {
    const filter = m.engine.parseFilter({ field: 'city', op: 'eq', value: 'Berlin' }, '/filters', 'customer');
    const plan = { kind: 'cohort', dataset: 'marketplace', window: { start: null, end: '2026-11-01 00:00:00' }, entity: 'order__customer', filter, granularity: 'week', tz: 'Europe/Berlin', periods: 9, measure: 'revenue' } as const;
    const { sql, params } = m.engine.compile(plan);
    expect(sql.match(/FROM "fact_order_item"/g)?.length).toBe(1);
    expect(sql).toMatch(/"customer_id" IN \(SELECT x\."id" FROM "customer" x WHERE/);
    expect(sql).not.toMatch(/Berlin|'paid'|'week'/);
    expect(params).toEqual(expect.arrayContaining(['Berlin', 'Europe/Berlin', 'week', 9, 'paid']));
  });
});
