// Query specs: what a request asks for, as plain data. The server builds them from
// validated input; plans compile them to SQL.
import type { FilterNode } from '../filter/parse.ts';

/** A half-open window of UTC instants: start <= viewed_at < end (start null: unbounded). */
export interface TimeWindow {
  readonly start: string | null;
  readonly end: string;
}

export type RangeName = 'day' | 'week' | 'month' | 'year' | 'all';
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
