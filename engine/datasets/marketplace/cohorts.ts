// GET/POST /api/v1/marketplace/cohorts (SPEC-marketplace section 4): customers by the
// calendar bucket of their first counted order in the window, with retention and revenue
// per bucket after it, as a cohort plan. The filter is rooted at the customer.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { common, int } from '../../request.ts';
import type { CohortPlan } from '../../query/nodes.ts';

export const CohortsParams = z.object({
  ...common,
  compare: z.enum(['month', 'week']).default('month').describe('cohort buckets: calendar months, or ISO weeks from Monday, in `tz`'),
  periods: int(1, 36).default(12).describe('buckets per cohort, from its first'),
});
export type CohortsInput = z.output<typeof CohortsParams>;

// CSV and Arrow have no list cells: each list is written as its JSON text.
const COLUMNS: Columns = [
  ['cohort', 'string'],
  ['customers', 'int'],
  ['retention', 'string'],
  ['revenue', 'string'],
];

export const cohorts: Endpoint<CohortsInput, CohortPlan> = {
  name: 'cohorts',
  operation: 'MarketplaceCohorts',
  answerSchema: 'MarketplaceCohortsAnswer',
  summary: 'Customers by the month or week of their first counted order, with retention and revenue per bucket after it',
  schema: CohortsParams,
  defaultRange: 'all',
  filename: (i, window) => `marketplace-cohorts-${i.compare}-${window.end.slice(0, 10)}`,
  ask: (i, window, ctx) => ({
    kind: 'cohort',
    dataset: 'marketplace',
    window,
    entity: 'order__customer',
    filter: ctx.parseFilter(i.filters, '/filters', 'customer'),
    granularity: i.compare,
    tz: i.tz,
    periods: i.periods,
    measure: 'revenue',
  }),
  plan: (p) => p,
  answer(i, range, _plan, result) {
    const data = result.rows.map((r) => ({ cohort: r['cohort'], customers: r['customers'], retention: r['retention'], revenue: r['revenue'] }));
    const flat = data.map((r) => ({ ...r, retention: JSON.stringify(r.retention), revenue: JSON.stringify(r.revenue) }));
    return { body: { compare: i.compare, periods: i.periods, tz: i.tz, range, data }, columns: COLUMNS, data: flat };
  },
};
