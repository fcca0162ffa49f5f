// The shapes of the API's JSON answers, as zod schemas: the OpenAPI document's response
// components (z.toJSONSchema), and what test/openapi-document.test.ts checks real answers
// against. Each mirrors the code that shapes the answer: analytics.ts (answer()),
// meta-response.ts, routes/debug-sql.ts (engine/sandbox/shape.ts), routes/admin.ts, errors.ts.
import { z } from 'zod';

const count = z.number().int().min(0);
const instant = z.string().meta({ format: 'date-time', examples: ['2026-11-23T16:19:47.000Z'] });
const rangeApplied = z.enum(['day', 'week', 'month', 'year', 'all']).nullable().describe('the range applied; null where start / end replaced it');

export const ErrorAnswer = z
  .object({
    error: z.string().describe('what went wrong, for people'),
    code: z.enum(['invalid_parameter', 'invalid_filter', 'invalid_time_range', 'unauthorized', 'not_found', 'request_timeout', 'payload_too_large', 'rate_limited', 'internal_error', 'unavailable', 'query_timeout']),
    details: z.array(
      z.object({
        path: z.string().describe('a JSON pointer into the request (query parameters are top-level members)'),
        message: z.string(),
        suggestion: z.string().optional(),
      }),
    ),
  })
  .describe('every refusal, whoever raises it');

export const Window = z
  .object({ start: instant.nullable().describe('null: no lower bound'), end: instant.describe('exclusive') })
  .describe('the instants the answer covered');

export const GroupRow = z.object({
  id: z.number().int().describe('the country, user or blog id'),
  x: z.string().describe('its name (country name, display name or blog title)'),
  y: z.union([count, z.string()]).describe('distinct blogs; for top=blog the author\'s username'),
  z: count.describe('views'),
});

export const BlogViewsAnswer = z.object({
  object_type: z.enum(['country', 'user']),
  range: rangeApplied,
  count: count.describe('groups in all pages'),
  limit: z.number().int(),
  offset: count,
  next: z.string().nullable().describe('path and query of the next page (as_of pinned), or null'),
  previous: z.string().nullable().describe('path and query of the previous page, or null'),
  data: z.array(GroupRow),
  window: Window,
});

export const TopAnswer = z.object({ top_type: z.enum(['user', 'country', 'blog']), range: rangeApplied, data: z.array(GroupRow), window: Window });

export const PerformanceRow = z.object({
  period: z.string().describe('the bucket\'s first day, YYYY-MM-DD in tz'),
  label: z.string(),
  blogs: count.describe('blogs created in the bucket'),
  views: count,
  growth: z.number().nullable().describe('percent change of views against the bucket before, 2 decimals'),
  x: z.string(),
  y: count,
  z: z.number().nullable(),
});

export const PerformanceAnswer = z.object({
  compare: z.enum(['day', 'week', 'month', 'year']),
  user_id: z.number().int().nullable(),
  range: rangeApplied,
  data: z.array(PerformanceRow),
  window: Window,
});

const ColumnType = z.enum(['integer', 'number', 'decimal', 'text', 'timestamp', 'datetime', 'date', 'boolean', 'uuid']);

export const Meta = z.object({
  fields: z.array(z.object({ path: z.string(), type: z.string(), nullable: z.boolean(), operators: z.array(z.string()) })),
  object_types: z.array(z.string()).optional().describe('blog: the object types of blog-views'),
  top_types: z.array(z.string()).optional().describe('blog: the top lists'),
  compare_periods: z.array(z.string()).optional().describe('blog: the performance periods'),
  ranges: z.array(z.string()),
  dataset: z.string().optional().describe('with ?dataset: its name'),
  description: z.string().optional(),
  root: z.string().optional().describe('the table field paths start from'),
  roots: z.array(z.string()).optional().describe('with ?dataset: the tables a filter may start from (?root=TABLE lists their fields)'),
  measures: z.array(z.object({ name: z.string(), kind: z.string(), type: ColumnType, description: z.string() })).optional().describe('with ?dataset: the query endpoint\'s measures'),
  dimensions: z.array(z.object({ path: z.string(), type: z.string() })).optional().describe('with ?dataset: the paths the query endpoint groups by'),
  granularities: z.array(z.string()).optional(),
  snapshot: z.object({
    tables: z.record(z.string(), count),
    first_viewed_at: instant.nullable(),
    last_viewed_at: instant.nullable(),
    loaded_at: instant,
    source: z.string(),
    source_kind: z.enum(['parquet', 'csv', 'pg_dump', 'postgres']),
    synthetic: z.boolean(),
    load_ms: z.number(),
  }),
});

export const DatasetsAnswer = z.object({
  datasets: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      available: z.boolean().describe('a snapshot is open (false: its endpoints answer 503)'),
      measures: z.array(z.string()),
      snapshot: Meta.shape.snapshot.nullable(),
    }),
  ),
});

export const QueryAnswer = z.object({
  columns: z.array(z.object({ name: z.string(), type: ColumnType })).describe('period (with time), the dimensions, then each measure (with _previous and _growth under compare)'),
  data: z.array(z.record(z.string(), z.unknown())).describe('one object per row, keyed by column name; decimals as strings'),
  count: count.describe('rows in all pages'),
  limit: z.number().int(),
  offset: count,
  range: rangeApplied,
  window: Window,
});

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

export const DebugSqlAnswer = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string().describe('DuckDB\'s type') })),
  rows: z.array(z.array(z.unknown())).describe('values in column order (see the README\'s type table)'),
  row_count: count,
  truncated: z.boolean(),
  elapsed_ms: z.number(),
});

export const ReloadAnswer = z.object({ status: z.literal('reloaded'), snapshot: z.record(z.string(), z.unknown()) });
export const HealthAnswer = z.object({ status: z.literal('ok') });
export const ReadyAnswer = z.object({ status: z.literal('ready') });

// The members dataset (SPEC-members section 3): times in the member's own zone, with its
// offset at that instant.
const zonedInstant = z.string().meta({ examples: ['2020-06-20T17:29:00+03:00'] }).describe("ISO 8601 in the member's zone, with its offset at that instant");
const memberRow = {
  id: z.uuid().describe('lowercase'),
  real_name: z.string(),
  tz: z.string().describe('an IANA zone (legacy links such as US/Pacific included)'),
  activity_periods: z
    .array(z.object({ start_time: zonedInstant, end_time: zonedInstant, duration: count.describe('seconds, sub-second parts dropped') }))
    .describe('by start_time, then id; with window parameters, those that overlap the window'),
};

export const MembersAnswer = z.object({
  count: count.describe('members in all pages'),
  limit: z.number().int(),
  offset: count,
  next: z.string().nullable().describe('path and query of the next page (as_of pinned), or null'),
  previous: z.string().nullable().describe('path and query of the previous page, or null'),
  members: z.array(z.object(memberRow)).describe('by id (lowercase text)'),
  window: Window,
});

export const MemberAnswer = z.object({ ...memberRow, window: Window });

export const FetchAnswer = z
  .object({
    ok: z.literal(true),
    members: z
      .array(
        z.object({
          id: z.uuid(),
          real_name: z.string(),
          tz: z.string(),
          activity: z
            .array(z.object({ start_time: z.string().meta({ examples: ['June 20 2020 14:29'] }), end_time: z.string().meta({ examples: ['July 20 2020 14:29'] }) }))
            .describe('by start_time, then id; UTC, to the minute (seconds dropped)'),
        }),
      )
      .describe('by id (lowercase text)'),
  })
  .describe("the old service's answer, streamed");
