// IANA time zones without a dependency: Intl knows them all (Node ships full ICU).
import { utcMs } from './values.ts';

/** Whether a zone name is one Intl (and so ICU, which DuckDB also uses) knows. */
export function isTimeZone(tz: string): boolean {
  if (tz.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(tz)) return false;
  // Building a formatter costs about a millisecond of the main thread: every request asks.
  const known = zoneChecks.get(tz);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    ok = true;
  } catch {
    ok = false;
  }
  // Bounded: made-up names cannot grow it without limit.
  if (zoneChecks.size >= 2000) zoneChecks.clear();
  zoneChecks.set(tz, ok);
  return ok;
}

const zoneChecks = new Map<string, boolean>();

const formatters = new Map<string, Intl.DateTimeFormat>();
const HOUR = 3_600_000;

/** The zone's offset from UTC, in milliseconds, at an instant. To the second: local mean
 *  times before standard time are offsets like +9:18:59 (Tokyo), and DuckDB keeps them. */
function offsetAt(tz: string, epochMs: number): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', era: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(epochMs)).map((x) => [x.type, x.value]));
  // Intl counts years by era (1 BC, 2 BC, ...); the arithmetic needs year 0, -1, ...
  const year = p['era'] === 'BC' ? 1 - Number(p['year']) : Number(p['year']);
  const asUtc = utcMs(year, Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second']));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** What the wall clock in `tz` shows at an instant, as UTC fields in epoch milliseconds. */
const wall = (tz: string, epochMs: number) => epochMs + offsetAt(tz, epochMs);

/** The first instant at which the wall clock in `tz` shows the local time `localMs` (read
 *  as UTC fields) or later: where that time occurs twice (clocks set back), the earlier;
 *  where it does not occur (clocks set forward over it), the end of the gap, the first
 *  instant that exists after it. So a date's midnight is the first instant of that date,
 *  01:00 where the day begins with a gap (America/Santiago, 2026-09-06). */
export function zonedToUtc(localMs: number, tz: string): number {
  // Every offset in effect around that wall time (offsets stay within +-18 h): each gives
  // one reading of it, valid where the clock does show it then.
  const offsets = new Set<number>();
  for (let h = -24; h <= 24; h += 6) offsets.add(offsetAt(tz, localMs + h * HOUR));
  const readings = [...offsets].map((o) => localMs - o).filter((t) => wall(tz, t) === localMs);
  if (readings.length > 0) return Math.min(...readings);
  // A gap: the clock jumps from before localMs to after it. Between the readings with the
  // largest and the smallest offset lies the jump; find its instant by bisection.
  let lo = localMs - Math.max(...offsets); // the clock shows less than localMs
  let hi = localMs - Math.min(...offsets); // the clock shows more
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (wall(tz, mid) > localMs) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Whether, from `fromMs` to `toMs`, the zone's offset is a whole number of hours and
 *  changes only at whole UTC hours: then each UTC hour is one hour of its wall clock. The
 *  offset read at each UTC midnight, and every hour of the days it differs between. */
export function offsetsOnWholeHours(tz: string, fromMs: number, toMs: number): boolean {
  const DAY = 24 * HOUR;
  const first = Math.floor(fromMs / DAY) * DAY;
  let before = offsetAt(tz, first);
  if (before % HOUR !== 0) return false;
  for (let day = first; day < toMs; day += DAY) {
    const after = offsetAt(tz, day + DAY);
    if (after % HOUR !== 0) return false;
    if (after !== before)
      for (let h = day; h < day + DAY; h += HOUR) {
        // Constant through the hour: its first and last second read the same.
        const o = offsetAt(tz, h);
        if (o % HOUR !== 0 || offsetAt(tz, h + HOUR - 1000) !== o) return false;
      }
    before = after;
  }
  return true;
}

/** Whether the zone's calendar date, over the UTC days around [fromMs, toMs], never goes
 *  back or skips a date and changes at most once strictly inside each UTC day: so that a
 *  UTC day's instants lie on one local date up to a start of the next, and on that after it
 *  (activity-zoned-days.ts). Not so where the clocks went back over midnight to the day
 *  before (Sitka, 1867) or a date was skipped (Samoa, 2011), nor where an offset change put
 *  two local midnights in one UTC day (Dublin, 1916). The offset is read per UTC day, per
 *  hour on a day it changes, per minute in an hour it changes (a change at an odd second,
 *  or at a UTC midnight, may be refused though sound: the plans before then answer). */
export function zoneDaysSplitOnce(tz: string, fromMs: number, toMs: number): boolean {
  const DAY = 24 * HOUR;
  // Asked per request (a few ms over a month with a change): remembered per zone and days.
  const key = `${tz} ${Math.floor(fromMs / DAY)} ${Math.floor(toMs / DAY)}`;
  const known = splitChecks.get(key);
  if (known !== undefined) return known;
  if (splitChecks.size >= 4096) splitChecks.clear();
  const answer = splitOnce(tz, fromMs, toMs);
  splitChecks.set(key, answer);
  return answer;
}
const splitChecks = new Map<string, boolean>();

function splitOnce(tz: string, fromMs: number, toMs: number): boolean {
  const DAY = 24 * HOUR;
  const MINUTE = 60_000;
  const date = (t: number, o: number) => Math.floor((t + o) / DAY);
  let previous: number | undefined;
  for (let day = Math.floor(fromMs / DAY) * DAY - DAY; day <= toMs + DAY; day += DAY) {
    // The day's pieces of one offset: [first instant, offset].
    const pieces: [number, number][] = [[day, offsetAt(tz, day)]];
    const add = (t: number) => {
      const o = offsetAt(tz, t);
      if (o !== pieces[pieces.length - 1]![1]) pieces.push([t, o]);
    };
    if (offsetAt(tz, day + DAY) !== pieces[0]![1])
      for (let h = day + HOUR; h <= day + DAY; h += HOUR)
        if (offsetAt(tz, h) !== offsetAt(tz, h - HOUR)) for (let m = h - HOUR + MINUTE; m <= h; m += MINUTE) add(m);
    const dates: number[] = previous === undefined ? [] : [previous];
    pieces.forEach(([t, o], i) => dates.push(date(t, o), date((i + 1 < pieces.length ? pieces[i + 1]![0] : day + DAY) - 1, o)));
    let rises = 0;
    for (let i = 1; i < dates.length; i++) {
      const step = dates[i]! - dates[i - 1]!;
      if (step < 0 || step > 1) return false;
      // The step from the day before's last instant is at this day's first: not inside it.
      if (i > (previous === undefined ? 0 : 1)) rises += step;
    }
    if (rises > 1) return false;
    previous = dates[dates.length - 1];
  }
  return true;
}
