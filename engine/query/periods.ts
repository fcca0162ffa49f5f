// Rolling ranges and calendar buckets, one table each.
import type { Granularity } from './nodes.ts';
import type { RangeName } from './spec.ts';

/** How far back a rolling range reaches from `as_of`; `all` has no lower bound. */
export const RANGES: Readonly<Record<RangeName, { readonly days: number | null }>> = {
  day: { days: 1 },
  week: { days: 7 },
  month: { days: 30 },
  year: { days: 365 },
  all: { days: null },
};

/** Calendar buckets: the truncation unit (weeks are ISO weeks, from Monday), the step
 *  between buckets, whether whole UTC days and months make whole buckets (rollups serve
 *  them in UTC), and the texts an answer writes for a bucket (strftime formats; `null`:
 *  the dialect's own, for quarters). */
export const PERIODS: Readonly<
  Record<Granularity, { readonly unit: string; readonly step: string; readonly rollup: 'none' | 'day' | 'month'; readonly period: string; readonly label: string | null }>
> = {
  hour: { unit: 'hour', step: '1 HOUR', rollup: 'none', period: '%Y-%m-%dT%H:00:00', label: '%Y-%m-%d %H:00' },
  day: { unit: 'day', step: '1 DAY', rollup: 'day', period: '%Y-%m-%d', label: '%Y-%m-%d' },
  week: { unit: 'week', step: '7 DAY', rollup: 'day', period: '%Y-%m-%d', label: '%G-W%V' },
  month: { unit: 'month', step: '1 MONTH', rollup: 'month', period: '%Y-%m-%d', label: '%Y-%m' },
  quarter: { unit: 'quarter', step: '3 MONTH', rollup: 'month', period: '%Y-%m-%d', label: null },
  year: { unit: 'year', step: '1 YEAR', rollup: 'month', period: '%Y-%m-%d', label: '%Y' },
};
