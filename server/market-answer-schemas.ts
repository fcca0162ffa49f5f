// The marketplace's JSON answers (SPEC-marketplace.md), as zod schemas: OpenAPI components
// beside those of answer-schemas.ts, and what the tests check real answers against. Each
// mirrors the answer() of its endpoint (engine/datasets/marketplace/).
import { z } from 'zod';
import { count, rangeApplied, Window, instant } from './answer-schemas.ts';

const money = z.string().regex(/^-?\d+\.\d{2}$/).describe('an exact amount with two decimals');

export const MarketplaceSummaryAnswer = z.object({
  range: rangeApplied,
  data: z.object({
    revenue: money,
    orders: count,
    items_sold: count,
    customers: count,
    products: count,
    average_order_value: money.nullable().describe('revenue / orders, half up; null with no order'),
  }),
  window: Window,
});

const percentNumber = z.number().describe('a percentage with two decimals (exact, rounded half up)');
const compareBucket = z.enum(['day', 'week', 'month', 'year']);

export const MarketplaceRevenueAnswer = z.object({
  compare: compareBucket,
  range: rangeApplied,
  data: z.array(
    z.object({
      period: z.string().describe('the bucket\'s first day, YYYY-MM-DD in tz'),
      label: z.string().describe('2025-11-03, 2025-W45, 2025-11 or 2025'),
      revenue: money,
      orders: count,
      items_sold: count,
      cumulative_revenue: money.describe('revenue from the series\' first bucket to this one'),
      growth: percentNumber.nullable().describe('percent change of revenue against the bucket before; null for the first bucket or after a zero'),
    }),
  ),
  window: Window,
});

export const MarketplaceTopProductsAnswer = z.object({
  by: z.enum(['revenue', 'quantity']),
  range: rangeApplied,
  data: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      category: z.string().describe('the category\'s name'),
      revenue: money,
      quantity: count.describe('units sold'),
      orders: count,
      rank: z.number().int().min(1).describe('rank() by the `by` measure, descending, over every product sold'),
      dense_rank: z.number().int().min(1),
    }),
  ),
  window: Window,
});

export const MarketplaceCategoriesAnswer = z.object({
  range: rangeApplied,
  data: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      parent_id: z.number().int().nullable(),
      revenue: money.describe('its own products\' revenue'),
      quantity: count,
      share: percentNumber.nullable().describe('percent of the window\'s revenue; null where that is 0'),
      subtree_revenue: money.describe('its own and every descendant category\'s revenue'),
    }),
  ),
  window: Window,
});

const paged = {
  range: rangeApplied,
  count: count.describe('rows in all pages'),
  limit: z.number().int(),
  offset: count,
  next: z.string().nullable().describe('path and query of the next page (as_of pinned), or null'),
  previous: z.string().nullable().describe('path and query of the previous page, or null'),
  window: Window,
};
const rating = z.string().regex(/^\d\.\d{2}$/).nullable().describe('0.00 to 5.00, two decimals; null: not rated');

export const MarketplaceProductsAnswer = z.object({
  order_by: z.enum(['revenue', 'quantity', 'price', 'rating', 'name']),
  ...paged,
  data: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      category: z.string(),
      price: money,
      rating,
      is_active: z.boolean(),
      quantity_sold: count.describe('units in counted orders in the window'),
      revenue: money,
      orders: count.describe('counted orders holding the product'),
      last_sold_at: instant.nullable().describe('the last counted order in the window; null: none'),
    }),
  ),
});

const customerFigures = {
  orders: count.describe('counted orders'),
  revenue: money.describe('their spend'),
  average_order_value: money.nullable().describe('revenue / orders, half up; null with no order'),
  first_order_at: instant.nullable(),
  last_order_at: instant.nullable(),
};
const customerRow = {
  id: z.number().int(),
  name: z.string(),
  city: z.string().nullable(),
  ...customerFigures,
  rank: z.number().int().min(1).nullable().describe('rank() by revenue, descending (null: no counted order)'),
  dense_rank: z.number().int().min(1).nullable().describe('dense_rank() by revenue, descending'),
};

export const MarketplaceCustomersAnswer = z.object({
  min_spent: z.string().nullable().describe('the threshold applied (exact decimal text), or null'),
  ...paged,
  data: z.array(z.object(customerRow)),
});

export const MarketplaceCustomerAnswer = z.object({
  range: rangeApplied,
  data: z.object({
    ...customerRow,
    lifetime: z.object(customerFigures).describe('the same figures over all time up to the window\'s end'),
    top_categories: z.array(z.object({ name: z.string(), revenue: money })).max(5).describe('by revenue in the window, descending, then id'),
  }),
  window: Window,
});

export const MarketplaceOrdersAnswer = z.object({
  status: z.enum(['pending', 'paid', 'shipped', 'delivered', 'cancelled']).nullable(),
  min_items: z.number().int().nullable(),
  ...paged,
  data: z.array(
    z.object({
      id: z.number().int(),
      created_at: instant,
      status: z.enum(['pending', 'paid', 'shipped', 'delivered', 'cancelled']),
      customer: z.object({ id: z.number().int(), name: z.string() }),
      items: z.array(z.object({ product_id: z.number().int(), product_name: z.string(), quantity: z.number().int().min(1), unit_price: money, line_total: money })).describe('by item id'),
      item_count: count.describe('sum of quantities'),
      total: money.describe('sum of line totals'),
    }),
  ),
});

const ratio = z.number().min(0).describe('rounded to 4 decimals, half away from zero, from exact integers');

export const MarketplaceAlsoBoughtAnswer = z.object({
  id: z.number().int().describe('the product'),
  basis: z.enum(['customer', 'order']),
  min_together: z.number().int(),
  limit: z.number().int(),
  range: rangeApplied,
  data: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      together: count.describe('baskets holding both products'),
      support: ratio.describe('together / all baskets'),
      confidence: ratio.describe('together / baskets holding the product'),
      lift: ratio.describe('confidence / (baskets holding this one / all baskets)'),
    }),
  ),
  window: Window,
});

export const MarketplaceCohortsAnswer = z.object({
  compare: z.enum(['month', 'week']),
  periods: z.number().int(),
  tz: z.string(),
  range: rangeApplied,
  data: z.array(
    z.object({
      cohort: z.string().describe('the first bucket: YYYY-MM, or YYYY-Www'),
      customers: count.describe('customers whose first counted order in the window is in the bucket'),
      retention: z.array(z.number().min(0).max(100).nullable()).describe('per bucket k after the first: percent of the cohort with a counted order, two decimals; null past the window'),
      revenue: z.array(money.nullable()).describe('per bucket k: the cohort\'s revenue; null past the window'),
    }),
  ),
  window: Window,
});
