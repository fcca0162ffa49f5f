// GET/POST /api/v1/marketplace/revenue (SPEC-marketplace section 4): revenue, orders and
// units per calendar bucket in a zone, zero-filled from the first to the last bucket holding
// a counted order, with the running revenue and its growth over the bucket before. One
// series plan; the engine computes the running sum in SQL and the growth exactly
// (results.ts, half away from zero). Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { common } from '../../request.ts';
import type { Plan } from '../../query/nodes.ts';

export const RevenueParams = z.object({
  ...common,
  compare: z.enum(['day', 'week', 'month', 'year']).default('month').describe('calendar period of each bucket (weeks are ISO weeks, from Monday)'),
});
export type RevenueInput = z.output<typeof RevenueParams>;

/** The most buckets an answer holds (SPEC: a page is at most 100,000 rows): 270 years of days. */
export const REVENUE_MAX_BUCKETS = 100_000;

const COLUMNS: Columns = [
  ['period', 'string'],
  ['label', 'string'],
  ['revenue', 'decimal', 2],
  ['orders', 'int'],
  ['items_sold', 'int'],
  ['cumulative_revenue', 'decimal', 2],
  ['growth', 'float'],
];

export const revenue: Endpoint<RevenueInput, Plan> = {
  name: 'revenue',
  operation: 'MarketplaceRevenue',
  answerSchema: 'MarketplaceRevenueAnswer',
  summary: 'Revenue, orders and units per day, week, month or year, with the running revenue and growth',
  schema: RevenueParams,
  defaultRange: 'all',
  filename: (i, window) => `marketplace-revenue-${i.compare}-${window.end.slice(0, 10)}`,
  ask: (i, window, ctx) => ({
    kind: 'series',
    dataset: 'marketplace',
    window,
    filter: ctx.parseFilter(i.filters),
    granularity: i.compare,
    tz: i.tz,
    dimensions: [],
    measures: ['revenue', 'orders', 'items_sold'],
    fill: true,
    compare: ['revenue'],
    running: ['revenue'],
    side: [],
    order: [],
    limit: REVENUE_MAX_BUCKETS,
    offset: 0,
  }),
  plan: (p) => p,
  answer(i, range, _plan, result) {
    const data = result.rows.map((r) => ({
      period: r['period'],
      label: r['label'],
      revenue: r['revenue'],
      orders: r['orders'],
      items_sold: r['items_sold'],
      cumulative_revenue: r['revenue_running'],
      growth: r['revenue_growth'],
    }));
    return { body: { compare: i.compare, range, data }, columns: COLUMNS, data };
  },
};
