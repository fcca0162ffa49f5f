// The blog's three questions as its requests ask them, normalised (defaults applied, the
// window resolved, the filter parsed): plain data, which legacy.ts turns into plans.
import type { FilterNode } from '../../filter/parse.ts';
import type { TimeWindow } from '../../query/spec.ts';

export type PeriodName = 'day' | 'week' | 'month' | 'year';
export type ObjectType = 'country' | 'user';
export type TopType = 'user' | 'country' | 'blog';

export type QuerySpec =
  | {
      readonly kind: 'blog-views';
      readonly objectType: ObjectType;
      readonly window: TimeWindow;
      readonly filter: FilterNode | undefined;
      readonly limit: number;
      readonly offset: number;
    }
  | {
      readonly kind: 'top';
      readonly topType: TopType;
      readonly window: TimeWindow;
      readonly filter: FilterNode | undefined;
      readonly limit: number;
    }
  | {
      readonly kind: 'performance';
      readonly compare: PeriodName;
      readonly userId: number | null;
      readonly window: TimeWindow;
      readonly tz: string;
      readonly filter: FilterNode | undefined;
    };
