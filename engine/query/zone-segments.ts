// The offsets of IANA zones as segments of time: per zone, rows (z, a, b, o) saying that from
// instant a to instant b (epoch microseconds, half-open) the zone's wall clock is o
// microseconds ahead of UTC. Activity plans map periods to wall-clock time with them by
// integer arithmetic: asking the database's zone library (ICU) for every period would cost
// ~1.5 us a call (3 us with the zone in a column), seconds at a few million periods.
//
// The offsets are read once per zone and UTC day; where two days differ, the hour and then
// the minute of the change is found (zone rules change offsets at whole minutes; two
// changes within one UTC day do not occur). The first segment reaches back and the last
// forward without end: beyond the range asked, the nearest offset stands in.
import type { Dialect } from '../dialect/dialect.ts';
import { sqlInteger } from '../sql.ts';

/** Microseconds in a minute, an hour and a day. */
export const MINUTE_US = 60_000_000;
export const HOUR_US = 3_600_000_000;
/** Epoch microseconds of a plan's window bound (SQL timestamp text, UTC), at compile time. */
export const epochUs = (ts: string): number => Date.parse(`${ts.replace(' ', 'T')}Z`) * 1000;
export const DAY_US = 86_400_000_000;
/** The open ends of the first and last segments. */
export const FAR_PAST_US = -Number.MAX_SAFE_INTEGER;
export const FAR_FUTURE_US = Number.MAX_SAFE_INTEGER;

const n = (x: number) => sqlInteger(x);

/** CTE definitions (`name_d AS (...), ..., name AS (...)`) ending in `name`: the segments
 *  (z, a, b, o) of the zones `zones` (a query of one column `z`) over the instants `lo` to
 *  `hi` (scalar expressions in epoch microseconds). */
export function zoneSegmentCtes(name: string, zones: string, lo: string, hi: string, dialect: Dialect): string {
  const off = (us: string) => dialect.zoneOffsetMicros('z', dialect.fromEpochMicros(us));
  const day = (x: string) => dialect.floorDiv(x, n(DAY_US));
  const at = (d: string, h: string, k: string) => `(${d} * ${n(DAY_US)} + ${h} * ${n(HOUR_US)} + ${k} * ${n(MINUTE_US)})`;
  return `${name}_d AS (
  SELECT zz.z, dd.d FROM (${zones}) zz CROSS JOIN (SELECT ${dialect.integerSeries(`${day(lo)} - 1`, `${day(hi)} + 2`)} AS d) dd
), ${name}_o AS (
  SELECT z, d, ${off(at('d', '0', '0'))} AS o FROM ${name}_d
), ${name}_c AS (
  SELECT z, d, o, lead(o) OVER (PARTITION BY z ORDER BY d) AS o2 FROM ${name}_o
), ${name}_h AS (
  SELECT z, d, o, min(h) AS h FROM (SELECT z, d, o, ${dialect.integerSeries('1', '25')} AS h FROM ${name}_c WHERE o2 <> o)
  WHERE ${off(at('d', 'h', '0'))} <> o GROUP BY z, d, o
), ${name}_t AS (
  SELECT z, min(${at('d', '(h - 1)', 'k')}) AS t FROM (SELECT z, d, o, h, ${dialect.integerSeries('1', '61')} AS k FROM ${name}_h)
  WHERE ${off(at('d', '(h - 1)', 'k'))} <> o GROUP BY z, d
), ${name}_b AS (
  SELECT z, min(d) * ${n(DAY_US)} AS t FROM ${name}_d GROUP BY z UNION ALL SELECT z, t FROM ${name}_t
), ${name} AS (
  SELECT z, CASE WHEN row_number() OVER w = 1 THEN ${n(FAR_PAST_US)} ELSE t END AS a, coalesce(lead(t) OVER w, ${n(FAR_FUTURE_US)}) AS b, ${off('t')} AS o
  FROM ${name}_b WINDOW w AS (PARTITION BY z ORDER BY t)
)`;
}

/** A CTE `name (refused)` (default `zg`): an error where a segment of `segs (z, a, b, o)` in force in [ws, we)
 *  has an offset off the whole hour or starts off one inside the window. Plans that read
 *  UTC's hours for a zone checked that with Intl's zone data at compile time; the
 *  database's could differ: then an error, not a wrong answer. */
export function offsetsOnWholeHoursGuard(ws: string, we: string, d: Dialect, name = 'zg'): string {
  const H = sqlInteger(HOUR_US);
  return `${name} AS (
  SELECT ${d.raiseIf(`EXISTS (SELECT 1 FROM segs g WHERE g.a < ${we} AND g.b > ${ws} AND (${d.floorMod('g.o', H)} <> 0 OR (g.a > ${ws} AND ${d.floorMod('g.a', H)} <> 0)))`, 'zone_offsets_off_the_hour')} AS refused
)`;
}
