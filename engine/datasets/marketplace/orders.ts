// GET|POST /api/v1/marketplace/orders (SPEC-marketplace section 4): orders of every status
// (or one) in the window, newest first, each with its customer, its items and their sums;
// paged. One list plan over `order`: the items are a child list and the sums figures over
// all the order's lines (counted or not: an order's own total), so that a page of any size
// is one statement.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import type { ListPlan } from '../../query/nodes.ts';
import { common, int } from '../../request.ts';
import { ORDER_STATUSES } from './declaration.ts';
import { allOf, inWindow, lastDay, leaf, pagedAnswer, paging } from './list-common.ts';

export const OrdersParams = z.object({
  ...common,
  min_items: int(0, 1_000_000_000).optional().describe('keep orders whose sum of quantities is strictly greater'),
  status: z.enum(ORDER_STATUSES).optional().describe('one status; absent: every status, counted or not'),
  ...paging,
});
export type OrdersInput = z.output<typeof OrdersParams>;

/** Flat columns (CSV, Arrow): the items are JSON only. */
export const ORDER_COLUMNS: Columns = [
  ['id', 'int'],
  ['created_at', 'string'],
  ['status', 'string'],
  ['customer_id', 'int'],
  ['customer_name', 'string'],
  ['item_count', 'int'],
  ['total', 'decimal', 2],
];

export const orders: Endpoint<OrdersInput, ListPlan> = {
  name: 'orders',
  operation: 'MarketplaceOrders',
  answerSchema: 'MarketplaceOrdersAnswer',
  summary: 'Orders in the window, newest first, with their customer, items, units and total',
  schema: OrdersParams,
  defaultRange: 'all',
  filename: (i, window) => `marketplace-orders${i.status ? `-${i.status}` : ''}-${lastDay(window)}`,
  ask: (i, window, ctx) => ({
    kind: 'list',
    dataset: 'marketplace',
    table: 'order',
    filter: allOf(ctx.parseFilter(i.filters, '/filters', 'order'), inWindow('created_at', window), i.status === undefined ? undefined : leaf('status', 'eq', i.status)),
    columns: ['id', 'created_at', 'status', 'customer', 'customer__name'],
    children: [{ name: 'items', relation: 'items', columns: ['product', 'product__name', 'quantity', 'unit_price', 'line_total'], order: [] }],
    measures: {
      via: 'order',
      window,
      counted: false,
      measures: [
        { name: 'item_count', measure: 'items_sold' },
        { name: 'total', measure: 'revenue' },
      ],
      having: i.min_items === undefined ? [] : [{ name: 'item_count', op: 'gt', value: i.min_items }],
    },
    order: [{ by: 'created_at', dir: 'desc' }],
    limit: i.limit,
    offset: i.offset,
  }),
  plan: (p) => p,
  answer(i, range, _plan, result, link) {
    const rows = result.rows.map((r) => ({
      id: r['id'],
      created_at: r['created_at'],
      status: r['status'],
      customer: { id: r['customer'], name: r['customer__name'] },
      items: (r['items'] as Record<string, unknown>[]).map((x) => ({
        product_id: x['product'],
        product_name: x['product__name'],
        quantity: x['quantity'],
        unit_price: x['unit_price'],
        line_total: x['line_total'],
      })),
      item_count: r['item_count'],
      total: r['total'],
    }));
    const flat = rows.map((r) => ({ ...r, customer_id: r.customer.id, customer_name: r.customer.name }));
    return { ...pagedAnswer(i, range, result.total, rows, ORDER_COLUMNS, link, { status: i.status ?? null, min_items: i.min_items ?? null }), data: flat };
  },
};
