// Rolling ranges and calendar periods, one table each.
import type { PeriodName, RangeName } from './spec.ts';

/** How far back a rolling range reaches from `as_of`; `all` has no lower bound. */
export const RANGES: Readonly<Record<RangeName, { readonly days: number | null }>> = {
  day: { days: 1 },
  week: { days: 7 },
  month: { days: 30 },
  year: { days: 365 },
  all: { days: null },
};

/** Calendar buckets: DuckDB's date_trunc unit (weeks are ISO weeks, from Monday), the step
 *  between buckets, and the label format (strftime). */
export const PERIODS: Readonly<Record<PeriodName, { readonly unit: string; readonly step: string; readonly label: string }>> = {
  day: { unit: 'day', step: 'INTERVAL 1 DAY', label: '%Y-%m-%d' },
  week: { unit: 'week', step: 'INTERVAL 7 DAY', label: '%G-W%V' },
  month: { unit: 'month', step: 'INTERVAL 1 MONTH', label: '%Y-%m' },
  year: { unit: 'year', step: 'INTERVAL 1 YEAR', label: '%Y' },
};
