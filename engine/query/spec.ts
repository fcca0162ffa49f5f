// The window every question is asked over, and the names of rolling ranges.

/** A half-open window of UTC instants: start <= time < end (start null: unbounded). */
export interface TimeWindow {
  readonly start: string | null;
  readonly end: string;
}

export type RangeName = 'day' | 'week' | 'month' | 'year' | 'all';
