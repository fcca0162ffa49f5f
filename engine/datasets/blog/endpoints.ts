// The blog dataset's fixed endpoints (SPEC.md section 5): their parameters, the question
// each request asks (spec.ts), and the answer in the old service's shapes. Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { pageLinks } from '../../endpoint.ts';
import { common, int } from '../../request.ts';
import type { TimeWindow } from '../../query/spec.ts';
import { answerOf, planFor } from './legacy.ts';
import type { AnalyticsResult, GroupRow, SeriesRow } from './legacy.ts';
import type { QuerySpec } from './spec.ts';

export const BlogViewsParams = z.object({
  ...common,
  object_type: z.enum(['country', 'user']).default('country').describe('group by the viewer\'s country or by the viewer'),
  limit: int(1, 1000).default(100),
  offset: int(0, 1_000_000_000).default(0),
});

export const TopParams = z.object({
  ...common,
  top: z.enum(['user', 'country', 'blog']).default('user').describe('rank authors, viewer countries or blogs'),
  limit: int(1, 100).default(10),
});

export const PerformanceParams = z.object({
  ...common,
  compare: z.enum(['day', 'week', 'month', 'year']).default('month').describe('calendar period of each bucket'),
  user_id: int(1, Number.MAX_SAFE_INTEGER).optional().describe('the author; absent: all authors'),
});

export type BlogViewsInput = z.output<typeof BlogViewsParams>;
export type TopInput = z.output<typeof TopParams>;
export type PerformanceInput = z.output<typeof PerformanceParams>;

const GROUP_COLUMNS: Columns = [['id', 'int'], ['x', 'string'], ['y', 'int'], ['z', 'int']];

function grouped(result: AnalyticsResult): { total: number; rows: GroupRow[] } {
  if (result.kind !== 'grouped') throw new Error(`expected a grouped result, got ${result.kind}`);
  return result;
}

/** The window's last day (its end is exclusive: the day the window reaches into). */
const lastDay = (w: TimeWindow) => w.end.slice(0, 10);

export const blogViews: Endpoint<BlogViewsInput, QuerySpec> = {
  name: 'blog-views',
  operation: 'BlogViews',
  answerSchema: 'BlogViewsAnswer',
  summary: 'Blogs and views grouped by the viewer\'s country or by the viewer',
  schema: BlogViewsParams,
  defaultRange: 'month',
  filename: (i, window) => `blog-views-${i.object_type}-${lastDay(window)}`,
  ask: (i, window, ctx) => ({ kind: 'blog-views', objectType: i.object_type, window, filter: ctx.parseFilter(i.filters), limit: i.limit, offset: i.offset }),
  plan: planFor,
  answer(i, range, q, result, link) {
    const { total, rows } = grouped(answerOf(q, result));
    const links = pageLinks(i.offset, i.limit, total, link);
    return {
      body: { object_type: i.object_type, range, count: total, limit: i.limit, offset: i.offset, next: links.next, previous: links.previous, data: rows },
      columns: GROUP_COLUMNS,
      data: rows,
      links,
    };
  },
};

export const top: Endpoint<TopInput, QuerySpec> = {
  name: 'top',
  operation: 'Top',
  answerSchema: 'TopAnswer',
  summary: 'The top authors, viewer countries or blogs by views',
  schema: TopParams,
  defaultRange: 'all',
  filename: (i) => `top-${i.top}`,
  ask: (i, window, ctx) => ({ kind: 'top', topType: i.top, window, filter: ctx.parseFilter(i.filters), limit: i.limit }),
  plan: planFor,
  answer(i, range, q, result) {
    const { rows } = grouped(answerOf(q, result));
    const columns: Columns = i.top === 'blog' ? [['id', 'int'], ['x', 'string'], ['y', 'string'], ['z', 'int']] : GROUP_COLUMNS;
    return { body: { top_type: i.top, range, data: rows }, columns, data: rows };
  },
};

export const performance: Endpoint<PerformanceInput, QuerySpec> = {
  name: 'performance',
  operation: 'Performance',
  answerSchema: 'PerformanceAnswer',
  notFound: true,
  summary: 'Views and new blogs per calendar period, with growth over the period before',
  schema: PerformanceParams,
  defaultRange: 'all',
  filename: (i) => (i.user_id === undefined ? `performance-${i.compare}` : `performance-${i.compare}-user-${i.user_id}`),
  ask: (i, window, ctx) => ({ kind: 'performance', compare: i.compare, userId: i.user_id ?? null, window, tz: i.tz, filter: ctx.parseFilter(i.filters) }),
  plan: planFor,
  answer(i, range, q, result) {
    const r = answerOf(q, result);
    if (r.kind !== 'series') throw new Error(`expected a series, got ${r.kind}`);
    // The old service's x / y / z beside the named fields.
    const data = r.rows.map((x: SeriesRow) => ({ ...x, x: `${x.label} (${x.blogs} blogs)`, y: x.views, z: x.growth }));
    const columns: Columns = [['period', 'string'], ['label', 'string'], ['blogs', 'int'], ['views', 'int'], ['growth', 'float'], ['x', 'string'], ['y', 'int'], ['z', 'float']];
    return { body: { compare: i.compare, user_id: i.user_id ?? null, range, data }, columns, data };
  },
};

/** The blog's fixed endpoints, at /api/v1/analytics/<name> (and the old service's paths). */
export const BLOG_ENDPOINTS = { 'blog-views': blogViews, top, performance } as const;
export type BlogEndpointName = keyof typeof BLOG_ENDPOINTS;
