// GET/POST /api/v1/marketplace/categories (SPEC-marketplace section 4): revenue and units per
// category with counted sales in the window, each category's share of the window's revenue,
// and its subtree's revenue (its own and every descendant's, at any depth: the plan's
// `subtree` over the category table's acyclic `parent` relation). Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { common } from '../../request.ts';
import type { Plan } from '../../query/nodes.ts';
import { percent, units } from '../../results.ts';

export const CategoriesParams = z.object({ ...common });
export type CategoriesInput = z.output<typeof CategoriesParams>;

/** Every category in one answer: a category table past this many sold in one window is out
 *  of this endpoint's reach (the share's total is summed over the rows answered). */
export const CATEGORIES_MAX = 100_000;

const COLUMNS: Columns = [
  ['id', 'int'],
  ['name', 'string'],
  ['parent_id', 'int'],
  ['revenue', 'decimal', 2],
  ['quantity', 'int'],
  ['share', 'float'],
  ['subtree_revenue', 'decimal', 2],
];

/** `part` as a percentage of `whole` (money as exact text), two decimals rounded half up
 *  (revenue is never negative: the same as half away from zero), in integers; null where
 *  the window's revenue is 0. */
export function shareOf(part: unknown, whole: bigint): number | null {
  const p = units(part, 2);
  return p === undefined || whole === 0n ? null : percent(p, whole);
}

export const categories: Endpoint<CategoriesInput, Plan> = {
  name: 'categories',
  operation: 'MarketplaceCategories',
  answerSchema: 'MarketplaceCategoriesAnswer',
  summary: 'Revenue and units per category, with its share of the window\'s revenue and its subtree\'s revenue',
  schema: CategoriesParams,
  defaultRange: 'all',
  filename: (_i, window) => `marketplace-categories-${window.end.slice(0, 10)}`,
  ask: (i, window, ctx) => ({
    kind: 'aggregate',
    dataset: 'marketplace',
    window,
    filter: ctx.parseFilter(i.filters),
    dimensions: ['product__category'],
    labels: [
      { name: 'name', path: 'product__category__name' },
      { name: 'parent_id', path: 'product__category__parent' },
    ],
    measures: ['revenue', 'items_sold'],
    subtree: { relation: 'parent', sums: [{ measure: 'revenue', name: 'subtree_revenue' }] },
    // Ties: the category id ascending (the dimension).
    order: [{ by: 'revenue', dir: 'desc' }],
    nulls: 'drop',
    limit: CATEGORIES_MAX,
    offset: 0,
  }),
  plan: (p) => p,
  answer(_i, range, _plan, result) {
    // Every line has one category: the window's revenue is the sum over the categories.
    const whole = result.rows.reduce((s, r) => s + (units(r['revenue'], 2) ?? 0n), 0n);
    const data = result.rows.map((r) => ({
      id: r['product__category'],
      name: r['name'],
      parent_id: r['parent_id'],
      revenue: r['revenue'],
      quantity: r['items_sold'],
      share: shareOf(r['revenue'], whole),
      subtree_revenue: r['subtree_revenue'],
    }));
    return { body: { range, data }, columns: COLUMNS, data };
  },
};
