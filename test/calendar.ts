// Calendar buckets in an IANA zone for the JavaScript references, from Intl's zone data
// (not DuckDB's): the local day of an instant, the day/ISO week/month/year bucket holding
// it, the next bucket, and the bucket's label as the spec writes it (section 5.3).
export const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
export const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// One formatter per zone and one answer per instant: references run synchronously in the
// test's process and must not hold its event loop for long.
const formatters = new Map<string, Intl.DateTimeFormat>();
const localDays = new Map<string, number>();

/** The local calendar day of an instant in `tz`, as midnight UTC of that date. */
export function localDay(ms: number, tz: string): number {
  const key = `${tz}|${ms}`;
  const known = localDays.get(key);
  if (known !== undefined) return known;
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const day = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']));
  localDays.set(key, day);
  return day;
}

export function bucketOf(ms: number, tz: string, period: string): number {
  const d = new Date(localDay(ms, tz));
  if (period === 'day') return d.getTime();
  if (period === 'week') return d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY;
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

export function nextBucket(b: number, period: string): number {
  const d = new Date(b);
  if (period === 'day') return b + DAY;
  if (period === 'week') return b + 7 * DAY;
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
}

export function labelOf(b: number, period: string): string {
  const d = new Date(b);
  if (period === 'day') return ymd(b);
  if (period === 'month') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  if (period === 'year') return String(d.getUTCFullYear());
  const thursday = new Date(b + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY));
  return `${year}-W${pad(week)}`;
}
