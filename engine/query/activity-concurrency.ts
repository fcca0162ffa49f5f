// Activity plans asking `concurrency`: per bucket, the most entities active at one instant in
// it (`peak`) and the entities active at any time in it (`members`), every bucket of the
// window present; and the window's peak with the first instant it is reached. Pure.
//
// Buckets follow the wall clock of the plan's zone: a bucket starts at the first instant the
// clock shows a multiple of its length (its midnight, its hour, ...), so that days last 23
// or 25 hours across DST changes, the hour the clocks go back lasts two, and a skipped hour
// is no bucket. With entities' own zones, everything is wall-clock time: each entity's
// activity is moved to its zone's wall clock (and merged again where clocks went back), and
// "one instant" is one wall-clock time.
//
// One pass over the span ends and the bucket starts in time order: the number active after
// each instant is the running sum of +1 at starts and -1 at ends (ends and starts at one
// instant taken together: a span ending at t is not active at t), and the bucket of each
// row the last bucket start at or before it. An entity is counted in a bucket when active
// at its start, or when a span of it starts inside and its previous span ended by the
// bucket's start.
import type { Catalog } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { sqlInteger } from '../sql.ts';
import { activitySources, intervalsDef, mergeCtes, wallRangeCte } from './activity-sources.ts';
import { levelCtes, readsLevels } from './activity-levels.ts';
import type { LevelBuckets } from './activity-levels.ts';
import { onUtcTicks, readsLevelHours } from './activity-level-hours.ts';
import { readsWallLevelHours, readsWallLevels, wallLevelCtes } from './activity-wall-levels.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityBucket, ActivityPlan } from './nodes.ts';
import { BUCKETS_TOO_MANY } from './refusals.ts';
import { DAY_US, HOUR_US, MINUTE_US } from './zone-segments.ts';

export const BUCKET_US: Readonly<Record<ActivityBucket, number>> = { minute: MINUTE_US, '5m': 5 * MINUTE_US, '15m': 15 * MINUTE_US, hour: HOUR_US, day: DAY_US };

/** The most buckets a concurrency series has (a month of minutes is 43,200). */
export const CONCURRENCY_MAX_BUCKETS = 50_000;

export function concurrencySql(plan: ActivityPlan, bucket: ActivityBucket, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const entityZone = plan.zone.kind === 'entity';
  const utc = plan.zone.kind === 'fixed' && plan.zone.tz === 'UTC';
  const def = intervalsDef(catalog, plan.intervals);
  const levels = readsLevels(plan, def, options);
  const wallLevels = readsWallLevels(plan, def, options);
  const src = activitySources(plan, catalog, options, params, dialect, { segs: !utc, pieces: entityZone && !wallLevels, previous: !entityZone && !levels });
  const W = sqlInteger(BUCKET_US[bucket]);
  const tick = (x: string) => dialect.floorDiv(x, W);
  const ctes = [...src.ctes, wallRangeCte('rng', plan, src, params, dialect, true)];
  // The answer from the CTEs `per`, `top` and `topat` of stored levels.
  const levelsSelect = () => `WITH ${ctes.join(', ')}
SELECT per.b AS period, ${dialect.cast('per.peak', 'BIGINT')} AS peak, ${dialect.cast('per.members', 'BIGINT')} AS members,
  ${dialect.cast('top.peak', 'BIGINT')} AS top_peak, topat.at AS top_at
FROM per CROSS JOIN top CROSS JOIN topat ORDER BY per.b`;
  if (entityZone && !wallLevels) ctes.push(`wall AS (SELECT m, lo AS s, hi AS e FROM pieces)`, mergeCtes('tl', 'wall', false));
  ctes.push(
    `guard AS (
  SELECT ${dialect.raiseIf(`${tick('hi')} - ${tick('lo')} + 1 > ${params.add(CONCURRENCY_MAX_BUCKETS, 'BIGINT')}`, BUCKETS_TOO_MANY)} AS refused FROM rng
)`,
    `ticks AS (
  SELECT k * ${W} AS w FROM (SELECT ${dialect.integerSeries(tick('lo'), `${tick('hi')} + 1`)} AS k FROM rng JOIN guard ON guard.refused IS NULL WHERE lo IS NOT NULL)
)`,
  );
  // A bucket's start: in wall-clock time its tick; in a zone, the first instant at which the
  // clock shows the tick or later (within a segment showing it, the tick less the offset; or
  // a later segment's start, where the clock jumps over it).
  ctes.push(
    entityZone || utc
      ? `bk AS (SELECT w, w AS bs FROM ticks)`
      : `bk AS (
  SELECT t.w, min(CASE WHEN g.a + g.o <= t.w AND t.w < g.b + g.o THEN t.w - g.o WHEN g.a + g.o > t.w THEN g.a END) AS bs FROM ticks t CROSS JOIN segs g GROUP BY t.w
)`,
  );
  if (wallLevels) {
    // Each entity's own clock, no filter: the import's wall-clock levels (activity-wall-levels.ts).
    ctes.push(...wallLevelCtes(def, src, BUCKET_US[bucket], { startTs: params.add(plan.window.start!, 'TIMESTAMP'), endTs: params.add(plan.window.end, 'TIMESTAMP') }, dialect, readsWallLevelHours(plan, bucket, def, options)));
    return levelsSelect();
  }
  if (levels) {
    // The import's levels (activity-levels.ts): the window's events grouped by bucket.
    // Per hour in UTC or a zone on whole hours, over whole hours: the import's rollup of them
    // (activity-level-hours.ts).
    const buckets: LevelBuckets = utc ? 'utc' : onUtcTicks(plan, bucket) ? 'aligned' : 'asof';
    ctes.push(...levelCtes(def, src, buckets, (x) => `${tick(x)} * ${W}`, W, params.add(plan.window.start!, 'TIMESTAMP'), dialect, readsLevelHours(plan, bucket, def, options, buckets)));
    return levelsSelect();
  }
  const tl = entityZone ? 'tl' : 'spans';
  // Each span with the end of its entity's span before it (stored by the import, where read).
  ctes.push(
    src.previousEnd ? `sp AS (SELECT s, e, pe FROM spans)` : `sp AS (
  SELECT s, e, lag(e) OVER (PARTITION BY m ORDER BY s) AS pe FROM ${tl}
)`,
    `ev AS (
  SELECT s AS t, 1 AS d, pe, 0 AS isb FROM sp UNION ALL SELECT e, -1, NULL, 0 FROM sp UNION ALL SELECT DISTINCT bs, 0, NULL, 1 FROM bk
)`,
    `lv AS (
  SELECT t, d, pe, isb, sum(d) OVER w AS level, max(CASE WHEN isb = 1 THEN t END) OVER w AS b
  FROM ev WINDOW w AS (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)`,
    `per AS (
  SELECT b, max(level) AS peak, max(level) FILTER (WHERE isb = 1) + ${dialect.countIf('d = 1 AND t > b AND (pe IS NULL OR pe <= b)')} AS members
  FROM lv WHERE b IS NOT NULL GROUP BY b
)`,
    `top AS (
  SELECT max(level) AS peak FROM lv
)`,
  );
  return `WITH ${ctes.join(', ')}
SELECT per.b AS period, ${dialect.cast('per.peak', 'BIGINT')} AS peak, ${dialect.cast('per.members', 'BIGINT')} AS members,
  ${dialect.cast('top.peak', 'BIGINT')} AS top_peak, (SELECT min(t) FROM lv WHERE level = top.peak AND isb = 0) AS top_at
FROM per CROSS JOIN top ORDER BY per.b`;
}
