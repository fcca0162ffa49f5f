// Activity plans asking `heatmap`: per weekday (ISO, 1 = Monday) and hour of the wall clock,
// the active microseconds summed over entities and the entities active there at least
// once; all 168 cells, empty ones zero. Pure.
//
// The 168 cells are the hours of a week on a circle (cell = hour number + 72, modulo 168:
// 1970-01-01 began a Thursday). No piece is cut into its hours (a run of hours would cost a
// row per hour): a piece gives its first and last hour's microseconds as rows, and its
// whole hours between as a count of whole weeks (an hour in every cell) plus a stretch of
// cells, added to a difference array whose running sum over the cells counts them.
// Entities per cell likewise: each piece's cells are one stretch (all 168 for a week or
// more), cut at cell 0 where it wraps, merged per entity where they overlap (the same hour
// of different weeks), and counted with a difference array.
// Where clocks go back, the repeated hour's cell gets both hours' time; where they go
// forward, the skipped hour's cell gets none.
// Where the import's hours table serves the plan (activity-hours.ts: UTC, the entities' own
// zones, or a zone whose offsets are whole hours; a week or more, no filter), the cells come
// from its whole days and the cut days' pieces instead.
import type { Catalog } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { sqlInteger } from '../sql.ts';
import { nearEnds } from './activity-days.ts';
import { hourCtes, hoursPlan } from './activity-hours.ts';
import { activitySources, intervalsDef, mergeCtes } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { HOUR_US, offsetsOnWholeHoursGuard } from './zone-segments.ts';

export function heatmapSql(plan: ActivityPlan, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const def = intervalsDef(catalog, plan.intervals);
  const hp = hoursPlan(plan, def, options);
  if (hp !== null) {
    // The runs near the window's ends of the entities with a day it cuts (`cut`, read from
    // the hours table alone: placed first).
    const near = activitySources(plan, catalog, options, params, dialect, { ...(hp.zoned ? { segs: true } : { pieces: true }), near: nearEnds(hp.clock, dialect), only: 'cut' });
    // In a zone: its segments must have whole-hour offsets changing at whole hours over the
    // window (offsetsOnWholeHoursGuard).
    const zoned = hp.zoned
      ? [`up AS (SELECT m, s AS lo, e AS hi FROM spans)`, offsetsOnWholeHoursGuard(near.ws, near.we, dialect)]
      : [];
    const [cut, ...hours] = hourCtes(def, hp.clock, near, dialect, hp.zoned ? 'up' : 'pieces', hp.zoned, hp.totals);
    return `WITH ${[cut!, ...near.ctes, ...zoned, ...hours].join(', ')}
SELECT ${dialect.intDiv('cs.c', '24')} + 1 AS weekday, cs.c % 24 AS hour, coalesce(x.us, 0) AS us, ${dialect.cast('coalesce(x.members, 0)', 'BIGINT')} AS members
FROM (SELECT ${dialect.integerSeries('0', '168')} AS c) cs LEFT JOIN cells x ON x.c = cs.c${hp.zoned ? ' WHERE (SELECT refused FROM zg) IS NULL' : ''} ORDER BY cs.c`;
  }
  const src = activitySources(plan, catalog, options, params, dialect, { pieces: true });
  const H = sqlInteger(HOUR_US);
  const hour = (x: string) => dialect.floorDiv(x, H);
  const cell = (h: string) => dialect.floorMod(`${h} + 72`, '168');
  return `WITH ${src.ctes.join(', ')}, hp AS (
  SELECT m, lo, hi, ${hour('lo')} AS h0, ${hour('(hi - 1)')} AS h1 FROM pieces
), edge AS (
  -- The first hour's time (all of a piece within one hour), and the last hour's.
  SELECT ${cell('h0')} AS c, least(hi, (h0 + 1) * ${H}) - lo AS us FROM hp
  UNION ALL SELECT ${cell('h1')}, hi - h1 * ${H} FROM hp WHERE h1 > h0
), whole AS (
  SELECT ${cell('(h0 + 1)')} AS c0, ${dialect.intDiv('(h1 - h0 - 1)', '168')} AS weeks, (h1 - h0 - 1) % 168 AS r FROM hp WHERE h1 - h0 > 1
), hours AS (
  -- +1 from the stretch's first cell, -1 after its last; a stretch past cell 167 goes on at 0.
  SELECT c0 AS c, 1 AS d FROM whole WHERE r > 0
  UNION ALL SELECT c0 + r, -1 FROM whole WHERE r > 0 AND c0 + r < 168
  UNION ALL SELECT 0, 1 FROM whole WHERE c0 + r > 168
  UNION ALL SELECT c0 + r - 168, -1 FROM whole WHERE c0 + r > 168
), stretch AS (
  SELECT m, ${cell('h0')} AS a, least(h1 - h0 + 1, 168) AS n FROM hp
), lin AS (
  SELECT m, a AS s, least(a + n, 168) AS e FROM stretch UNION ALL SELECT m, 0, a + n - 168 FROM stretch WHERE a + n > 168
), ${mergeCtes('cover', 'lin', false)}, who AS (
  SELECT s AS c, 1 AS d FROM cover UNION ALL SELECT e, -1 FROM cover WHERE e < 168
), cells AS (
  SELECT ${dialect.keepName('cs.c', 'c')}, coalesce(e.us, 0) + (SELECT coalesce(sum(weeks), 0) FROM whole) * ${H} + sum(coalesce(h.d, 0)) OVER (ORDER BY cs.c) * ${H} AS us,
    sum(coalesce(w.d, 0)) OVER (ORDER BY cs.c) AS members
  FROM (SELECT ${dialect.integerSeries('0', '168')} AS c) cs
  LEFT JOIN (SELECT c, sum(us) AS us FROM edge GROUP BY c) e ON e.c = cs.c
  LEFT JOIN (SELECT c, sum(d) AS d FROM hours GROUP BY c) h ON h.c = cs.c
  LEFT JOIN (SELECT c, sum(d) AS d FROM who GROUP BY c) w ON w.c = cs.c
)
SELECT ${dialect.intDiv('c', '24')} + 1 AS weekday, c % 24 AS hour, us, ${dialect.cast('members', 'BIGINT')} AS members FROM cells ORDER BY c`;
}
