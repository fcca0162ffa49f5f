// A fixed zone's calendar days from UTC's days table (activity-days.ts, clock 0): `active`
// in a zone other than UTC without a span cut per zone offset at request time.
//
// A UTC day holds at most one start of a day of the zone strictly inside it (zones whose
// days all last more than the hour a UTC day's start may lie after one: every zone the
// plan checks, with Intl's data, over the window; the query checks again): its instants
// before that start are one local day (`la`), those after it the next (`lb`). So an
// entity's activity in a UTC day lies on `la`, `lb` or both, and which follows from its
// first and last active instants; the day before (the last local day of its previous
// activity) from the stored previous day's last instant. Each stored UTC day of the window
// is then a span of one or two local days, `(d0, d1, dp)`, for active's stretches. The UTC
// days the window cuts (at most its first and last) are its runs there, clipped to them.
// Pure: SQL text.
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { zoneDaysSplitOnce } from '../zones.ts';
import { DAY_COLUMNS, DAYS_MIN_WINDOW_US, daysRead } from './activity-days.ts';
import { readsMerged } from './activity-sources.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { DAY_US, HOUR_US, epochUs, offsetsOnWholeHoursGuard } from './zone-segments.ts';
import { DAY_HOUR_COLUMNS } from './activity-day-hours.ts';

/** The longest window read this way: the zone check reads Intl's offsets per day of the
 *  window at compile time, and the days' table (zu) pairs every UTC day with every local
 *  day (a window of years cost seconds either way, found by review; the runs' plan takes
 *  ~0.1 s there on small data). */
export const ZONED_DAYS_MAX_US = 400 * DAY_US;

/** Whether `active` reads UTC's days for the plan's fixed zone: the days table is there
 *  (with the merged runs), the zone is not UTC, the window bounded, a week to 400 days
 *  long, and no UTC day of it holds two starts of the zone's days. */
export function zonedDaysPlan(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): boolean {
  if (def.days === undefined || !readsMerged(def, options) || options.intervalTables?.has(def.days) !== true) return false;
  if (plan.zone.kind !== 'fixed' || plan.zone.tz === 'UTC' || plan.window.start === null) return false;
  const [ws, we] = [epochUs(plan.window.start), epochUs(plan.window.end)];
  return Number.isFinite(we - ws) && we - ws >= DAYS_MIN_WINDOW_US && we - ws <= ZONED_DAYS_MAX_US && zoneDaysSplitOnce(plan.zone.tz, ws / 1000, we / 1000);
}

/** CTEs ending in `sd (d0, d1, dp, wt)`, from the sources' `segs` (the zone's segments) and
 *  `spans` (with `pe`, read near the window's ends: nearEnds(0)). `dayHours`: the table of
 *  UTC days counted by hour (activity-day-hours.ts dayHoursFor), read for the stored days
 *  from the third on (the first two's previous day may lie before the window's start). */
export function zonedDaySpans(def: IntervalsDef, src: ActivitySources, d: Dialect, dayHours: string | null = null): string[] {
  const c = DAY_COLUMNS;
  const DAY = sqlInteger(DAY_US);
  const { ws, we } = src;
  const day = (x: string) => d.floorDiv(x, DAY);
  const [u0, u1] = [day(ws), day(we)];
  // The first and last instants of the UTC days the window holds whole.
  const [lo, hi] = [`(${day(`${ws} + ${DAY} - 1`)} * ${DAY})`, `(${u1} * ${DAY})`];
  const inside = (k: string) => `z.s > ${k} * ${DAY} AND z.s < (${k} + 1) * ${DAY}`;
  /** The local day of instant x in UTC day u: la, or the next from the start of the next
   *  inside the day (c: past the day where none is), read by position in lists of the UTC
   *  days (a hash join per stored row, two with the day before, cost more; DuckDB's lists:
   *  the days table is built by DuckDB imports only). */
  const lx = (u: string, x: string) => `v.las[${u} - ${u0} + 1] + CAST(${x} >= v.cs[${u} - ${u0} + 1] AS INTEGER)`;
  // The stored days from the third on as counted by hour: an hour's first instant stands
  // for every instant of it (the zone's midnights are on whole hours: zh); their previous
  // day, one or two before, lies in the window (a previous day further back is never on the
  // local day of their first instant: only activity-time reads these).
  const fromDayHours = (t: string) => {
    const h = DAY_HOUR_COLUMNS;
    const [HOUR, col] = [sqlInteger(HOUR_US), (x: string) => `t.${ident(x)}`];
    const at = (u: string, hour: string) => `(${u} * ${DAY} + ${hour} * ${HOUR})`;
    const u = col(h.day);
    const pu = `(${u} - ${col(h.gap)})`;
    return `SELECT ${lx(u, at(u, col(h.first)))}, ${lx(u, at(u, col(h.last)))}, CASE WHEN ${col(h.gap)} > 0 THEN ${lx(pu, at(pu, col(h.previous)))} END, ${col(h.n)}
  FROM ${ident(t)} t CROSS JOIN zv v WHERE ${u} >= ${day(lo)} + 2 AND ${u} < ${u1} AND (SELECT refused FROM zg) IS NULL AND (SELECT refused FROM zh) IS NULL`;
  };
  return [
    // The zone's days around the window and their first instants: the first instant the
    // clock shows its midnight or later (as concurrency's day buckets start).
    `zl AS (
  SELECT k.l, min(CASE WHEN g.a + g.o <= k.l * ${DAY} AND k.l * ${DAY} < g.b + g.o THEN k.l * ${DAY} - g.o WHEN g.a + g.o > k.l * ${DAY} THEN g.a END) AS s
  FROM (SELECT ${d.integerSeries(`${u0} - 1`, `${u1} + 2`)} AS l) k CROSS JOIN segs g GROUP BY k.l
)`,
    // Per UTC day: the local day of its first instant, and the start of the next one inside it.
    `zu AS (
  SELECT k.u, max(CASE WHEN z.s <= k.u * ${DAY} THEN z.l END) AS la, coalesce(min(CASE WHEN ${inside('k.u')} THEN z.s END), (k.u + 1) * ${DAY}) AS c,
    ${d.countIf(inside('k.u'))} AS n
  FROM (SELECT ${d.integerSeries(u0, `${u1} + 1`)} AS u) k CROSS JOIN zl z GROUP BY k.u
)`,
    // The next local day is la + 1 (the zone check: no date skipped); two starts in a UTC
    // day would be a wrong answer: refused.
    `zg AS (
  SELECT ${d.raiseIf('EXISTS (SELECT 1 FROM zu WHERE n > 1)', 'zone_days_split_twice')} AS refused
)`,
    // The UTC days the window cuts: its runs there, each UTC day's part apart; a part after
    // the stored days' end follows activity up to it where its run began before.
    // (Where the spans carry their stored start and end, the same conditions on those too:
    // the scans then skip the row groups between the ends by their zone maps, not read the
    // window's 1.5M runs twice at 10M periods.)
    `zc AS (
  SELECT s, least(e, ${lo}) AS e, pe FROM spans WHERE s < ${lo}${src.stored ? ` AND rs < ${d.fromEpochMicros(lo)}` : ''}
  UNION ALL SELECT greatest(s, ${hi}), e, CASE WHEN s < ${hi} THEN ${hi} ELSE pe END FROM spans WHERE e > ${hi}${src.stored ? ` AND re > ${d.fromEpochMicros(hi)}` : ''}
)`,
    `zv AS (
  SELECT list(la ORDER BY u) AS las, list(c ORDER BY u) AS cs FROM zu
)`,
    ...(dayHours === null ? [] : [offsetsOnWholeHoursGuard(ws, we, d, 'zh')]),
    `sd AS (
  SELECT ${lx('r.u', 'r.f')} AS d0, ${lx('r.u', '(r.l - 1)')} AS d1, CASE WHEN r.pl > ${ws} THEN ${lx('r.pd', '(r.pl - 1)')} END AS dp, 1 AS wt
  FROM (${daysRead(def, 0, src, d, { u: c.day, f: c.first, l: c.last, pd: c.previousDay, pl: c.previousLast })}) r CROSS JOIN zv v
  WHERE r.u >= ${day(lo)} AND r.u < ${dayHours === null ? u1 : `least(${day(lo)} + 2, ${u1})`} AND (SELECT refused FROM zg) IS NULL
  UNION ALL${dayHours === null ? '' : ` ${fromDayHours(dayHours)}
  UNION ALL`} SELECT ${lx(day('z.s'), 'z.s')}, ${lx(day('z.s'), '(z.e - 1)')}, CASE WHEN z.pe IS NOT NULL THEN ${lx(day('(z.pe - 1)'), '(z.pe - 1)')} END, 1
  FROM zc z CROSS JOIN zv v
)`,
  ];
}
