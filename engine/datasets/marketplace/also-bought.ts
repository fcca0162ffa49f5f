// GET/POST /api/v1/marketplace/products/{id}/also-bought (SPEC-marketplace section 4):
// the products found in baskets with a product, as a basket plan. A basket is a customer's
// counted lines in the window, or one counted order; the items are the lines' products.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { common, int } from '../../request.ts';
import type { BasketPlan } from '../../query/nodes.ts';

export const AlsoBoughtParams = z.object({
  ...common,
  // The path's {id} (no describe(): OpenAPI reads the integer's bounds off this schema).
  id: int(1, Number.MAX_SAFE_INTEGER),
  basis: z.enum(['customer', 'order']).default('customer').describe('a basket: all counted lines of a customer in the window, or one counted order'),
  limit: int(1, 100).default(10),
  min_together: int(1, 1_000_000_000).default(1).describe('keep products found in at least this many baskets with the product'),
});
export type AlsoBoughtInput = z.output<typeof AlsoBoughtParams>;

/** What makes a basket, as a field path from the order line. */
const BASIS: Readonly<Record<AlsoBoughtInput['basis'], string>> = { customer: 'order__customer', order: 'order' };

/** The ratios' decimals (SPEC-marketplace section 4). */
const DECIMALS = 4;

const COLUMNS: Columns = [
  ['id', 'int'],
  ['name', 'string'],
  ['together', 'int'],
  ['support', 'float'],
  ['confidence', 'float'],
  ['lift', 'float'],
];

export const alsoBought: Endpoint<AlsoBoughtInput, BasketPlan> = {
  name: 'also-bought',
  operation: 'MarketplaceAlsoBought',
  answerSchema: 'MarketplaceAlsoBoughtAnswer',
  notFound: true,
  summary: 'Products bought with a product: baskets holding both, support, confidence and lift',
  schema: AlsoBoughtParams,
  defaultRange: 'all',
  filename: (i, window) => `marketplace-product-${i.id}-also-bought-${window.end.slice(0, 10)}`,
  ask: (i, window, ctx) => ({
    kind: 'basket',
    requires: [{ table: 'product', key: i.id, path: '/id', message: `no product with id ${i.id}` }],
    dataset: 'marketplace',
    window,
    filter: ctx.parseFilter(i.filters),
    basis: BASIS[i.basis],
    item: 'product',
    of: i.id,
    minTogether: i.min_together,
    decimals: DECIMALS,
    labels: [{ name: 'name', path: 'product__name' }],
    limit: i.limit,
  }),
  plan: (p) => p,
  answer(i, range, _plan, result) {
    const data = result.rows.map((r) => ({ id: r['item'], name: r['name'], together: r['together'], support: r['support'], confidence: r['confidence'], lift: r['lift'] }));
    return { body: { id: i.id, basis: i.basis, min_together: i.min_together, limit: i.limit, range, data }, columns: COLUMNS, data };
  },
};
