// The import's table of active time per entity and calendar day (IntervalsDef.days), in two
// clocks: UTC's days and the entity's own zone's. A row holds the day's active microseconds
// (the entity's merged runs cut at the day's midnights, on that clock) and the first and
// last active instants of that day (UTC epoch microseconds, whatever the clock): a window
// that holds them both holds all of the day's activity, and the row is the answer as it is;
// and the entity's previous active day on that clock, with its last active instant.
// The days the window cuts (its first and last, per entity) are few: plans compute them from
// the runs near the window's ends, as without the table.
//
// Built from the merged runs and the zone segments (layout-intervals.ts), so it says what
// the plans would compute from them. Pure: SQL text.
import type { CompileOptions } from './compile-options.ts';
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { NUMBER_COLUMN, ZONE_COLUMNS, readsMerged } from './activity-sources.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { ActivityPlan } from './nodes.ts';
import { DAY_US, epochUs } from './zone-segments.ts';

export const DAY_COLUMNS = { clock: 'clock', day: 'day', us: 'active_us', first: 'first_us', last: 'last_us', previousDay: 'previous_day', previousLast: 'previous_last_us' } as const;

/** The clocks of the table: 0 UTC's days, 1 the entity's own zone's. */
export type DayClock = 0 | 1;

/** With the entities' zones, the runs reaching within this of a window's end are read to
 *  compute the days it cuts: the instants of a calendar day lie within 25 hours (26 where a
 *  zone changed its standard offset; 48 allows for a zone moving a whole day back), and a
 *  cut day holds an instant outside the window. */
export const EDGE_US = 2 * DAY_US;
/** Windows shorter than this are computed from the runs (their cut days would be most). */
export const DAYS_MIN_WINDOW_US = 7 * DAY_US;

/** The clock whose rows the plan reads from the days table, or null: the table is there
 *  (with the merged runs), the plan's zone is UTC or the entities' own, and its window is
 *  bounded and a week long or more. */
export function daysClock(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): DayClock | null {
  if (def.days === undefined || !readsMerged(def, options) || options.intervalTables?.has(def.days) !== true) return null;
  const clock: DayClock | null = plan.zone.kind === 'entity' ? 1 : plan.zone.tz === 'UTC' ? 0 : null;
  if (clock === null || plan.window.start === null) return null;
  const length = epochUs(plan.window.end) - epochUs(plan.window.start);
  return Number.isFinite(length) && length >= DAYS_MIN_WINDOW_US ? clock : null;
}

/** The stored days (alias t) of the plan's clock with activity in the window, of the
 *  filter's entities: the entity number as `m` and the columns `cols` (alias: column). A day
 *  holding an instant of the window lies two days or less from its bounds' UTC days
 *  (offsets are under a day): the day numbers bound the read for the table's order. */
export function daysRead(def: IntervalsDef, clock: DayClock, src: ActivitySources, d: Dialect, cols: Readonly<Record<string, string>>): string {
  const c = DAY_COLUMNS;
  const col = (x: string) => `t.${ident(x)}`;
  const DAY = sqlInteger(DAY_US);
  const where = [
    `${col(c.clock)} = ${clock}`,
    `${col(c.day)} >= ${d.floorDiv(src.ws, DAY)} - 2`,
    `${col(c.day)} <= ${d.floorDiv(src.we, DAY)} + 2`,
    `${col(c.first)} < ${src.we}`,
    `${col(c.last)} > ${src.ws}`,
    ...src.keep(col(def.key)),
  ];
  const picked = Object.entries(cols).map(([a, x]) => `, ${col(x)} AS ${a}`).join('');
  return `SELECT ${col(NUMBER_COLUMN)} AS m${picked} FROM ${ident(def.days!)} t WHERE ${where.join(' AND ')}`;
}

/** The runs the days a window cuts are computed from (activitySources' `near`): on UTC's
 *  clock, those reaching into the window's first or last part-day; on the entities', those
 *  reaching within EDGE_US of its ends. */
export function nearEnds(clock: DayClock, d: Dialect): (ws: string, we: string) => { lo: string; hi: string } {
  const DAY = sqlInteger(DAY_US);
  const E = sqlInteger(EDGE_US);
  return clock === 0
    ? (ws, we) => ({ lo: `(${d.floorDiv(`${ws} + ${DAY} - 1`, DAY)} * ${DAY})`, hi: `(${d.floorDiv(we, DAY)} * ${DAY})` })
    : (ws, we) => ({ lo: `(${ws} + ${E})`, hi: `(${we} - ${E})` });
}

/** The days [i0, i1] every entity's activity holds whole in the window [ws, we) (SQL
 *  expressions): UTC's clock, the days between its ends; the entities' zones, two days in
 *  from its ends' UTC days (offsets are under a day). */
export function wholeDays(clock: DayClock, ws: string, we: string, d: Dialect): [string, string] {
  const DAY = sqlInteger(DAY_US);
  return clock === 0 ? [`${d.floorDiv(`${ws} + ${DAY} - 1`, DAY)}`, `(${d.floorDiv(we, DAY)} - 1)`] : [`(${d.floorDiv(ws, DAY)} + 2)`, `(${d.floorDiv(we, DAY)} - 2)`];
}

/** The statement building the table (DuckDB, at import), after the merged runs and the zone
 *  segments; ordered by clock, day and entity number, so that a window reads its own days. */
export function daysTableSql(def: IntervalsDef, days: string, d: Dialect): string {
  const c = DAY_COLUMNS;
  const z = ZONE_COLUMNS;
  const DAY = sqlInteger(DAY_US);
  const day = (x: string) => d.floorDiv(x, DAY);
  // Pieces (c, m, k, lo, hi, o): runs on each clock's wall, cut where the zone's offset changes.
  return `CREATE TABLE ${ident(days)} AS WITH r AS (
  SELECT ${ident(NUMBER_COLUMN)} AS m, ${ident(def.key)} AS k, ${ident(def.zone)} AS z, ${d.epochMicros(ident(def.start))} AS s, ${d.epochMicros(ident(def.end))} AS e FROM ${ident(def.merged)}
), pc AS (
  SELECT 0 AS c, m, k, s AS lo, e AS hi, 0 AS o FROM r
  UNION ALL SELECT 1, r.m, r.k, greatest(r.s, g.${ident(z.from)}) + g.${ident(z.offset)}, least(r.e, g.${ident(z.to)}) + g.${ident(z.offset)}, g.${ident(z.offset)}
  FROM r JOIN ${ident(def.zones)} g ON g.${ident(z.zone)} = r.z AND g.${ident(z.from)} < r.e AND g.${ident(z.to)} > r.s
), pd AS (
  SELECT c, m, k, o, lo, hi, ${day('lo')} AS d0, ${day('(hi - 1)')} AS d1 FROM pc
), dp AS (
  SELECT c, m, k, o, lo, hi, d0 AS d FROM pd WHERE d0 = d1
  UNION ALL SELECT c, m, k, o, greatest(lo, d * ${DAY}), least(hi, (d + 1) * ${DAY}), d FROM (SELECT c, m, k, o, lo, hi, ${d.integerSeries('d0', 'd1 + 1')} AS d FROM pd WHERE d0 < d1)
), dm AS (
  SELECT c, d, m, ${d.anyValue('k')} AS k, CAST(sum(hi - lo) AS BIGINT) AS us, min(lo - o) AS f, max(hi - o) AS l FROM dp GROUP BY c, d, m
)
SELECT CAST(c AS TINYINT) AS ${ident(c.clock)}, CAST(d AS INTEGER) AS ${ident(c.day)}, m AS ${ident(NUMBER_COLUMN)}, k AS ${ident(def.key)}, us AS ${ident(c.us)}, f AS ${ident(c.first)}, l AS ${ident(c.last)},
  CAST(lag(d) OVER w AS INTEGER) AS ${ident(c.previousDay)}, lag(l) OVER w AS ${ident(c.previousLast)}
FROM dm WINDOW w AS (PARTITION BY c, m ORDER BY d) ORDER BY 1, 2, 3`;
}
