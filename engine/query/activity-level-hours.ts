// The import's levels rolled up per UTC hour (IntervalsDef.levelHours): for every hour with
// events in the levels table (activity-levels.ts), what concurrency's buckets take from
// their events — the level after the changes at the hour's first instant, the most inside
// it, the starts of entities not active at its start, the level after its last change, its
// most and the first instant at that most. Concurrency per hour in UTC (the endpoint's
// default question) then reads a row per hour (720 for a month) instead of grouping the
// month's events (2.9M at 10M periods); so does a zone whose offsets and their changes lie
// on whole hours, for the hours that are a bucket alone (onUtcTicks).
//
// The window's clipped runs hold the stored levels inside it (activity-levels.ts), so an hour
// wholly inside the window after the hour of its first instant is its stored row; the hour
// of the window's start (where the runs holding it start together) and a last hour the
// window cuts are read from their events (levelCtes). Pure: SQL text.
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { LEVEL_COLUMNS, LEVEL_HOUR_COLUMNS, bucketAggregates, readsLevels } from './activity-levels.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityBucket, ActivityPlan } from './nodes.ts';
import { DAY_US, HOUR_US, epochUs } from './zone-segments.ts';
import { offsetsOnWholeHours } from '../zones.ts';
import type { LevelBuckets } from './activity-levels.ts';

/** Whether a concurrency plan reads the hours' rollup: it reads the levels, per hour, in
 *  UTC or a zone whose bucket starts lie on UTC's hours. */
export function readsLevelHours(plan: ActivityPlan, bucket: ActivityBucket, def: IntervalsDef, options: CompileOptions, buckets: LevelBuckets): boolean {
  if (def.levelHours === undefined || options.intervalTables?.has(def.levelHours) !== true || !readsLevels(plan, def, options)) return false;
  return bucket === 'hour' && buckets !== 'asof';
}

/** The longest window whose zone is checked for onUtcTicks (Intl per day of it, at compile
 *  time); longer ones find their buckets by the ASOF join. */
const ALIGNED_MAX_US = 400 * DAY_US;

/** Whether every bucket start of a fixed zone other than UTC lies on a UTC tick of the
 *  bucket: buckets of an hour or less (each divides the hour), the zone's offsets and their
 *  changes on whole hours over the window (Intl's zone data: London and New York, not
 *  Kolkata). */
export function onUtcTicks(plan: ActivityPlan, bucket: ActivityBucket): boolean {
  if (plan.zone.kind !== 'fixed' || plan.zone.tz === 'UTC' || bucket === 'day' || plan.window.start === null) return false;
  const [ws, we] = [epochUs(plan.window.start), epochUs(plan.window.end)];
  return Number.isFinite(we - ws) && we - ws <= ALIGNED_MAX_US && offsetsOnWholeHours(plan.zone.tz, ws / 1000, we / 1000);
}

/** The statement building the table (DuckDB, at import), after the levels table. */
export function levelHoursTableSql(levels: string, name: string, d: Dialect): string {
  const [c, h] = [LEVEL_COLUMNS, LEVEL_HOUR_COLUMNS];
  const H = sqlInteger(HOUR_US);
  return `CREATE TABLE ${ident(name)} AS WITH ev AS (
  SELECT ${ident(c.t)} AS t, ${ident(c.delta)} AS d, ${ident(c.previous)} AS pe, ${ident(c.level)} AS level, 1 AS n, ${d.floorDiv(ident(c.t), H)} * ${H} AS b FROM ${ident(levels)}
), agg AS (
  ${bucketAggregates('ev', d)}
), firsts AS (
  SELECT ev.b, min(ev.t) AS t FROM ev JOIN agg ON agg.b = ev.b AND ev.level = agg.mx GROUP BY ev.b
)
SELECT agg.b AS ${ident(h.hour)}, agg.at0 AS ${ident(h.at0)}, agg.inside AS ${ident(h.inside)}, agg.starts AS ${ident(h.starts)}, agg.last AS ${ident(h.last)},
  agg.mx AS ${ident(h.most)}, firsts.t AS ${ident(h.mostAt)}
FROM agg JOIN firsts ON firsts.b = agg.b ORDER BY agg.b`;
}
