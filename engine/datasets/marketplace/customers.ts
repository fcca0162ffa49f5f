// GET|POST /api/v1/marketplace/customers (SPEC-marketplace section 4): customers with at
// least one counted order in the window, their spend, first and last order, and their rank
// by spend among every customer listed; paged. One list plan over `customer` with figures
// from the order lines. `min_spent` compares exactly, whatever its number of decimals.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { readDecimal } from '../../decimal.ts';
import type { FilterNode } from '../../filter/parse.ts';
import type { ListPlan, MeasureCondition, RowMeasures } from '../../query/nodes.ts';
import type { TimeWindow } from '../../query/spec.ts';
import { common } from '../../request.ts';
import { lastDay, pagedAnswer, paging } from './list-common.ts';

/** Money beyond this many integer digits is no one's spend (and would not bind exactly). */
const MAX_INT_DIGITS = 30;

const decimal = z
  .union([z.number(), z.string().max(64, 'too long')])
  .transform((v, ctx) => {
    const r = readDecimal(typeof v === 'string' ? v.trim() : v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.reason });
      return z.NEVER;
    }
    if (r.value.intDigits > MAX_INT_DIGITS) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_INT_DIGITS} digits before the point` });
      return z.NEVER;
    }
    return r.value.text;
  });

export const CustomersParams = z.object({
  ...common,
  min_spent: decimal.optional().describe('keep customers whose revenue in the window is strictly greater (a decimal, compared exactly)'),
  ...paging,
});
export type CustomersInput = z.output<typeof CustomersParams>;

/** A customer's figures in a window: counted orders, spend, first and last order. */
export function customerFigures(window: TimeWindow, having: readonly MeasureCondition[], rank: boolean): RowMeasures {
  return {
    via: 'order__customer',
    window,
    counted: true,
    measures: [
      { name: 'orders', measure: 'orders' },
      { name: 'revenue', measure: 'revenue' },
      { name: 'average_order_value', measure: 'average_order_value' },
      { name: 'first_order_at', time: 'first' },
      { name: 'last_order_at', time: 'last' },
    ],
    having,
    ...(rank ? { rank: { by: 'revenue', rank: 'rank', denseRank: 'dense_rank' } } : {}),
  };
}

/** Customers with a counted order in the window: more than none. */
export const HAS_ORDERS: MeasureCondition = { name: 'orders', op: 'gt', value: 0 };

export const CUSTOMER_COLUMNS: Columns = [
  ['id', 'int'],
  ['name', 'string'],
  ['city', 'string'],
  ['orders', 'int'],
  ['revenue', 'decimal', 2],
  ['average_order_value', 'decimal', 2],
  ['first_order_at', 'string'],
  ['last_order_at', 'string'],
  ['rank', 'int'],
  ['dense_rank', 'int'],
];

export const customerRow = (r: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(CUSTOMER_COLUMNS.map(([c]) => [c, r[c] ?? null]));

export function customersPlan(window: TimeWindow, filter: FilterNode | undefined, minSpent: string | undefined, page: { limit: number; offset: number }): ListPlan {
  const having = [HAS_ORDERS, ...(minSpent === undefined ? [] : [{ name: 'revenue', op: 'gt', value: minSpent } as const])];
  return {
    kind: 'list',
    dataset: 'marketplace',
    table: 'customer',
    filter,
    columns: ['id', 'name', 'city'],
    children: [],
    measures: customerFigures(window, having, true),
    order: [{ by: 'revenue', dir: 'desc' }],
    limit: page.limit,
    offset: page.offset,
  };
}

export const customers: Endpoint<CustomersInput, ListPlan> = {
  name: 'customers',
  operation: 'MarketplaceCustomers',
  answerSchema: 'MarketplaceCustomersAnswer',
  summary: 'Customers with a counted order in the window, by spend, with their rank, orders and first and last order',
  schema: CustomersParams,
  defaultRange: 'all',
  filename: (_i, window) => `marketplace-customers-${lastDay(window)}`,
  ask: (i, window, ctx) => customersPlan(window, ctx.parseFilter(i.filters, '/filters', 'customer'), i.min_spent, i),
  plan: (p) => p,
  answer(i, range, _plan, result, link) {
    return pagedAnswer(i, range, result.total, result.rows.map(customerRow), CUSTOMER_COLUMNS, link, { min_spent: i.min_spent ?? null });
  },
};
