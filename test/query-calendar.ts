// Local wall-clock calendars for the query reference, from Intl's zone data (not DuckDB's):
// the wall time of an instant in a zone, the bucket (hour, day, ISO week, month, quarter,
// year) holding it, the buckets before and after, and the period text the API writes.
// A bucket is its first wall-clock instant, as epoch milliseconds of that wall time read as
// UTC ("naive" time): stepping from bucket to bucket is calendar arithmetic on wall times,
// with no zone involved (see CALENDAR in query-reference.ts).
export type Granularity = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
const walls = new Map<string, number>();

/** The wall-clock time in `tz` of the instant `ms` (epoch milliseconds), as the epoch
 *  milliseconds of that wall time read as UTC. */
export function wallOf(ms: number, tz: string): number {
  const key = `${tz}|${ms}`;
  const known = walls.get(key);
  if (known !== undefined) return known;
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second'])) + (((ms % 1000) + 1000) % 1000);
  walls.set(key, wall);
  return wall;
}

/** The zone's offset from UTC at an instant, in minutes. */
export const offsetMinutes = (ms: number, tz: string): number => Math.round((wallOf(ms, tz) - ms) / 60_000);

/** The bucket holding a wall time. */
export function bucketOf(wall: number, g: Granularity): number {
  const d = new Date(wall);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = Date.UTC(y, m, d.getUTCDate());
  switch (g) {
    case 'hour':
      return day + d.getUTCHours() * HOUR;
    case 'day':
      return day;
    case 'week':
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    case 'month':
      return Date.UTC(y, m, 1);
    case 'quarter':
      return Date.UTC(y, m - (m % 3), 1);
    case 'year':
      return Date.UTC(y, 0, 1);
  }
}

/** The bucket `n` buckets after `b` (before it for negative `n`). */
export function stepBucket(b: number, g: Granularity, n: number): number {
  const d = new Date(b);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (g) {
    case 'hour':
      return b + n * HOUR;
    case 'day':
      return b + n * DAY;
    case 'week':
      return b + 7 * n * DAY;
    case 'month':
      return Date.UTC(y, m + n, 1);
    case 'quarter':
      return Date.UTC(y, m + 3 * n, 1);
    case 'year':
      return Date.UTC(y + n, 0, 1);
  }
}

/** How many buckets run from `a` to `b`, both included (a <= b). */
export function bucketsFromTo(a: number, b: number, g: Granularity): number {
  const months = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
  switch (g) {
    case 'hour':
      return (b - a) / HOUR + 1;
    case 'day':
      return (b - a) / DAY + 1;
    case 'week':
      return (b - a) / (7 * DAY) + 1;
    case 'month':
      return months(b) - months(a) + 1;
    case 'quarter':
      return (months(b) - months(a)) / 3 + 1;
    case 'year':
      return new Date(b).getUTCFullYear() - new Date(a).getUTCFullYear() + 1;
  }
}

/** The `period` value: the bucket's first day, or its first hour for `hour`. */
export function periodText(b: number, g: Granularity): string {
  const iso = new Date(b).toISOString();
  return g === 'hour' ? `${iso.slice(0, 13)}:00:00` : iso.slice(0, 10);
}
