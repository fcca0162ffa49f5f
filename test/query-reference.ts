// The query endpoint's answers (POST /api/v1/blog/query) computed by brute force in
// TypeScript from the source's rows (flat-views.ts: plain joins over the source files, never
// a snapshot): the window from the question's text, the filter by filter-semantics.ts,
// buckets from Intl's zone data (query-calendar.ts), groups and measures in plain loops;
// zero-filling, previous buckets, growth and order are reference-aggregate.ts's, shared with
// the marketplace's reference; every rounding in exact integers.
// It shares no SQL, no plan and no code with the engine.
import { firstInstant } from './series-reference.ts';
import { holds, micros, TYPES } from './filter-semantics.ts';
import type { Json } from './filter-semantics.ts';
import { displayName } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';
import type { Granularity } from './query-calendar.ts';
import { aggregateReference, isoMicros, roundHalfAway, TooBig, whole } from './reference-aggregate.ts';
import type { AggregateAnswer, Value } from './reference-aggregate.ts';

export interface Question {
  measures: string[];
  dimensions?: string[];
  time?: { granularity: Granularity; fill?: boolean; compare?: 'previous' };
  filters?: Json;
  order?: { by: string; dir?: 'asc' | 'desc' }[];
  range?: 'day' | 'week' | 'month' | 'year' | 'all';
  start?: string;
  end?: string;
  as_of?: string;
  tz?: string;
  limit?: number;
  offset?: number;
}

export type ColumnType = 'integer' | 'number' | 'decimal' | 'text' | 'timestamp' | 'datetime' | 'date';
export type Answer = AggregateAnswer<ColumnType>;

export const MEASURES: Record<string, ColumnType> = {
  views: 'integer', blogs: 'integer', viewers: 'integer', total_duration: 'integer',
  avg_duration: 'number', max_duration: 'integer', views_per_viewer: 'decimal',
};
/** The filterable paths (spec section 3) and the two display names. */
export const DIMENSIONS: Record<string, 'integer' | 'text' | 'timestamp'> = { ...TYPES, user__display_name: 'text', blog__author__display_name: 'text' };

/** Fill and the previous bucket step through the wall-clock calendar (one hour, day, ...
 *  after another in local time, as a calendar on the wall shows them), not through
 *  instants: the hour skipped when clocks go forward is a bucket of its own (empty), the
 *  hour repeated when they go back is one bucket. */
export const CALENDAR = 'wall-clock';

export { TooBig, isoMicros };
/** A question whose start is not before its end (a 400). */
export class EmptyWindow extends Error {}

const DAYS: Record<string, number | null> = { day: 1, week: 7, month: 30, year: 365, all: null };

/** Epoch microseconds of a window parameter: a date alone is the first instant of that
 *  local date in `tz`; a date-time without an offset is UTC. */
function instantOf(text: string, tz: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? firstInstant(text, tz) * 1000 : micros(text);
}

export function windowOf(q: Question): { start: number | null; end: number; range: string | null } {
  const tz = q.tz ?? 'UTC';
  const asOf = instantOf(q.as_of!, tz);
  if (q.start !== undefined || q.end !== undefined) {
    const start = q.start === undefined ? null : instantOf(q.start, tz);
    const end = q.end === undefined ? asOf : instantOf(q.end, tz);
    if (start !== null && q.end !== undefined && start >= end) throw new EmptyWindow();
    return { start, end: Math.min(end, asOf), range: null };
  }
  const range = q.range ?? 'all';
  const days = DAYS[range]!;
  return { start: days === null ? null : asOf - days * 86_400_000_000, end: asOf, range };
}

/** A dimension's value on a view: ids, numbers, text, or epoch microseconds for timestamps. */
function dimensionOf(row: ViewRow, path: string): number | string | null {
  if (path === 'user__display_name') return row['user'] === null ? null : displayName(row['user__username'], row['user__first_name'], row['user__last_name']);
  if (path === 'blog__author__display_name') return displayName(row['blog__author__username'], row['blog__author__first_name'], row['blog__author__last_name']);
  const v = row[path] ?? null;
  return v !== null && DIMENSIONS[path] === 'timestamp' ? micros(v as string) : v;
}

interface Cell { n: number; blogs: Set<unknown>; viewers: Set<unknown>; sum: number; max: number }

function measure(name: string, c: Cell | undefined): Value | null {
  const n = c?.n ?? 0;
  switch (name) {
    case 'views': return whole(n);
    case 'blogs': return whole(c?.blogs.size ?? 0);
    case 'viewers': return whole(c?.viewers.size ?? 0);
    case 'total_duration': return whole(c?.sum ?? 0);
    case 'avg_duration': return n === 0 ? null : { json: c!.sum / n, num: BigInt(c!.sum), den: BigInt(n) };
    case 'max_duration': return n === 0 ? null : whole(c!.max);
    case 'views_per_viewer': {
      const v = c?.viewers.size ?? 0;
      if (v === 0) return null;
      const h = roundHalfAway(BigInt(n) * 100n, BigInt(v));
      return { json: `${h / 100n}.${String(h % 100n).padStart(2, '0')}`, num: h, den: 100n };
    }
  }
  throw new Error(`reference: unknown measure ${name}`);
}

export function referenceQuery(q: Question, rows: readonly ViewRow[], maxRows = 20_000): Answer {
  return aggregateReference(q, windowOf(q), rows, {
    counts: (row) => q.filters === undefined || holds(q.filters as { [k: string]: Json }, row),
    dimension: dimensionOf,
    dimensionJson: (d, v) => (v !== null && DIMENSIONS[d] === 'timestamp' ? isoMicros(v as number) : v),
    dimensionKey: (d, v) => (v !== null && DIMENSIONS[d] === 'text' ? Buffer.from(v as string) : (v as number | null)),
    emptyCell: () => ({ n: 0, blogs: new Set(), viewers: new Set(), sum: 0, max: -Infinity }),
    add: (c, row) => {
      const duration = row['duration'] as number;
      c.n++;
      c.blogs.add(row['blog']);
      if (row['user'] !== null) c.viewers.add(row['user']);
      c.sum += duration;
      c.max = Math.max(c.max, duration);
    },
    measure,
    measureKey: (_m, v) => Number(v.num) / Number(v.den),
    measureTypes: MEASURES,
    dimensionTypes: DIMENSIONS,
  }, maxRows);
}
