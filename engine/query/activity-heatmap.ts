// Activity plans asking `heatmap`: per weekday (ISO, 1 = Monday) and hour of the wall clock,
// the active microseconds summed over entities and the entities active there at least
// once; all 168 cells, empty ones zero. Pure.
//
// A wall-clock piece is cut at its hours. Whole days inside a piece are not cut: each adds
// an hour to each of its weekday's 24 cells, so that a span of days costs a row per weekday
// it covers rather than one per hour. Where clocks go back, the repeated hour's cell gets
// both hours' time; where they go forward, the skipped hour's cell gets none.
import type { Catalog } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { sqlInteger } from '../sql.ts';
import { activitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { DAY_US, HOUR_US } from './zone-segments.ts';

export function heatmapSql(plan: ActivityPlan, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const src = activitySources(plan, catalog, options, params, dialect, { pieces: true });
  const [H, D] = [sqlInteger(HOUR_US), sqlInteger(DAY_US)];
  const hour = (x: string) => dialect.floorDiv(x, H);
  const day = (x: string) => dialect.floorDiv(x, D);
  /** ISO weekday of a day number (1970-01-01, day 0, was a Thursday). */
  const weekday = (d: string) => `(${dialect.floorMod(`${d} + 3`, '7')} + 1)`;
  return `WITH ${src.ctes.join(', ')}, cut AS (
  -- The first whole day inside the piece (f) and the day after the last (t): f = t, none.
  SELECT m, lo, hi, ${day(`(lo + ${D} - 1)`)} AS f, greatest(${day('hi')}, ${day(`(lo + ${D} - 1)`)}) AS t FROM pieces
), parts AS (
  -- The hours outside the whole days: before the first and after the last (or all of a
  -- piece within one day).
  SELECT m, lo, hi FROM cut WHERE f = t
  UNION ALL SELECT m, lo, f * ${D} FROM cut WHERE f < t AND lo < f * ${D}
  UNION ALL SELECT m, t * ${D}, hi FROM cut WHERE f < t AND hi > t * ${D}
), hours AS (
  SELECT m, ${weekday(day(`(h * ${H})`))} AS wd, ${dialect.floorMod('h', '24')} AS hr, least(hi, (h + 1) * ${H}) - greatest(lo, h * ${H}) AS us
  FROM (SELECT m, lo, hi, ${dialect.integerSeries(hour('lo'), `${hour('(hi - 1)')} + 1`)} AS h FROM parts)
), whole AS (
  -- Whole days per entity and weekday.
  SELECT m, ${weekday('d')} AS wd, count(*) AS days FROM (SELECT m, ${dialect.integerSeries('f', 't')} AS d FROM cut WHERE f < t) GROUP BY ALL
), cells AS (
  -- Per entity and cell first (a distinct count per cell is far slower than a grouping).
  SELECT wd, hr, sum(us) AS us, count(*) AS members FROM (
    SELECT m, wd, hr, sum(us) AS us FROM (
      SELECT m, wd, hr, us FROM hours
      UNION ALL SELECT m, wd, hr, days * ${H} FROM whole CROSS JOIN (SELECT ${dialect.integerSeries('0', '24')} AS hr)
    ) GROUP BY m, wd, hr
  ) GROUP BY wd, hr
)
SELECT w.wd AS weekday, h.hr AS hour, coalesce(cells.us, 0) AS us, coalesce(cells.members, 0) AS members
FROM (SELECT ${dialect.integerSeries('1', '8')} AS wd) w CROSS JOIN (SELECT ${dialect.integerSeries('0', '24')} AS hr) h
LEFT JOIN cells ON cells.wd = w.wd AND cells.hr = h.hr
ORDER BY w.wd, h.hr`;
}
