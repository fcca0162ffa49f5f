// GET|POST /api/v1/marketplace/products (SPEC-marketplace section 4): every product the
// filter selects, sold or not, with its counted sales in the window; ordered by a figure
// or a column, paged. One list plan over `product` with figures from the order lines.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import type { ListPlan, OrderTerm } from '../../query/nodes.ts';
import { common } from '../../request.ts';
import { allOf, flag, lastDay, leaf, pagedAnswer, paging } from './list-common.ts';

export const ProductsParams = z.object({
  ...common,
  active: flag().optional().describe('only active (`true`) or inactive (`false`) products; absent: all'),
  order_by: z.enum(['revenue', 'quantity', 'price', 'rating', 'name']).default('revenue').describe('numbers descending, `name` ascending; ties by id'),
  ...paging,
});
export type ProductsInput = z.output<typeof ProductsParams>;

const ORDER: Readonly<Record<ProductsInput['order_by'], OrderTerm>> = {
  revenue: { by: 'revenue', dir: 'desc' },
  quantity: { by: 'quantity_sold', dir: 'desc' },
  price: { by: 'price', dir: 'desc' },
  rating: { by: 'rating', dir: 'desc' },
  name: { by: 'name', dir: 'asc' },
};

export const PRODUCT_COLUMNS: Columns = [
  ['id', 'int'],
  ['name', 'string'],
  ['category', 'string'],
  ['price', 'decimal', 2],
  ['rating', 'decimal', 2],
  ['is_active', 'bool'],
  ['quantity_sold', 'int'],
  ['revenue', 'decimal', 2],
  ['orders', 'int'],
  ['last_sold_at', 'string'],
];

export const products: Endpoint<ProductsInput, ListPlan> = {
  name: 'products',
  operation: 'MarketplaceProducts',
  answerSchema: 'MarketplaceProductsAnswer',
  summary: 'Every product the filter selects, sold or not, with its units, revenue, orders and last sale in the window',
  schema: ProductsParams,
  defaultRange: 'all',
  filename: (i, window) => `marketplace-products-${i.order_by}-${lastDay(window)}`,
  ask: (i, window, ctx) => ({
    kind: 'list',
    dataset: 'marketplace',
    table: 'product',
    filter: allOf(ctx.parseFilter(i.filters, '/filters', 'product'), i.active === undefined ? undefined : leaf('is_active', 'eq', i.active)),
    columns: ['id', 'name', 'category__name', 'price', 'rating', 'is_active'],
    children: [],
    measures: {
      via: 'product',
      window,
      counted: true,
      measures: [
        { name: 'quantity_sold', measure: 'items_sold' },
        { name: 'revenue', measure: 'revenue' },
        { name: 'orders', measure: 'orders' },
        { name: 'last_sold_at', time: 'last' },
      ],
      having: [],
    },
    order: [ORDER[i.order_by]],
    limit: i.limit,
    offset: i.offset,
  }),
  plan: (p) => p,
  answer(i, range, _plan, result, link) {
    const rows = result.rows.map((r) => ({
      id: r['id'],
      name: r['name'],
      category: r['category__name'],
      price: r['price'],
      rating: r['rating'],
      is_active: r['is_active'],
      quantity_sold: r['quantity_sold'],
      revenue: r['revenue'],
      orders: r['orders'],
      last_sold_at: r['last_sold_at'],
    }));
    return pagedAnswer(i, range, result.total, rows, PRODUCT_COLUMNS, link, { order_by: i.order_by });
  },
};
