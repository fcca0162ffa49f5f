// zoneDaysSplitOnce (engine/zones.ts), the check that lets `active` and `activity-time` in a
// fixed zone read UTC's days (activity-zoned-days.ts): true where every UTC day holds at
// most one start of a local day and the local date neither goes back nor skips, checked
// here against a minute-by-minute walk of the local date with Intl; false at the known
// days where that fails; and long windows not read that way.
import { describe, expect, it } from 'vitest';
import { zoneDaysSplitOnce } from '../engine/zones.ts';
import { MEMBER_ACTIVITY } from '../engine/datasets/members/intervals.ts';
import { zonedDaysPlan } from '../engine/query/activity-zoned-days.ts';
import { MERGED, activityPlan } from './members-activity-db.ts';

const DAY = 86_400_000;
const at = (s: string) => Date.parse(s);

/** The local date (days since 1970) of each minute, by Intl. */
function localDate(tz: string, ms: number): number {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  return Math.round(Date.parse(`${f.format(new Date(ms))}T00:00:00Z`) / DAY);
}

/** The same verdict by walking every minute of the UTC days around the window. */
function walked(tz: string, from: number, to: number): boolean {
  let previous: number | undefined;
  for (let day = Math.floor(from / DAY) * DAY - DAY; day <= to + DAY; day += DAY) {
    let rises = 0;
    for (let t = day; t < day + DAY; t += 60_000) {
      const d = localDate(tz, t);
      if (previous !== undefined) {
        if (d < previous || d > previous + 1) return false;
        if (t > day) rises += d - previous;
      }
      previous = d;
    }
    if (rises > 1) return false;
  }
  return true;
}

describe('zoneDaysSplitOnce', () => {
  it('is false at the days a zone\'s date went back, skipped or started twice in a UTC day', () => {
    expect(zoneDaysSplitOnce('Pacific/Apia', at('2011-12-25'), at('2012-01-05'))).toBe(false);
    expect(zoneDaysSplitOnce('America/Sitka', at('1867-10-15'), at('1867-10-25'))).toBe(false);
    expect(zoneDaysSplitOnce('Europe/Dublin', at('1916-05-18'), at('1916-05-25'))).toBe(false);
  });

  it('agrees with a minute-by-minute walk of the local date around DST changes and odd offsets', () => {
    const cases: [string, string][] = [
      ['Europe/London', '2024-10-20'], ['Europe/London', '2024-03-27'], ['America/Santiago', '2024-04-03'], ['America/Santiago', '2024-09-04'],
      ['America/Havana', '2024-11-01'], ['America/Havana', '2024-03-08'], ['Pacific/Chatham', '2024-04-03'], ['Asia/Kolkata', '2024-04-01'],
      ['Australia/Lord_Howe', '2024-04-05'], ['Atlantic/Azores', '2024-03-28'], ['Pacific/Apia', '2011-12-27'], ['Europe/Dublin', '1916-05-19'],
    ];
    for (const [tz, from] of cases) {
      const [a, b] = [at(from), at(from) + 7 * DAY];
      expect(zoneDaysSplitOnce(tz, a, b), `${tz} ${from}`).toBe(walked(tz, a, b));
    }
    expect(zoneDaysSplitOnce('America/Santiago', at('2024-04-03'), at('2024-04-10'))).toBe(true);
  });

  it('leaves windows of more than 400 days and under a week to the runs', () => {
    const plan = (start: string, end: string) => activityPlan({ kind: 'active', granularity: 'month' }, { start, end }, 'Europe/London');
    expect(zonedDaysPlan(plan('2024-01-01 00:00:00', '2025-01-01 00:00:00'), MEMBER_ACTIVITY, MERGED)).toBe(true);
    expect(zonedDaysPlan(plan('2010-01-01 00:00:00', '2025-01-01 00:00:00'), MEMBER_ACTIVITY, MERGED)).toBe(false);
    expect(zonedDaysPlan(plan('2024-01-01 00:00:00', '2024-01-07 00:00:00'), MEMBER_ACTIVITY, MERGED)).toBe(false);
  });
});
