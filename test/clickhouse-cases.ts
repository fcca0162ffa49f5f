// The conformance test's table (clickhouse-conformance.test.ts): per dataset, its awkward
// fixture (a DuckDB snapshot imported the ordinary way), the requests of its fixed endpoints,
// and a maker of random questions for its query endpoint. Another dataset is one more entry.
import { blogDataset } from '../engine/datasets/blog/declaration.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { marketFixture } from './market-fixture.ts';
import type { LineRow } from './market-fixture.ts';
import { queryFixture } from './query-fixture.ts';
import { questionMaker, ZONES } from './query-questions.ts';
import { textValue } from './filter-trees.ts';
import { members } from './clickhouse-members.ts';
import type { ConformanceCase, Request } from './clickhouse-case.ts';

export type { ConformanceCase, Request } from './clickhouse-case.ts';

const AS_OF = '2027-01-01T00:00:00Z';
const qs = (o: Record<string, unknown>) => new URLSearchParams(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
const get = (path: string, members: Record<string, unknown>): Request => ({ method: 'GET', url: `${path}?${qs(members)}` });

/** Windows in every form: rolling ranges, dates in a zone, instants with offsets and
 *  microseconds, across DST changes. */
const WINDOWS: readonly Record<string, unknown>[] = [
  {},
  { range: 'all' },
  { range: 'year' },
  { range: 'week', as_of: '2026-03-29T02:30:00+01:00' },
  { range: 'month', as_of: '2025-10-26T01:00:00.000001Z', tz: 'Europe/Berlin' },
  { start: '2024-03-01', end: '2025-11-03', tz: 'America/Santiago' },
  { start: '2023-12-31T23:59:59.999999Z', end: '2026-01-01T00:00:00.000001Z', tz: 'Pacific/Chatham' },
  { range: 'all', tz: 'Asia/Kathmandu' },
];

const BLOG_FILTERS: readonly unknown[] = [
  undefined,
  { field: 'country__name', op: 'contains', value: '%' },
  { or: [{ field: 'user__username', op: 'icontains', value: "o'b" }, { field: 'blog__title', op: 'regex', value: '(?i)^[a-m]' }] },
  { not: { field: 'country', op: 'isnull', value: true } },
  { field: 'user__username', op: 'in', value: ['alice', 'Alice', 'émile', 'pct%', 'quote"d', '😀emoji', 'blank'] },
  { field: 'duration', op: 'between', value: [0, 2147483647] },
  { field: 'blog__author__username', op: 'startswith', value: '\\' },
  // Values at the types' limits.
  { and: [{ field: 'viewed_at', op: 'gt', value: '0001-01-01T00:00:00Z' }, { field: 'viewed_at', op: 'lt', value: '9999-12-31T23:59:59.999999Z' }] },
  { or: [{ field: 'duration', op: 'lt', value: 9007199254740991 }, { field: 'id', op: 'in', value: [-9007199254740991, 0, 1, 2, 3, 4, 5] }] },
  { field: 'blog__title', op: 'regex', value: "[%_\\\\'\"]|日本|\\p{Lu}{2}" },
];

function blogFixed(): Request[] {
  const out: Request[] = [];
  const withFilter = (m: Record<string, unknown>, i: number) => {
    const f = BLOG_FILTERS[i % BLOG_FILTERS.length];
    return f === undefined ? m : { ...m, filters: f };
  };
  WINDOWS.forEach((w, i) => {
    const base = { as_of: AS_OF, ...w };
    for (const object_type of ['country', 'user']) out.push(get('/api/v1/analytics/blog-views', withFilter({ ...base, object_type, limit: 7, offset: i % 3 === 0 ? 0 : 3 }, i)));
    for (const top of ['user', 'country', 'blog']) out.push(get('/api/v1/analytics/top', withFilter({ ...base, top, limit: 9 }, i + 1)));
    for (const compare of ['day', 'week', 'month', 'year']) {
      if (compare === 'day' && (w['range'] === 'all' || w['range'] === undefined)) continue;
      out.push(get('/api/v1/analytics/performance', withFilter({ ...base, compare, ...(i % 2 ? { user_id: 1 + (i % 5) } : {}) }, i + 2)));
    }
  });
  // The old service's path and an author who does not exist (404 on both).
  out.push(get('/analytics/blog-views/', { as_of: AS_OF, range: 'all' }));
  out.push(get('/api/v1/analytics/performance', { as_of: AS_OF, user_id: 999999 }));
  // Refusals: a filled series past its bound (the database refuses it as it runs), a pattern
  // RE2 does not take.
  out.push({ method: 'POST', url: '/api/v1/blog/query', body: { measures: ['views'], dimensions: ['user', 'blog'], time: { granularity: 'hour', fill: true }, range: 'all', as_of: AS_OF } });
  out.push({ method: 'POST', url: '/api/v1/blog/query', body: { measures: ['views'], filters: { field: 'blog__title', op: 'regex', value: '(' }, as_of: AS_OF } });
  return out;
}

const blog: ConformanceCase = {
  dataset: blogDataset,
  async build(dir) {
    const fx = await queryFixture(dir);
    const makers = new Map<() => number, () => { question: unknown }>();
    return {
      db: fx.db,
      fixed: blogFixed(),
      question: (r) => {
        let make = makers.get(r);
        if (!make) makers.set(r, (make = questionMaker(r, fx.rows, { simple: 0.2 })));
        return make().question;
      },
    };
  },
};

const MARKET_DIMENSIONS = ['product', 'product__name', 'product__category', 'product__category__name', 'product__category__parent__name', 'order__status',
  'order__customer', 'order__customer__city', 'order__customer__name', 'product__is_active', 'product__rating', 'order', 'quantity', 'unit_price'];

function marketFilter(r: () => number, lines: readonly LineRow[]): unknown {
  const line = lines[Math.floor(r() * lines.length)]!;
  const leaves: (() => unknown)[] = [
    () => ({ field: 'order__customer__city', op: r() < 0.5 ? 'isnull' : 'contains', value: r() < 0.5 ? true : textValue(r, line['order__customer__city'] as string | null, ['%', '_', '\\', "'", 'é']) }),
    () => ({ field: 'product__name', op: ['contains', 'startswith', 'endswith', 'iexact', 'regex'][Math.floor(r() * 5)], value: textValue(r, line['product__name'] as string, ['%', '_', '\\', "'", 'ÉTÉ', '日本']) }),
    () => ({ field: 'product__price', op: ['gte', 'lt', 'eq'][Math.floor(r() * 3)], value: line['product__price'] }),
    () => ({ field: 'unit_price', op: 'between', value: ['0.00', line['unit_price']] }),
    () => ({ field: 'order__status', op: r() < 0.5 ? 'in' : 'ne', value: r() < 0.5 ? ['paid', 'shipped', 'delivered', 'cancelled', 'pending'].slice(0, 1 + Math.floor(r() * 5)) : 'paid' }),
    () => ({ field: 'product__rating', op: r() < 0.5 ? 'isnull' : 'gt', value: r() < 0.5 ? false : '4.50' }),
    () => ({ field: 'product__is_active', op: 'eq', value: r() < 0.5 }),
    () => ({ field: 'order__customer', op: 'in', value: Array.from({ length: 1 + Math.floor(r() * 8) }, () => lines[Math.floor(r() * lines.length)]!['order__customer']) }),
  ];
  const leaf = () => leaves[Math.floor(r() * leaves.length)]!();
  const f = r();
  return f < 0.4 ? leaf() : f < 0.6 ? { and: [leaf(), leaf()] } : f < 0.75 ? { or: [leaf(), { not: leaf() }] } : undefined;
}

function marketQuestion(r: () => number, lines: readonly LineRow[]): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const measures = Object.keys(marketplaceDataset.measures).filter(() => r() < 0.45);
  const q: Record<string, unknown> = { measures: measures.length ? measures : ['revenue'], as_of: AS_OF };
  const nd = pick([0, 1, 1, 2]);
  if (nd) q['dimensions'] = [...new Set(Array.from({ length: nd }, () => pick(MARKET_DIMENSIONS)))];
  if (r() < 0.5) q['time'] = { granularity: pick(['hour', 'day', 'week', 'month', 'quarter', 'year']), ...(r() < 0.4 ? { fill: true } : {}), ...(r() < 0.4 ? { compare: 'previous' } : {}) };
  const tz = pick(ZONES);
  if (tz !== 'UTC') q['tz'] = tz;
  const w = pick(WINDOWS);
  Object.assign(q, w, tz !== 'UTC' ? { tz } : {});
  // An hourly series over years is refused the same way on both; keep most answers real.
  if ((q['time'] as { granularity?: string } | undefined)?.granularity === 'hour') Object.assign(q, { range: 'week', start: undefined, end: undefined });
  const f = marketFilter(r, lines);
  if (f !== undefined) q['filters'] = f;
  if (r() < 0.4) q['order'] = [{ by: pick(q['measures'] as string[]), dir: pick(['asc', 'desc']) }];
  q['limit'] = pick([5, 100, 100_000]);
  if (r() < 0.3) q['offset'] = 2;
  return JSON.parse(JSON.stringify(q));
}

function marketFixed(lines: readonly LineRow[]): Request[] {
  const out: Request[] = [];
  const m = (path: string, members: Record<string, unknown>) => get(`/api/v1/marketplace/${path}`, { as_of: AS_OF, ...members });
  const product = lines[0]!['product'];
  const customer = lines[3]!['order__customer'];
  WINDOWS.forEach((w, i) => {
    out.push(m('summary', w));
    for (const compare of ['day', 'week', 'month', 'year']) if (compare !== 'day' || w['range'] === 'week') out.push(m('revenue', { ...w, compare }));
    for (const by of ['revenue', 'quantity']) out.push(m('top-products', { ...w, by, limit: 7 }));
    out.push(m('categories', w));
    out.push(m('cohorts', { ...w, compare: i % 2 ? 'week' : 'month', periods: 6 }));
    out.push(m(`products/${product}/also-bought`, { ...w, basis: i % 2 ? 'order' : 'customer', limit: 5 }));
    out.push(m(`customers/${customer}`, w));
  });
  for (const order_by of ['revenue', 'quantity', 'price', 'rating', 'name']) out.push(m('products', { order_by, limit: 13, offset: 5 }));
  out.push(m('products', { order_by: 'name', active: false, range: 'year' }));
  out.push(m('customers', { min_spent: '1000.005', limit: 9 }));
  out.push(m('customers', { limit: 9, offset: 9, range: 'all' }));
  out.push(m('customers', { range: 'month', as_of: '2026-10-15T00:00:00Z' }));
  out.push(m('orders', { min_items: 3, limit: 7 }));
  out.push(m('orders', { status: 'cancelled', range: 'all', limit: 5, offset: 2 }));
  out.push(m('orders', { status: 'pending', range: 'year', tz: 'Europe/Berlin' }));
  out.push(m('customers/99999999', {}));
  out.push(m('products/99999999/also-bought', {}));
  return out;
}

const marketplace: ConformanceCase = {
  dataset: marketplaceDataset,
  async build(dir) {
    const fx = await marketFixture(dir);
    return { db: fx.db, fixed: marketFixed(fx.lines), question: (r) => marketQuestion(r, fx.lines) };
  },
};

/** Every dataset the conformance test covers. */
export const CASES: readonly ConformanceCase[] = [blog, marketplace, members];
