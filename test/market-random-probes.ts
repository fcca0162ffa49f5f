// How market-random-filters.test.ts asks each marketplace endpoint with a random filter, and
// what brute force says the answer is: per filter root, the endpoints rooted there, each with
// randomly drawn members of its own (windows, zones, orders, limits, thresholds) and its
// reference given the rows the filter selects (by the evaluator over the source rows).
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Json, Value } from './catalog-semantics.ts';
import type { LineRow } from './market-fixture.ts';
import { AS_OF } from './market-endpoints.ts';
import type { WindowMembers } from './market-endpoints.ts';
import { marketReference } from './market-reference.ts';
import { customersReference, ordersReference, productsReference } from './market-lists-reference.ts';
import type { ProductOrder, Source, Win } from './market-lists-reference.ts';
import { alsoBoughtReference, categoriesReference, cohortsReference, revenueReference, topProductsReference } from './market-fixed-references.ts';
import { windowOf } from './query-reference.ts';
import type { Question } from './query-reference.ts';

export interface ProbeContext {
  readonly app: FastifyInstance;
  readonly lines: readonly LineRow[];
  readonly src: Source;
  readonly parentOf: ReadonlyMap<number, number | null>;
}

export interface Case {
  readonly tree: Json;
  /** The keys of the root's rows the tree selects (brute force). */
  readonly selected: ReadonlySet<Value>;
  readonly r: () => number;
  /** Ask by GET (the filter as URL text) rather than POST (a JSON body). */
  readonly get: boolean;
  readonly label: string;
}

export interface Probe {
  readonly name: string;
  check(ctx: ProbeContext, c: Case): Promise<void>;
}

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const WINDOWS: readonly WindowMembers[] = [{}, {}, { range: 'year' }, { start: '2026-01-01', end: '2026-07-01' }, { start: '2019-01-01', end: '2019-06-01', tz: 'Europe/Berlin' }];
/** Windows of the lists (in UTC: their references take a plain span). */
const LIST_WINDOWS: readonly WindowMembers[] = [{}, {}, { range: 'year' }, { start: '2026-01-01', end: '2026-07-01' }];
const SUMMARY = ['revenue', 'orders', 'items_sold', 'customers', 'products', 'average_order_value'];

/** The window's span in epoch microseconds, as the lists' references take it. */
const spanOf = (w: WindowMembers): Win => {
  const s = windowOf({ measures: [], as_of: AS_OF, ...w } as unknown as Question);
  return { start: s.start, end: s.end };
};

/** The endpoint's JSON answer (a 200) to `members` and the case's filter, by GET or POST. */
async function ask(ctx: ProbeContext, c: Case, path: string, members: Record<string, unknown>): Promise<Record<string, unknown>> {
  const body = Object.fromEntries(Object.entries({ as_of: AS_OF, ...members, filters: c.tree }).filter(([, v]) => v !== undefined));
  const query = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])).toString();
  const url = `/api/v1/marketplace/${path}`;
  const res = c.get && query.length < 6000 ? await ctx.app.inject({ method: 'GET', url: `${url}?${query}` }) : await ctx.app.inject({ method: 'POST', url, payload: body });
  expect(res.statusCode, `${c.label}\n${res.body.slice(0, 600)}`).toBe(200);
  return res.json() as Record<string, unknown>;
}

const byLine = (c: Case) => (l: LineRow) => c.selected.has(l['id'] as number);

const ORDER_ITEM: Probe[] = [
  {
    name: 'query',
    async check(ctx, c) {
      // Grouped by the line itself (every selected counted line of a month: many groups
      // cost DuckDB more) or coarser.
      const dimensions = pick(c.r, [['id'], ['product'], ['order__customer'], ['order__status', 'product__is_active'], ['product__category__parent__name'], []]);
      const w = dimensions[0] === 'id' ? { start: '2026-06-01', end: '2026-07-01' } : pick(c.r, WINDOWS);
      const q = { ...w, measures: dimensions.length ? ['revenue', 'items_sold'] : SUMMARY, dimensions };
      const all = marketReference({ ...q, as_of: AS_OF, limit: 100_000 } as never, ctx.lines, byLine(c));
      const page = { ...q, limit: 40, offset: Math.floor(c.r() * all.count) };
      const got = await ask(ctx, { ...c, get: false }, 'query', page);
      expect(got['count'], c.label).toBe(all.count);
      expect(got['data'], c.label).toEqual(all.data.slice(page.offset, page.offset + page.limit));
    },
  },
  {
    name: 'summary',
    async check(ctx, c) {
      const w = pick(c.r, WINDOWS);
      const got = await ask(ctx, c, 'summary', { ...w });
      expect(got['data'], c.label).toEqual(marketReference({ ...w, measures: SUMMARY, as_of: AS_OF } as never, ctx.lines, byLine(c)).data[0]);
    },
  },
  {
    name: 'revenue',
    async check(ctx, c) {
      const w = pick(c.r, WINDOWS);
      const compare = pick(c.r, ['day', 'week', 'month', 'year'] as const);
      const got = await ask(ctx, c, 'revenue', { ...w, compare });
      expect(got['data'], c.label).toEqual(revenueReference(ctx.lines, w, compare, byLine(c)));
    },
  },
  {
    name: 'top-products',
    async check(ctx, c) {
      const w = pick(c.r, WINDOWS);
      const by = pick(c.r, ['revenue', 'quantity'] as const);
      const limit = pick(c.r, [3, 100]);
      const got = await ask(ctx, c, 'top-products', { ...w, by, limit });
      expect(got['data'], c.label).toEqual(topProductsReference(ctx.lines, w, by, limit, byLine(c)));
    },
  },
  {
    name: 'categories',
    async check(ctx, c) {
      const w = pick(c.r, WINDOWS);
      const got = await ask(ctx, c, 'categories', { ...w });
      expect(got['data'], c.label).toEqual(categoriesReference(ctx.lines, ctx.parentOf, w, byLine(c)));
    },
  },
  {
    name: 'also-bought',
    async check(ctx, c) {
      const w = pick(c.r, WINDOWS);
      // A product of a random line: popular products are drawn more often.
      const x = pick(c.r, ctx.lines)['product'] as number;
      const a = { ...w, basis: pick(c.r, ['customer', 'order'] as const), limit: 100 };
      const got = await ask(ctx, c, `products/${x}/also-bought`, a);
      expect(got['data'], c.label).toEqual(alsoBoughtReference(ctx.lines, x, { as_of: AS_OF, ...a }, byLine(c)));
    },
  },
];

const PRODUCT: Probe[] = [
  {
    name: 'products',
    async check(ctx, c) {
      const w = pick(c.r, LIST_WINDOWS);
      const order_by = pick(c.r, ['revenue', 'quantity', 'price', 'rating', 'name'] as ProductOrder[]);
      const active = pick(c.r, [undefined, undefined, true, false]);
      const got = await ask(ctx, c, 'products', { ...w, order_by, active, limit: 1000 });
      const want = productsReference(ctx.src, ctx.lines, spanOf(w), (p) => c.selected.has(p.id) && (active === undefined || p.is_active === active), order_by);
      expect(got['count'], c.label).toBe(want.length);
      expect(got['data'], c.label).toEqual(want);
    },
  },
];

const CUSTOMER: Probe[] = [
  {
    name: 'customers',
    async check(ctx, c) {
      const w = pick(c.r, LIST_WINDOWS);
      const min_spent = pick(c.r, [undefined, undefined, '0', '100.005', '250']);
      const got = await ask(ctx, c, 'customers', { ...w, min_spent, limit: 1000 });
      const want = customersReference(ctx.src, ctx.lines, spanOf(w), (x) => c.selected.has(x.id), min_spent);
      expect(got['count'], c.label).toBe(want.length);
      expect(got['data'], c.label).toEqual(want);
    },
  },
  {
    name: 'cohorts',
    async check(ctx, c) {
      const a = { ...pick(c.r, WINDOWS), compare: pick(c.r, ['month', 'week'] as const), periods: pick(c.r, [3, 12]) };
      const got = await ask(ctx, c, 'cohorts', a);
      expect(got['data'], c.label).toEqual(cohortsReference(ctx.lines, { as_of: AS_OF, ...a }, (x) => c.selected.has(x)));
    },
  },
];

const ORDER: Probe[] = [
  {
    name: 'orders',
    async check(ctx, c) {
      const w = pick(c.r, LIST_WINDOWS);
      const status = pick(c.r, [undefined, undefined, undefined, 'paid', 'pending', 'cancelled']);
      const min_items = pick(c.r, [undefined, undefined, 3]);
      const want = ordersReference(ctx.src, spanOf(w), (o) => c.selected.has(o.id), status, min_items);
      // A page at a random offset (items and totals are the costly part of the answer).
      const offset = Math.floor(c.r() * want.length);
      const got = await ask(ctx, c, 'orders', { ...w, status, min_items, limit: 25, offset });
      expect(got['count'], c.label).toBe(want.length);
      expect(got['data'], c.label).toEqual(want.slice(offset, offset + 25));
    },
  },
];

/** Each filter root's endpoints (SPEC-marketplace section 4). */
export const ROOT_PROBES: Readonly<Record<string, readonly Probe[]>> = { order_item: ORDER_ITEM, product: PRODUCT, customer: CUSTOMER, order: ORDER };
