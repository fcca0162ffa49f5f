// The marketplace's fixed endpoints (SPEC-marketplace.md section 4) at
// /api/v1/marketplace/<name>: their parameters, the plan each request asks, and the answer
// in the contract's shape. Pure.
import { z } from 'zod';
import type { AnyEndpoint, Columns, Endpoint } from '../../endpoint.ts';
import { common } from '../../request.ts';
import type { Plan } from '../../query/nodes.ts';
import { revenue } from './revenue.ts';
import { topProducts } from './top-products.ts';
import { categories } from './categories.ts';
import { customer } from './customer.ts';
import { customers } from './customers.ts';
import { orders } from './orders.ts';
import { products } from './products.ts';
import { alsoBought } from './also-bought.ts';
import { cohorts } from './cohorts.ts';

/** The marketplace's window defaults to all time (SPEC-marketplace section 4). */
const lastDay = (end: string) => end.slice(0, 10);

export const SummaryParams = z.object({ ...common });
export type SummaryInput = z.output<typeof SummaryParams>;

const SUMMARY_MEASURES = ['revenue', 'orders', 'items_sold', 'customers', 'products', 'average_order_value'] as const;
const SUMMARY_COLUMNS: Columns = [
  ['revenue', 'decimal', 2],
  ['orders', 'int'],
  ['items_sold', 'int'],
  ['customers', 'int'],
  ['products', 'int'],
  ['average_order_value', 'decimal', 2],
];
/** What the measures are over no counted line: sums are zero, not null; the average has no
 *  order to divide by and stays null. */
const EMPTY: Readonly<Record<string, unknown>> = { revenue: '0.00', orders: 0, items_sold: 0, customers: 0, products: 0 };

export const summary: Endpoint<SummaryInput, Plan> = {
  name: 'summary',
  operation: 'MarketplaceSummary',
  answerSchema: 'MarketplaceSummaryAnswer',
  summary: 'Revenue, orders, units, buyers, products sold and average order value in the window',
  schema: SummaryParams,
  defaultRange: 'all',
  filename: (_i, window) => `marketplace-summary-${lastDay(window.end)}`,
  ask: (_i, window, ctx) => ({
    kind: 'aggregate',
    dataset: 'marketplace',
    window,
    filter: ctx.parseFilter(_i.filters),
    dimensions: [],
    measures: [...SUMMARY_MEASURES],
    labels: [],
    order: [],
    nulls: 'keep',
    limit: 1,
    offset: 0,
  }),
  plan: (p) => p,
  answer(_i, range, _plan, result) {
    const row = result.rows[0] ?? {};
    const data: Record<string, unknown> = {};
    for (const m of SUMMARY_MEASURES) data[m] = row[m] ?? EMPTY[m] ?? null;
    return { body: { range, data }, columns: SUMMARY_COLUMNS, data: [data] };
  },
};

/** The marketplace's fixed endpoints by path below /api/v1/marketplace/ (`:id` is a path
 *  parameter, validated with the other members). */
export const MARKETPLACE_ENDPOINTS: Readonly<Record<string, AnyEndpoint>> = {
  summary,
  revenue,
  'top-products': topProducts,
  categories,
  products,
  customers,
  'customers/:id': customer,
  orders,
  'products/:id/also-bought': alsoBought,
  cohorts,
};
