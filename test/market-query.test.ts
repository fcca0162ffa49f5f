// POST /api/v1/marketplace/query (and GET) against an independent reference: seeded random
// questions (measures x dimensions x granularities x zones x windows x filters) over a
// generated marketplace with hand-made awkward rows (market-fixture.ts), each answered
// through app.inject and by brute force from plain SQL over the source files
// (market-reference.ts, itself checked against plain SQL GROUP BYs below), compared row by
// row; then the cases the spec names on purpose: cent-exact sums, pending and cancelled
// orders, ties, null cities, empty months, a month that depends on the zone. A failure
// names the seed and the question; MARKET_SEED=<n> replays another seed.
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { rng } from './helpers.ts';
import { answerDifference } from './query-compare.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import type { Answer as BlogAnswer } from './query-reference.ts';
import type { Json } from './filter-semantics.ts';
import { useMarketApp } from './market-fixture.ts';
import type { LineRow } from './market-fixture.ts';
import { DIMENSIONS, MEASURES, cents, marketReference } from './market-reference.ts';
import type { Answer, Question } from './market-reference.ts';
import { answersInBlocks } from './question-blocks.ts';

const SEED = Number(process.env['MARKET_SEED'] ?? 20261116);
const QUESTIONS = 240;
const BLOCK = 40;
const URL = '/api/v1/marketplace/query';
const AS_OF = '2026-11-01T00:00:00Z';
const m = useMarketApp('mquery-');

const post = (q: unknown) => m.app.inject({ method: 'POST', url: URL, payload: q as object });
const differs = (body: Record<string, unknown>, want: Answer) => answerDifference(body, want as unknown as BlogAnswer);

/** The filters questions draw from: the filter language's JSON, and the same condition
 *  written by hand as a predicate on a line. */
const inOrder = (name: string) => (l: LineRow, all: readonly LineRow[]) => all.some((x) => x['order'] === l['order'] && x['product__name'] === name);
const FILTERS: { json: Json; holds: (l: LineRow, all: readonly LineRow[]) => boolean }[] = [
  { json: { field: 'order__customer__city', op: 'isnull', value: true }, holds: (l) => l['order__customer__city'] === null },
  { json: { field: 'product__price', op: 'gte', value: '100.00' }, holds: (l) => cents(l['product__price'] as string) >= 10000n },
  { json: { field: 'unit_price', op: 'lt', value: 1 }, holds: (l) => cents(l['unit_price'] as string) < 100n },
  { json: { field: 'order__status', op: 'in', value: ['paid', 'pending', 'cancelled'] }, holds: (l) => ['paid', 'pending', 'cancelled'].includes(l['order__status'] as string) },
  { json: { not: { field: 'product__is_active', op: 'eq', value: true } }, holds: (l) => l['product__is_active'] !== true },
  { json: { or: [{ field: 'quantity', op: 'gte', value: 3 }, { field: 'product__rating', op: 'isnull', value: true }] }, holds: (l) => (l['quantity'] as number) >= 3 || l['product__rating'] === null },
  { json: { field: 'product__category__parent', op: 'eq', value: 9 }, holds: (l) => l['product__category__parent'] === 9 },
  { json: { field: 'product__category__parent__name', op: 'isnull', value: true }, holds: (l) => l['product__category__parent__name'] === null },
  { json: { field: 'order__customer__name', op: 'eq', value: "Zoë O'Brien_100%" }, holds: (l) => l['order__customer__name'] === "Zoë O'Brien_100%" },
  { json: { field: 'order__created_at', op: 'gte', value: '2026-01-01T00:00:00Z' }, holds: (l) => (l['_at'] as number) >= Date.UTC(2026, 0, 1) * 1000 },
  { json: { field: 'order__items__product__name', op: 'eq', value: 'Penny sweet' }, holds: inOrder('Penny sweet') },
  { json: { and: [{ field: 'product__rating', op: 'between', value: ['3.00', '4.50'] }, { field: 'order__customer__city', op: 'ne', value: 'São Paulo' }] },
    holds: (l) => l['product__rating'] !== null && cents(l['product__rating'] as string) >= 300n && cents(l['product__rating'] as string) <= 450n && l['order__customer__city'] !== 'São Paulo' },
];
const WINDOWS: Partial<Question>[] = [{}, { range: 'year' }, { start: '2026-01-01', end: '2026-07-01' }, { start: '2019-01-01', end: '2019-06-01' }, { start: '2025-06-15T12:00:00Z' }];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
const DIMS = Object.keys(DIMENSIONS);

function questionMaker(r: () => number): () => { question: Question; answer: Answer; filter: number | null } {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const some = <T,>(xs: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(xs)))];
  return () => {
    const measures = some(Object.keys(MEASURES), 4);
    const windowed = pick(WINDOWS);
    const time = r() < 0.5 ? undefined : { granularity: pick(['day', 'week', 'month', 'quarter', 'year'] as const), fill: r() < 0.5, ...(r() < 0.5 ? { compare: 'previous' as const } : {}) };
    // Filled days over every year of the data would be thousands of rows per group: fewer groups.
    const dimensions = r() < 0.25 ? [] : some(DIMS, time?.fill && time.granularity === 'day' ? 1 : 2);
    const filter = r() < 0.6 ? Math.floor(r() * FILTERS.length) : null;
    const question: Question = {
      measures, dimensions, ...windowed, as_of: AS_OF, tz: pick(ZONES), limit: pick([5, 50, 1000]), offset: r() < 0.2 ? 3 : 0,
      ...(time ? { time } : {}), ...(filter === null ? {} : { filters: FILTERS[filter]!.json }),
      ...(r() < 0.3 ? { order: [{ by: pick([...measures, ...dimensions]), dir: pick(['asc', 'desc'] as const) }] } : {}),
    };
    const holds = filter === null ? undefined : (l: LineRow) => FILTERS[filter]!.holds(l, m.fx.lines);
    return { question, answer: marketReference(question, m.fx.lines, holds), filter };
  };
}

async function check(q: Question, want: Answer, what: string): Promise<Record<string, unknown>> {
  const res = await post(q);
  if (res.statusCode !== 200) expect.fail(`${what}: ${JSON.stringify(q)}\nstatus ${res.statusCode}: ${res.body.slice(0, 500)}`);
  const body = res.json() as Record<string, unknown>;
  const diff = differs(body, want);
  if (diff !== null) expect.fail(`${what}: ${JSON.stringify(q)}\n${diff}`);
  return body;
}

describe('the reference itself', () => {
  it('agrees with plain SQL GROUP BYs over the Parquet files (revenue, orders, units, buyers per category; counted orders only)', async () => {
    const db = await Database.open(':memory:');
    try {
      const f = (t: string) => `read_parquet('${m.fx.source}/${t}.parquet')`;
      const sql = `SELECT k.name AS product__category__name, sum(i.quantity * i.unit_price)::VARCHAR AS revenue, count(DISTINCT o.id) AS orders,
          sum(i.quantity)::BIGINT AS items_sold, count(DISTINCT o.customer_id) AS customers
        FROM ${f('order_item')} i JOIN ${f('order')} o ON o.id = i.order_id JOIN ${f('product')} p ON p.id = i.product_id JOIN ${f('category')} k ON k.id = p.category_id
        WHERE o.status IN ('paid', 'shipped', 'delivered') GROUP BY 1 ORDER BY sum(i.quantity * i.unit_price) DESC, 1`;
      const rows = (await db.query(sql)).rows.map((r) => ({ ...r, revenue: (r['revenue'] as string).replace(/^(-?\d+)$/, '$1.00') }));
      const q: Question = { measures: ['revenue', 'orders', 'items_sold', 'customers'], dimensions: ['product__category__name'], as_of: AS_OF, limit: 1000 };
      expect(marketReference(q, m.fx.lines).data).toEqual(rows);
      expect(rows.length).toBeGreaterThan(20);
    } finally {
      db.close();
    }
  });
});

describe('marketplace query endpoint: random questions', () => {
  let asked: ReturnType<ReturnType<typeof questionMaker>>[] = [];
  beforeAll(() => {
    const next = questionMaker(rng(SEED));
    asked = Array.from({ length: QUESTIONS }, next);
  });

  answersInBlocks({ seed: SEED, count: QUESTIONS, block: BLOCK, asked: () => asked, ask: post, differs });

  it('asked questions that cover the language, most of them not answered by empty rows', () => {
    const seen = new Set<string>();
    let nonEmpty = 0;
    for (const { question, answer, filter } of asked) {
      for (const m of question.measures) seen.add(`measure ${m}`);
      for (const d of question.dimensions ?? []) seen.add(`dimension ${d}`);
      if (question.time) seen.add(`granularity ${question.time.granularity}`);
      if (filter !== null) seen.add(`filter ${filter}`);
      if (answer.data.some((r) => Object.entries(r).some(([k, v]) => k in MEASURES && v !== 0 && v !== null && v !== '0.00'))) nonEmpty++;
    }
    for (const m of Object.keys(MEASURES)) expect(seen, m).toContain(`measure ${m}`);
    for (const d of DIMS) expect(seen, d).toContain(`dimension ${d}`);
    for (const g of ['day', 'week', 'month', 'quarter', 'year']) expect(seen, g).toContain(`granularity ${g}`);
    FILTERS.forEach((_, i) => expect(seen, `filter ${i}`).toContain(`filter ${i}`));
    expect(nonEmpty).toBeGreaterThan(QUESTIONS * 0.6);
  });
});

describe('marketplace query endpoint: the cases the spec names', () => {
  const ask = async (q: Omit<Question, 'as_of'>, holds?: (l: LineRow) => boolean) => {
    const question = { as_of: AS_OF, ...q } as Question;
    const want = marketReference(question, m.fx.lines, holds);
    return { body: (await check(question, want, 'named case')) as { data: Record<string, Json>[]; columns: { name: string; type: string }[] }, want };
  };

  it('sums money exactly: 0.10 + 0.20 is "0.30", as exact decimal columns', async () => {
    const { body } = await ask({ measures: ['revenue', 'items_sold', 'orders', 'average_order_value'], filters: FILTERS[8]!.json }, (l) => l['order__customer__name'] === "Zoë O'Brien_100%");
    // Her pending order of 100 x 1000.00 does not count.
    expect(body.data).toEqual([{ revenue: '0.30', items_sold: 2, orders: 1, average_order_value: '0.30' }]);
    expect(body.columns).toEqual([{ name: 'revenue', type: 'decimal' }, { name: 'items_sold', type: 'integer' }, { name: 'orders', type: 'integer' }, { name: 'average_order_value', type: 'decimal' }]);
  });

  it('never counts pending or cancelled orders: no group for them, none for a customer who has only such orders', async () => {
    const byStatus = await ask({ measures: ['orders', 'revenue'], dimensions: ['order__status'] });
    expect(byStatus.body.data.map((r) => r['order__status']).sort()).toEqual(['delivered', 'paid', 'shipped']);
    const byCustomer = await ask({ measures: ['revenue'], dimensions: ['order__customer__name'], limit: 100_000 });
    expect(byCustomer.body.data.some((r) => r['order__customer__name'] === 'Pending Only')).toBe(false);
    // Asking for pending orders only finds nothing to count: one row of zeros.
    const none = await ask({ measures: ['revenue', 'orders', 'customers', 'average_order_value'], filters: { field: 'order__status', op: 'eq', value: 'pending' } }, (l) => l['order__status'] === 'pending');
    expect(none.body.data).toEqual([{ revenue: '0.00', orders: 0, customers: 0, average_order_value: null }]);
  });

  it('breaks ties by the dimensions: two products equal in revenue, units and orders come by id', async () => {
    const { body } = await ask({ measures: ['revenue', 'items_sold', 'orders'], dimensions: ['product', 'product__name'], filters: { field: 'product__name', op: 'in', value: ['Tie A', 'Tie B'] } }, (l) => ['Tie A', 'Tie B'].includes(l['product__name'] as string));
    expect(body.data).toEqual([
      { product: 1003, product__name: 'Tie A', revenue: '10.00', items_sold: 2, orders: 1 },
      { product: 1004, product__name: 'Tie B', revenue: '10.00', items_sold: 2, orders: 1 },
    ]);
  });

  it('groups null cities together, after every city', async () => {
    const { body } = await ask({ measures: ['customers', 'revenue'], dimensions: ['order__customer__city'], order: [{ by: 'order__customer__city', dir: 'desc' }], limit: 100_000 });
    expect(body.data.at(-1)!['order__customer__city']).toBeNull();
    expect(body.data.filter((r) => r['order__customer__city'] === null)).toHaveLength(1);
  });

  it('zero-fills empty months and computes growth; a month that depends on the zone', async () => {
    const q = { measures: ['revenue', 'orders'], time: { granularity: 'month' as const, fill: true, compare: 'previous' as const }, start: '2019-01-01', end: '2019-07-01' };
    const utc = await ask({ ...q, tz: 'UTC' });
    expect(utc.body.data.map((r) => [r['period'], r['revenue'], r['revenue_growth']])).toEqual([
      ['2019-01-01', '10.00', null], ['2019-02-01', '0.00', -100], ['2019-03-01', '0.00', null], ['2019-04-01', '10.30', null],
    ]);
    // 2019-04-30 23:30 UTC is May 1 in Berlin.
    const berlin = await ask({ ...q, tz: 'Europe/Berlin' });
    expect(berlin.body.data.map((r) => [r['period'], r['revenue']])).toEqual([['2019-01-01', '10.00'], ['2019-02-01', '0.00'], ['2019-03-01', '0.00'], ['2019-04-01', '10.00'], ['2019-05-01', '0.30']]);
  });

  it('answers as CSV and Arrow with the JSON answer\'s rows (money and ratings as Decimal128 of scale 2, read back exactly)', async () => {
    const next = questionMaker(rng(SEED + 1));
    let rows = 0;
    for (let i = 0; i < 6; i++) {
      const { question, answer } = next();
      await check(question, answer, `seed ${SEED + 1}, question ${i}`);
      const csv = await post({ ...question, format: 'csv' });
      expect(csv.statusCode, csv.body).toBe(200);
      expectCsvEqualsJson(csv.body, answer as unknown as BlogAnswer, `seed ${SEED + 1}, CSV ${i}: ${JSON.stringify(question)}`);
      const arrow = await post({ ...question, format: 'arrow' });
      expect(arrow.statusCode, arrow.body).toBe(200);
      await expectArrowEqualsJson(arrow.rawPayload, answer as unknown as BlogAnswer, `seed ${SEED + 1}, Arrow ${i}: ${JSON.stringify(question)}`);
      rows += answer.data.length;
    }
    expect(rows).toBeGreaterThan(10);
  });

  it('writes ratings (DECIMAL(3,2), nulls too) and money as Decimal128 of scale 2 in Arrow', async () => {
    const question: Question = { measures: ['revenue', 'average_order_value'], dimensions: ['product__rating'], as_of: AS_OF };
    const answer = marketReference(question, m.fx.lines);
    expect(answer.data.some((r) => r['product__rating'] === null)).toBe(true);
    const arrow = await post({ ...question, format: 'arrow' });
    expect(arrow.statusCode, arrow.body).toBe(200);
    await expectArrowEqualsJson(arrow.rawPayload, answer as unknown as BlogAnswer, 'ratings in Arrow');
    const { tableFromIPC } = await import('apache-arrow');
    const scales = tableFromIPC(new Uint8Array(arrow.rawPayload)).schema.fields.map((f) => [f.name, (f.type as { scale?: number }).scale]);
    expect(scales).toEqual([['product__rating', 2], ['revenue', 2], ['average_order_value', 2]]);
  });

  it('answers GET with the same members as query parameters', async () => {
    const q: Question = { measures: ['revenue', 'customers'], dimensions: ['product__category__parent__name'], as_of: AS_OF, tz: 'Asia/Kolkata', time: { granularity: 'quarter', compare: 'previous' }, filters: FILTERS[1]!.json };
    const p = new URLSearchParams({ measures: 'revenue,customers', dimensions: 'product__category__parent__name', as_of: AS_OF, tz: 'Asia/Kolkata', time: JSON.stringify(q.time), filters: JSON.stringify(q.filters) });
    const res = await m.app.inject({ url: `${URL}?${p.toString()}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(differs(res.json() as Record<string, unknown>, marketReference(q, m.fx.lines, (l) => FILTERS[1]!.holds(l, m.fx.lines)))).toBeNull();
  });

  it('refuses unknown measures and dimensions with the nearest name; 400 for a decimal with more digits than it can compare', async () => {
    const bad = async (body: Record<string, unknown>, path: string, mention: string) => {
      const res = await post({ as_of: AS_OF, ...body });
      expect(res.statusCode, res.body).toBe(400);
      const e = res.json() as { error: string; details: { path: string; message: string; suggestion?: string }[] };
      expect(e.details[0]?.path).toBe(path);
      expect(`${e.error} ${e.details[0]!.message} ${e.details[0]!.suggestion ?? ''}`).toContain(mention);
    };
    await bad({ measures: ['revenu'] }, '/measures/0', 'revenue');
    await bad({ measures: ['revenue'], dimensions: ['product__category__nmae'] }, '/dimensions/0', 'product__category__name');
    await bad({ measures: ['revenue'], dimensions: ['order__customer__email'] }, '/dimensions/0', 'order__customer__');
    await bad({ measures: ['revenue'], filters: { field: 'product__price', op: 'gt', value: 'ten' } }, '/filters/value', 'decimal');
  });
});
