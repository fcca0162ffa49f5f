// The import's table of active days counted by the day before (IntervalsDef.gaps): per clock
// of the days table (activity-days.ts: UTC's days, or the entity's own zone's), calendar day
// and the entity's previous active day on that clock (null where there is none within
// GAP_DAYS), the number of entities active that day. A few thousand rows a year.
//
// `active` counts each entity once per bucket from its active days and the day before each
// (activity-active.ts: a day's stretch starts after the previous day's reach). Every day's
// row of an entity is one such (day, previous day) pair, so the window's days that it holds
// whole are these counts, not a row per entity: the answer reads a few hundred rows where
// the days table gave it a million at 10M periods. Two things need the entity's own rows:
// the days the window cuts (an entity's activity on them may lie outside it), and a
// previous day among them (it counts only where it had activity in the window) — the days
// table's rows for both are few, read as before. No entity key in the counts: a filtered
// question reads the days table. Pure: SQL text.
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { DAY_COLUMNS, daysClock, wholeDays } from './activity-days.ts';
import type { DayClock } from './activity-days.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { DAY_US } from './zone-segments.ts';

export const GAP_COLUMNS = { clock: 'clock', day: 'day', previousDay: 'previous_day', entities: 'entities' } as const;

/** A previous day this many days or more before is stored as none: no bucket or reach of
 *  `active` spans more than 31 days (a month; MAU reaches 29 back), so such a day never
 *  shares one with the day after it. */
export const GAP_DAYS = 32;

/** The clock whose counts the plan reads, or null: the counts are there beside the days
 *  table, the plan reads that table's days (UTC or the entities' zones, a bounded window of
 *  a week or more), and no filter (the counts hold no entity). */
export function gapsClock(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): DayClock | null {
  if (def.gaps === undefined || options.intervalTables?.has(def.gaps) !== true || plan.filter !== undefined) return null;
  return daysClock(plan, def, options);
}

/** The statement building the table (DuckDB, at import), after the days table. */
export function gapsTableSql(def: IntervalsDef, gaps: string, d: Dialect): string {
  const [c, g] = [DAY_COLUMNS, GAP_COLUMNS];
  const [day, prev] = [ident(c.day), ident(c.previousDay)];
  return `CREATE TABLE ${ident(gaps)} AS SELECT ${ident(c.clock)} AS ${ident(g.clock)}, ${day} AS ${ident(g.day)},
  ${d.cast(`CASE WHEN ${day} - ${prev} < ${sqlInteger(GAP_DAYS)} THEN ${prev} END`, 'INTEGER')} AS ${ident(g.previousDay)}, count(*) AS ${ident(g.entities)}
FROM ${ident(def.days!)} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
}

/** The active days of the window as one-day spans with their weight, `(d0, d1, dp, wt)`: d0 =
 *  d1 the day, dp the entity's previous day with activity in the window (null: none), wt the
 *  entities that are alike. Days [i0, i1] are whole in the window for every entity (UTC's
 *  clock: the days between its ends; the entities' zones: two days in from its ends' UTC
 *  days, as offsets are under a day); the days around them, from lo to hi, may be cut. */
export function gapSpans(def: IntervalsDef, clock: DayClock, src: ActivitySources, d: Dialect): string {
  const [c, g] = [DAY_COLUMNS, GAP_COLUMNS];
  const DAY = sqlInteger(DAY_US);
  const { ws, we } = src;
  const [lo, hi] = [`(${d.floorDiv(ws, DAY)} - 2)`, `(${d.floorDiv(we, DAY)} + 2)`];
  const [i0, i1] = wholeDays(clock, ws, we, d);
  const t = (x: string) => `t.${ident(x)}`;
  const days = `${ident(def.days!)} t WHERE ${t(c.clock)} = ${clock}`;
  // A previous day from lo to before i0 counts where it had activity in the window: its
  // last active instant after the window's start (its first is, being before this day's).
  const seen = `CASE WHEN ${t(c.previousLast)} > ${ws} THEN ${t(c.previousDay)} END`;
  const edge = (from: string, to: string) =>
    `SELECT ${t(c.day)} AS d0, ${t(c.day)} AS d1, ${seen} AS dp, 1 AS wt FROM ${days} AND ${t(c.day)} >= ${from} AND ${t(c.day)} <= ${to} AND ${t(c.first)} < ${we} AND ${t(c.last)} > ${ws}`;
  const prev = t(g.previousDay);
  return `SELECT ${t(g.day)} AS d0, ${t(g.day)} AS d1, CASE WHEN ${prev} >= ${i0} THEN ${prev} END AS dp, ${t(g.entities)} AS wt
  FROM ${ident(def.gaps!)} t WHERE ${t(g.clock)} = ${clock} AND ${t(g.day)} >= ${i0} AND ${t(g.day)} <= ${i1} AND NOT coalesce(${prev} >= ${lo} AND ${prev} < ${i0}, false)
  UNION ALL SELECT ${t(c.day)}, ${t(c.day)}, ${seen}, 1 FROM ${days} AND ${t(c.day)} >= ${i0} AND ${t(c.day)} <= least(${i1}, ${i0} + ${sqlInteger(GAP_DAYS - 1)})
    AND ${t(c.previousDay)} >= ${lo} AND ${t(c.previousDay)} < ${i0} AND ${t(c.day)} - ${t(c.previousDay)} < ${sqlInteger(GAP_DAYS)}
  UNION ALL ${edge(lo, `${i0} - 1`)}
  UNION ALL ${edge(`${i1} + 1`, hi)}`;
}
