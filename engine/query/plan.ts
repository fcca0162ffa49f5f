// Query spec -> plan: which grouping or series answers it. Plans are plain data with a
// kind tag; compile-plan.ts turns them into SQL.
import { assertNever } from '../errors.ts';
import { filterLeaves } from '../filter/parse.ts';
import type { FilterNode } from '../filter/parse.ts';
import type { PeriodName, QuerySpec, TimeWindow } from './spec.ts';

/** The objects views are grouped by (see GROUPINGS in compile-plan.ts). */
export type GroupingName = 'viewer_country' | 'viewer' | 'author' | 'blog';

export type Plan =
  | {
      readonly kind: 'grouped';
      readonly grouping: GroupingName;
      readonly window: TimeWindow;
      readonly filter: FilterNode | undefined;
      readonly limit: number;
      readonly offset: number;
    }
  | {
      readonly kind: 'series';
      readonly period: PeriodName;
      readonly tz: string;
      readonly window: TimeWindow;
      /** Restricts the views. */
      readonly filter: FilterNode | undefined;
      /** Restricts the blogs counted per bucket: the filter's blog-side top-level conjuncts. */
      readonly blogFilter: FilterNode | undefined;
      readonly authorId: number | null;
    };

const TOP_GROUPING: Readonly<Record<'user' | 'country' | 'blog', GroupingName>> = { user: 'author', country: 'viewer_country', blog: 'blog' };
const OBJECT_GROUPING: Readonly<Record<'country' | 'user', GroupingName>> = { country: 'viewer_country', user: 'viewer' };

/** A path from a view that names the blog or something of the blog's (`blog__author`). */
export const isBlogPath = (path: string): boolean => path === 'blog' || path.startsWith('blog__');

const isBlogSide = (n: FilterNode): boolean => filterLeaves(n).every((l) => isBlogPath(l.field));

/** The conjuncts of a filter's top level that name only blog-side fields, as one filter. */
export function blogSideConjuncts(filter: FilterNode | undefined): FilterNode | undefined {
  if (!filter) return undefined;
  const conjuncts = filter.kind === 'and' ? filter.children : [filter];
  const kept = conjuncts.filter(isBlogSide);
  if (kept.length === 0) return undefined;
  return kept.length === 1 ? kept[0] : { kind: 'and', children: kept };
}

export function planFor(spec: QuerySpec): Plan {
  switch (spec.kind) {
    case 'blog-views':
      return { kind: 'grouped', grouping: OBJECT_GROUPING[spec.objectType], window: spec.window, filter: spec.filter, limit: spec.limit, offset: spec.offset };
    case 'top':
      return { kind: 'grouped', grouping: TOP_GROUPING[spec.topType], window: spec.window, filter: spec.filter, limit: spec.limit, offset: 0 };
    case 'performance':
      return {
        kind: 'series',
        period: spec.compare,
        tz: spec.tz,
        window: spec.window,
        filter: spec.filter,
        blogFilter: blogSideConjuncts(spec.filter),
        authorId: spec.userId,
      };
    default:
      return assertNever(spec);
  }
}
