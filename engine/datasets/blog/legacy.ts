// The old service's three questions (SPEC.md section 5) as plans of the generic engine, and
// the plans' rows as their answers: views per viewer, viewer country, author or blog (x, y,
// z), and views and new blogs per period with growth. Pure: no I/O.
import { assertNever } from '../../errors.ts';
import { filterLeaves } from '../../filter/parse.ts';
import type { FilterNode } from '../../filter/parse.ts';
import type { AggregatePlan, Plan, SeriesPlan } from '../../query/nodes.ts';
import type { QuerySpec } from './spec.ts';
import type { PlanResult } from '../../results.ts';

// Type aliases, not interfaces: rows must be assignable to Record<string, unknown>.
export type GroupRow = {
  readonly id: number;
  readonly x: string;
  readonly y: number | string;
  readonly z: number;
};

export type SeriesRow = {
  readonly period: string;
  readonly label: string;
  readonly blogs: number;
  readonly views: number;
  readonly growth: number | null;
};

export type AnalyticsResult =
  | { readonly kind: 'grouped'; readonly total: number; readonly rows: GroupRow[] }
  | { readonly kind: 'series'; readonly rows: SeriesRow[] };

/** The objects views are grouped by: the dimension, and what labels a group (x) and, for
 *  blogs, its author (y); the others' y is the distinct blogs viewed. */
const GROUPINGS = {
  viewer_country: { dimension: 'country', x: 'country__name', y: null },
  viewer: { dimension: 'user', x: 'user__display_name', y: null },
  author: { dimension: 'blog__author', x: 'blog__author__display_name', y: null },
  blog: { dimension: 'blog', x: 'blog__title', y: 'blog__author__username' },
} as const;
type GroupingName = keyof typeof GROUPINGS;

const TOP_GROUPING: Readonly<Record<'user' | 'country' | 'blog', GroupingName>> = { user: 'author', country: 'viewer_country', blog: 'blog' };
const OBJECT_GROUPING: Readonly<Record<'country' | 'user', GroupingName>> = { country: 'viewer_country', user: 'viewer' };

/** A path from a view that names the blog or something of the blog's (`blog__author`). */
const isBlogPath = (path: string): boolean => path === 'blog' || path.startsWith('blog__');
const isBlogSide = (n: FilterNode): boolean => filterLeaves(n).every((l) => isBlogPath(l.field));

/** The conjuncts of a filter's top level that name only blog-side fields, as one filter:
 *  what restricts the blogs counted as created per bucket. */
export function blogSideConjuncts(filter: FilterNode | undefined): FilterNode | undefined {
  if (!filter) return undefined;
  const conjuncts = filter.kind === 'and' ? filter.children : [filter];
  const kept = conjuncts.filter(isBlogSide);
  if (kept.length === 0) return undefined;
  return kept.length === 1 ? kept[0] : { kind: 'and', children: kept };
}

function grouped(grouping: GroupingName, spec: Extract<QuerySpec, { kind: 'blog-views' | 'top' }>, offset: number): AggregatePlan {
  const g = GROUPINGS[grouping];
  return {
    kind: 'aggregate',
    dataset: 'blog',
    window: spec.window,
    filter: spec.filter,
    dimensions: [g.dimension],
    measures: g.y === null ? ['blogs', 'views'] : ['views'],
    labels: [{ name: 'x', path: g.x }, ...(g.y === null ? [] : [{ name: 'y', path: g.y }])],
    order: [{ by: 'views', dir: 'desc' }],
    nulls: 'drop',
    limit: spec.limit,
    offset,
  };
}

function performance(spec: Extract<QuerySpec, { kind: 'performance' }>): SeriesPlan {
  // One author's views: a leaf over the blog's author, on the views and on the blogs.
  const author: FilterNode | undefined = spec.userId === null ? undefined : { kind: 'leaf', field: 'blog__author', operator: 'eq', value: spec.userId };
  const and = (a: FilterNode | undefined, b: FilterNode | undefined): FilterNode | undefined => (a && b ? { kind: 'and', children: [a, b] } : (a ?? b));
  return {
    kind: 'series',
    dataset: 'blog',
    ...(spec.userId === null ? {} : { requires: [{ table: 'user', key: spec.userId, path: '/user_id', message: `no user with id ${spec.userId}` }] }),
    window: spec.window,
    filter: and(author, spec.filter),
    granularity: spec.compare,
    tz: spec.tz,
    dimensions: [],
    measures: ['views'],
    fill: true,
    compare: ['views'],
    running: [],
    side: [{ name: 'blogs', relation: 'blog', time: 'created_at', filter: and(author, blogSideConjuncts(spec.filter)) }],
    order: [],
    limit: 1_000_000,
    offset: 0,
  };
}

export function planFor(spec: QuerySpec): Plan {
  switch (spec.kind) {
    case 'blog-views':
      return grouped(OBJECT_GROUPING[spec.objectType], spec, spec.offset);
    case 'top':
      return grouped(TOP_GROUPING[spec.topType], spec, 0);
    case 'performance':
      return performance(spec);
    default:
      return assertNever(spec);
  }
}

/** A plan's rows as the old service's answer to `spec`. */
export function answerOf(spec: QuerySpec, r: PlanResult): AnalyticsResult {
  switch (spec.kind) {
    case 'blog-views':
    case 'top': {
      const counted = spec.kind === 'top' && spec.topType === 'blog';
      const dim = GROUPINGS[spec.kind === 'top' ? TOP_GROUPING[spec.topType] : OBJECT_GROUPING[spec.objectType]].dimension;
      return {
        kind: 'grouped',
        total: r.total,
        rows: r.rows.map((x) => ({ id: x[dim] as number, x: x['x'] as string, y: (counted ? x['y'] : x['blogs']) as number | string, z: x['views'] as number })),
      };
    }
    case 'performance':
      return {
        kind: 'series',
        rows: r.rows.map((x) => ({
          period: x['period'] as string,
          label: x['label'] as string,
          blogs: x['blogs'] as number,
          views: x['views'] as number,
          growth: x['views_growth'] as number | null,
        })),
      };
    default:
      return assertNever(spec);
  }
}
