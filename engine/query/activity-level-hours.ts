// The import's levels rolled up per UTC hour (IntervalsDef.levelHours): for every hour with
// events in the levels table (activity-levels.ts), what concurrency's buckets take from
// their events — the level after the changes at the hour's first instant, the most inside
// it, the starts of entities not active at its start, the level after its last change, its
// most and the first instant at that most. Concurrency per hour in UTC over a window of whole
// hours (the endpoint's default question) then reads a row per hour (720 for a month)
// instead of grouping the month's events (2.9M at 10M periods).
//
// The window's clipped runs hold the stored levels inside it (activity-levels.ts), so an hour
// inside the window is its stored row. The first hour differs only at its first instant: the
// runs holding the window's start start there together (`l0`), which the stored level at that
// instant already counts; its starts read `t > b` either way. Pure: SQL text.
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { readsLevels, LEVEL_COLUMNS } from './activity-levels.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityBucket, ActivityPlan } from './nodes.ts';
import { HOUR_US } from './zone-segments.ts';

export const LEVEL_HOUR_COLUMNS = { hour: 'hour_us', at0: 'at_start', inside: 'inside', starts: 'starts', last: 'last', most: 'most', mostAt: 'most_at' } as const;

const epochUs = (ts: string): number => Date.parse(`${ts.replace(' ', 'T')}Z`) * 1000;

/** Whether a concurrency plan reads the hours' rollup: it reads the levels, in UTC, per
 *  hour, over a window whose ends are whole hours. */
export function readsLevelHours(plan: ActivityPlan, bucket: ActivityBucket, def: IntervalsDef, options: CompileOptions): boolean {
  if (def.levelHours === undefined || options.intervalTables?.has(def.levelHours) !== true || !readsLevels(plan, def, options)) return false;
  if (bucket !== 'hour' || plan.zone.kind !== 'fixed' || plan.zone.tz !== 'UTC' || plan.window.start === null) return false;
  const [ws, we] = [epochUs(plan.window.start), epochUs(plan.window.end)];
  return Number.isFinite(we) && ws % HOUR_US === 0 && we % HOUR_US === 0;
}

/** The statement building the table (DuckDB, at import), after the levels table. */
export function levelHoursTableSql(levels: string, name: string, d: Dialect): string {
  const [c, h] = [LEVEL_COLUMNS, LEVEL_HOUR_COLUMNS];
  const H = sqlInteger(HOUR_US);
  return `CREATE TABLE ${ident(name)} AS WITH ev AS (
  SELECT ${ident(c.t)} AS t, ${ident(c.delta)} AS d, ${ident(c.previous)} AS pe, ${ident(c.level)} AS level, ${d.floorDiv(ident(c.t), H)} * ${H} AS b FROM ${ident(levels)}
), agg AS (
  SELECT b, max(level) FILTER (WHERE t = b) AS at0, max(level) FILTER (WHERE t > b) AS inside,
    ${d.cast('count(*) FILTER (WHERE d = 1 AND t > b AND (pe IS NULL OR pe <= b))', 'BIGINT')} AS starts, arg_max(level, t) AS last, max(level) AS mx
  FROM ev GROUP BY b
), firsts AS (
  SELECT ev.b, min(ev.t) AS t FROM ev JOIN agg ON agg.b = ev.b AND ev.level = agg.mx GROUP BY ev.b
)
SELECT agg.b AS ${ident(h.hour)}, agg.at0 AS ${ident(h.at0)}, agg.inside AS ${ident(h.inside)}, agg.starts AS ${ident(h.starts)}, agg.last AS ${ident(h.last)},
  agg.mx AS ${ident(h.most)}, firsts.t AS ${ident(h.mostAt)}
FROM agg JOIN firsts ON firsts.b = agg.b ORDER BY agg.b`;
}

/** CTEs `pa (b, at0, inside, starts, last, mx)` and `topat (at)` as activity-levels.ts's
 *  readers make them from the events, from the window's stored hours and `l0 (n)` (the
 *  runs holding the window's start). */
export function levelHourCtes(def: IntervalsDef, src: ActivitySources): string[] {
  const h = LEVEL_HOUR_COLUMNS;
  const col = (x: string) => `v.${ident(x)}`;
  const { ws, we } = src;
  const first = `b = ${ws}`;
  return [
    `lh AS (
  SELECT ${col(h.hour)} AS b, ${col(h.at0)} AS at0, ${col(h.inside)} AS inside, ${col(h.starts)} AS starts, ${col(h.last)} AS last, ${col(h.most)} AS mx, ${col(h.mostAt)} AS mx_at
  FROM ${ident(def.levelHours!)} v WHERE ${col(h.hour)} >= ${ws} AND ${col(h.hour)} < ${we}
  UNION ALL SELECT ${ws}, NULL, NULL, 0, NULL, NULL, NULL FROM l0 WHERE n > 0 AND NOT EXISTS (SELECT 1 FROM ${ident(def.levelHours!)} v WHERE ${col(h.hour)} = ${ws})
)`,
    // The first hour: its level at the start is l0's (none when no run holds the start, as
    // the events would have it), the rest as stored.
    `pa AS (
  SELECT b, CASE WHEN ${first} THEN f.n ELSE at0 END AS at0, inside, starts,
    CASE WHEN ${first} AND inside IS NULL THEN f.n ELSE last END AS last,
    CASE WHEN ${first} THEN greatest(f.n, inside) ELSE mx END AS mx,
    CASE WHEN ${first} AND f.n >= coalesce(inside, 0) THEN ${ws} ELSE mx_at END AS mx_at
  FROM lh CROSS JOIN (SELECT CASE WHEN n > 0 THEN n END AS n FROM l0) f
  WHERE NOT (${first} AND f.n IS NULL AND inside IS NULL)
)`,
  ];
}
