// GET/POST /api/v1/marketplace/top-products (SPEC-marketplace section 4): the best-selling
// products by revenue or by units, with their name and category, and SQL's rank() and
// dense_rank() over every product sold (before the limit). One aggregate plan grouped by
// the product. Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { common, int } from '../../request.ts';
import type { Plan } from '../../query/nodes.ts';

export const TopProductsParams = z.object({
  ...common,
  by: z.enum(['revenue', 'quantity']).default('revenue').describe('rank by revenue or by units sold'),
  limit: int(1, 100).default(10),
});
export type TopProductsInput = z.output<typeof TopProductsParams>;

/** The answer's `quantity` is the dataset's `items_sold`. */
const MEASURE = { revenue: 'revenue', quantity: 'items_sold' } as const;

const COLUMNS: Columns = [
  ['id', 'int'],
  ['name', 'string'],
  ['category', 'string'],
  ['revenue', 'decimal', 2],
  ['quantity', 'int'],
  ['orders', 'int'],
  ['rank', 'int'],
  ['dense_rank', 'int'],
];

export const topProducts: Endpoint<TopProductsInput, Plan> = {
  name: 'top-products',
  operation: 'MarketplaceTopProducts',
  answerSchema: 'MarketplaceTopProductsAnswer',
  summary: 'The best-selling products by revenue or units, with rank and dense rank',
  schema: TopProductsParams,
  defaultRange: 'all',
  filename: (i, window) => `marketplace-top-products-${i.by}-${window.end.slice(0, 10)}`,
  ask: (i, window, ctx) => ({
    kind: 'aggregate',
    dataset: 'marketplace',
    window,
    filter: ctx.parseFilter(i.filters),
    dimensions: ['product'],
    labels: [
      { name: 'name', path: 'product__name' },
      { name: 'category', path: 'product__category__name' },
    ],
    measures: ['revenue', 'items_sold', 'orders'],
    // Ties: the product id ascending (the dimension), as every aggregate breaks them.
    order: [{ by: MEASURE[i.by], dir: 'desc' }],
    rank: { by: MEASURE[i.by], rank: 'rank', denseRank: 'dense_rank' },
    nulls: 'drop',
    limit: i.limit,
    offset: 0,
  }),
  plan: (p) => p,
  answer(i, range, _plan, result) {
    const data = result.rows.map((r) => ({
      id: r['product'],
      name: r['name'],
      category: r['category'],
      revenue: r['revenue'],
      quantity: r['items_sold'],
      orders: r['orders'],
      rank: r['rank'],
      dense_rank: r['dense_rank'],
    }));
    return { body: { by: i.by, range, data }, columns: COLUMNS, data };
  },
};
