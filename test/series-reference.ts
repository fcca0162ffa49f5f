// A reference for performance series, independent of the engine and of DuckDB: buckets from
// Intl's time zones, zero-filled in JavaScript, growth rounded in exact integer arithmetic.

const DAY = 86_400_000;
const pad = (n: number | bigint | string, w = 2) => String(n).padStart(w, '0');

/** Epoch ms of a UTC calendar date; any year (Date.UTC reads 0-99 as 1900-1999). */
export function utcDate(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

const ymd = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** The local date in `tz` of an instant, as `YYYY-MM-DD` (years 1-9999). */
export function localDate(ms: number, tz: string): string {
  let f = dayFormats.get(tz);
  if (!f) dayFormats.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${pad(p['year']!, 4)}-${p['month']}-${p['day']}`;
}

const firstInstants = new Map<string, number>();

/** The first instant whose local date in `tz` is `date` (`YYYY-MM-DD`) or later, by brute
 *  force: minute by minute over the hours around it, then second by second (remembered:
 *  references ask for the same windows' bounds again and again). */
export function firstInstant(date: string, tz: string): number {
  const key = `${tz}|${date}`;
  let t = firstInstants.get(key);
  if (t === undefined) firstInstants.set(key, (t = scanFirstInstant(date, tz)));
  return t;
}

function scanFirstInstant(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const from = utcDate(y, m - 1, d) - 16 * 3_600_000;
  let t = from;
  while (localDate(t, tz) < date) t += 60_000;
  if (t === from) throw new Error(`scan for ${date} in ${tz} started too late`);
  let s = t - 60_000;
  while (localDate(s, tz) < date) s += 1000;
  return s;
}

function bucketOf(ms: number, tz: string, period: string): number {
  const [y, m, d] = localDate(ms, tz).split('-').map(Number) as [number, number, number];
  const day = utcDate(y, m - 1, d);
  if (period === 'day') return day;
  if (period === 'week') return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
  if (period === 'month') return utcDate(y, m - 1, 1);
  return utcDate(y, 0, 1);
}

function nextBucket(b: number, period: string): number {
  const d = new Date(b);
  if (period === 'day') return b + DAY;
  if (period === 'week') return b + 7 * DAY;
  if (period === 'month') return utcDate(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return utcDate(d.getUTCFullYear() + 1, 0, 1);
}

function labelOf(b: number, period: string): string {
  if (period === 'day') return ymd(b);
  if (period === 'month') return ymd(b).slice(0, 7);
  if (period === 'year') return ymd(b).slice(0, 4);
  const thursday = new Date(b + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - utcDate(year, 0, 1)) / (7 * DAY));
  return `${pad(year, 4)}-W${pad(week)}`;
}

/** The percent change from `prev` to `views`, rounded to 2 decimals half away from zero,
 *  in exact integers: hundredths of a percent are |views - prev| * 10000 / prev, plus one
 *  where the remainder is at least half of `prev`. */
export function exactGrowth(views: number, prev: number): number | null {
  if (prev === 0) return null;
  const diff = BigInt(views - prev);
  const abs = diff < 0n ? -diff : diff;
  const p = BigInt(prev);
  let hundredths = (abs * 10000n) / p;
  if (2n * ((abs * 10000n) % p) >= p) hundredths += 1n;
  return Number(`${diff < 0n ? '-' : ''}${hundredths / 100n}.${pad(hundredths % 100n)}`);
}

export interface SeriesRowRef {
  period: string;
  label: string;
  blogs: number;
  views: number;
  growth: number | null;
  x: string;
  y: number;
  z: number | null;
}

/** The expected `data` of a performance answer: `views` and `blogs` are the instants (epoch
 *  ms) of the matching views and blog creations inside the window. */
export function expectedSeries(views: readonly number[], blogs: readonly number[], tz: string, period: string): SeriesRowRef[] {
  const count = (xs: readonly number[]) => {
    const m = new Map<number, number>();
    for (const t of xs) {
      const b = bucketOf(t, tz, period);
      m.set(b, (m.get(b) ?? 0) + 1);
    }
    return m;
  };
  const vc = count(views);
  const bc = count(blogs);
  const all = [...vc.keys(), ...bc.keys()];
  if (all.length === 0) return [];
  const out: SeriesRowRef[] = [];
  let prev: number | null = null;
  for (let b = Math.min(...all); b <= Math.max(...all); b = nextBucket(b, period)) {
    const n = vc.get(b) ?? 0;
    const blogsN = bc.get(b) ?? 0;
    const growth = prev === null ? null : exactGrowth(n, prev);
    const label = labelOf(b, period);
    out.push({ period: ymd(b), label, blogs: blogsN, views: n, growth, x: `${label} (${blogsN} blogs)`, y: n, z: growth });
    prev = n;
  }
  return out;
}
