// GET|POST /api/v1/marketplace/customers/{id} (SPEC-marketplace section 4): one customer's
// figures in the window (with their rank among every customer with a counted order there),
// the same figures over all time up to the window's end, and their top five categories by
// spend in the window. Three questions, asked as one bundle plan (cached as one). An
// unknown id is a 404; a customer with no counted order answers zero figures and no rank.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { QueryError } from '../../errors.ts';
import type { BundlePlan, ListPlan } from '../../query/nodes.ts';
import type { TimeWindow } from '../../query/spec.ts';
import { common, int } from '../../request.ts';
import { CUSTOMER_COLUMNS, HAS_ORDERS, customerFigures, customerRow } from './customers.ts';
import { lastDay, leaf } from './list-common.ts';

export const CustomerParams = z.object({
  ...common,
  id: int(1, Number.MAX_SAFE_INTEGER).describe('the customer (a path parameter)'),
});
export type CustomerInput = z.output<typeof CustomerParams>;

const TOP_CATEGORIES = 5;
const FIGURES = ['orders', 'revenue', 'average_order_value', 'first_order_at', 'last_order_at'] as const;
/** No counted order: sums and counts are zero, the rest unknown. */
const NONE: Readonly<Record<string, unknown>> = { orders: 0, revenue: '0.00', average_order_value: null, first_order_at: null, last_order_at: null, rank: null, dense_rank: null };

function one(id: number, window: TimeWindow, ranked: boolean): ListPlan {
  return {
    kind: 'list',
    dataset: 'marketplace',
    table: 'customer',
    filter: undefined,
    columns: ['id', 'name', 'city'],
    children: [],
    // Ranked among every customer with a counted order, then picked; unranked, the pick
    // alone (the figures are then read for that customer only).
    measures: customerFigures(window, ranked ? [HAS_ORDERS] : [], ranked),
    pick: [id],
    order: [],
    limit: 1,
    offset: 0,
  };
}

export const CUSTOMER_DETAIL_COLUMNS: Columns = [...CUSTOMER_COLUMNS, ...FIGURES.map((f) => { const [, kind, scale] = CUSTOMER_COLUMNS.find(([c]) => c === f)!; return [`lifetime_${f}`, kind, scale] as const; })];

export const customer: Endpoint<CustomerInput, BundlePlan> = {
  name: 'customers/{id}',
  operation: 'MarketplaceCustomer',
  answerSchema: 'MarketplaceCustomerAnswer',
  notFound: true,
  summary: "One customer's figures in the window and over all time, rank by spend and top five categories",
  schema: CustomerParams,
  defaultRange: 'all',
  filename: (i, window) => `marketplace-customer-${i.id}-${lastDay(window)}`,
  ask(i, window) {
    // The customer is named by id: a filter has nothing to choose.
    if (i.filters !== undefined) throw new QueryError('invalid_parameter', 'customers/{id} takes no filters', [{ path: '/filters', message: 'not a member of this endpoint' }]);
    return {
      kind: 'bundle',
      dataset: 'marketplace',
      requires: [{ table: 'customer', key: i.id, path: '/id', message: `no customer with id ${i.id}` }],
      parts: [
        { name: 'window', plan: one(i.id, window, true) },
        { name: 'lifetime', plan: one(i.id, { start: null, end: window.end }, false) },
        {
          name: 'top_categories',
          plan: {
            kind: 'aggregate',
            dataset: 'marketplace',
            window,
            filter: leaf('order__customer', 'eq', i.id),
            dimensions: ['product__category'],
            labels: [{ name: 'name', path: 'product__category__name' }],
            measures: ['revenue'],
            order: [{ by: 'revenue', dir: 'desc' }],
            nulls: 'drop',
            limit: TOP_CATEGORIES,
            offset: 0,
          },
        },
      ],
    };
  },
  plan: (p) => p,
  answer(i, range, _plan, result) {
    const part = (name: string) => result.parts?.[name]?.rows ?? [];
    const life = part('lifetime')[0] ?? {};
    const inWindow = part('window')[0];
    const base = customerRow({ ...life, ...NONE, ...(inWindow ?? {}), id: i.id, name: life['name'], city: life['city'] ?? null });
    const lifetime = Object.fromEntries(FIGURES.map((f) => [f, life[f] ?? NONE[f]]));
    const top = part('top_categories').map((r) => ({ name: r['name'], revenue: r['revenue'] }));
    const data = { ...base, lifetime, top_categories: top };
    const flat = { ...base, ...Object.fromEntries(FIGURES.map((f) => [`lifetime_${f}`, lifetime[f]])) };
    return { body: { range, data }, columns: CUSTOMER_DETAIL_COLUMNS, data: [flat] };
  },
};
