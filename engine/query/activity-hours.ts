// The import's table of active time per entity, calendar day and hour of the wall clock
// (IntervalsDef.hours), on the two clocks of the days table (activity-days.ts: UTC's, and
// the entity's own zone's): a row per entity and day with activity holds the microseconds
// of each of its 24 wall-clock hours (the repeated hour where clocks go back holds both
// hours' time, a skipped hour none), the hours with any as a 24-bit mask, and the day's
// first and last active instants (UTC epoch microseconds, whatever the clock), by which a
// window tells the days it holds whole from those it cuts.
//
// The heatmap (activity-heatmap.ts) then sums the window's whole days per weekday instead
// of cutting every run into hours, and its distinct entities per cell are the entities'
// masks or-ed per weekday: no per-entity merging of stretches of cells. The few days a
// window cuts are computed from the runs near its ends, as the days table's readers do.
//
// No entity key in the rows (16 bytes each, in the table's largest column): a filtered
// heatmap reads the runs, as without the table. Pure: SQL text.
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { DAYS_MIN_WINDOW_US } from './activity-days.ts';
import type { DayClock } from './activity-days.ts';
import { NUMBER_COLUMN, ZONE_COLUMNS, readsMerged } from './activity-sources.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { DAY_US, HOUR_US } from './zone-segments.ts';

export const HOUR_COLUMNS = { clock: 'clock', day: 'day', first: 'first_us', last: 'last_us', mask: 'hour_mask' } as const;
/** The 24 columns of an hour's microseconds: h00 to h23. */
export const HOUR_US_COLUMNS: readonly string[] = Array.from({ length: 24 }, (_, i) => `h${String(i).padStart(2, '0')}`);

const epochUs = (ts: string): number => Date.parse(`${ts.replace(' ', 'T')}Z`) * 1000;

/** The clock whose rows the plan reads from the hours table, or null: the table is there
 *  (with the merged runs), the zone is UTC or the entities' own, no filter (the rows hold no
 *  key), and the window is bounded and a week long or more (shorter ones: mostly cut days). */
export function hoursClock(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): DayClock | null {
  if (def.hours === undefined || !readsMerged(def, options) || options.intervalTables?.has(def.hours) !== true) return null;
  if (plan.filter !== undefined || plan.window.start === null) return null;
  const clock: DayClock | null = plan.zone.kind === 'entity' ? 1 : plan.zone.tz === 'UTC' ? 0 : null;
  const length = epochUs(plan.window.end) - epochUs(plan.window.start);
  return clock !== null && Number.isFinite(length) && length >= DAYS_MIN_WINDOW_US ? clock : null;
}

/** The statement building the table (DuckDB, at import), after the merged runs and the zone
 *  segments; ordered by clock, day and entity number, so that a window reads its own days. */
export function hoursTableSql(def: IntervalsDef, hours: string, d: Dialect): string {
  const c = HOUR_COLUMNS;
  const z = ZONE_COLUMNS;
  const DAY = sqlInteger(DAY_US);
  const day = (x: string) => d.floorDiv(x, DAY);
  // Each day piece's time in hour i of its day: the overlap of [lo, hi) and the hour.
  const inHour = (i: number) => `greatest(0, least(hi, d * ${DAY} + ${sqlInteger((i + 1) * HOUR_US)}) - greatest(lo, d * ${DAY} + ${sqlInteger(i * HOUR_US)}))`;
  const sums = HOUR_US_COLUMNS.map((h, i) => `CAST(sum(${inHour(i)}) AS BIGINT) AS ${ident(h)}`).join(', ');
  const mask = HOUR_US_COLUMNS.map((h, i) => `CASE WHEN ${ident(h)} > 0 THEN ${sqlInteger(2 ** i)} ELSE 0 END`).join(' + ');
  // Pieces (c, m, lo, hi, o): runs on each clock's wall, cut where the zone's offset changes,
  // then at the clock's midnights.
  return `CREATE TABLE ${ident(hours)} AS WITH r AS (
  SELECT ${ident(NUMBER_COLUMN)} AS m, ${ident(def.zone)} AS z, ${d.epochMicros(ident(def.start))} AS s, ${d.epochMicros(ident(def.end))} AS e FROM ${ident(def.merged)}
), pc AS (
  SELECT 0 AS c, m, s AS lo, e AS hi, 0 AS o FROM r
  UNION ALL SELECT 1, r.m, greatest(r.s, g.${ident(z.from)}) + g.${ident(z.offset)}, least(r.e, g.${ident(z.to)}) + g.${ident(z.offset)}, g.${ident(z.offset)}
  FROM r JOIN ${ident(def.zones)} g ON g.${ident(z.zone)} = r.z AND g.${ident(z.from)} < r.e AND g.${ident(z.to)} > r.s
), pd AS (
  SELECT c, m, o, lo, hi, ${day('lo')} AS d0, ${day('(hi - 1)')} AS d1 FROM pc
), dp AS (
  SELECT c, m, o, lo, hi, d0 AS d FROM pd WHERE d0 = d1
  UNION ALL SELECT c, m, o, greatest(lo, d * ${DAY}), least(hi, (d + 1) * ${DAY}), d FROM (SELECT c, m, o, lo, hi, ${d.integerSeries('d0', 'd1 + 1')} AS d FROM pd WHERE d0 < d1)
), dm AS (
  SELECT c, d, m, min(lo - o) AS f, max(hi - o) AS l, ${sums} FROM dp GROUP BY c, d, m
)
SELECT CAST(c AS TINYINT) AS ${ident(c.clock)}, CAST(d AS INTEGER) AS ${ident(c.day)}, m AS ${ident(NUMBER_COLUMN)}, f AS ${ident(c.first)}, l AS ${ident(c.last)},
  CAST(${mask} AS INTEGER) AS ${ident(c.mask)}, ${HOUR_US_COLUMNS.map(ident).join(', ')}
FROM dm ORDER BY 1, 2, 3`;
}

/** CTEs ending in `cells (c, us, members)` for the cells with activity (c: weekday from
 *  Monday * 24 + hour), from the stored days the window holds whole and, for the days it
 *  cuts, the `pieces` of src (wall-clock time of the clock; read near the window's ends). */
export function hourCtes(def: IntervalsDef, clock: DayClock, src: ActivitySources, d: Dialect): string[] {
  const c = HOUR_COLUMNS;
  const col = (x: string) => `t.${ident(x)}`;
  const [DAY, H] = [sqlInteger(DAY_US), sqlInteger(HOUR_US)];
  const { ws, we } = src;
  const u = HOUR_US_COLUMNS.map((_, i) => `u${i}`);
  const weekday = (day: string) => d.floorMod(`${day} + 3`, '7');
  const hour = (x: string) => d.floorDiv(x, H);
  const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
  return [
    // A day holding an instant of the window lies two days or less from its bounds' UTC
    // days (offsets are under a day): the day numbers bound the read for the table's order.
    `hh AS (
  SELECT ${col(NUMBER_COLUMN)} AS m, ${col(c.day)} AS d, ${col(c.first)} AS f, ${col(c.last)} AS l, ${col(c.mask)} AS mk, ${HOUR_US_COLUMNS.map((h, i) => `${col(h)} AS ${u[i]}`).join(', ')}
  FROM ${ident(def.hours!)} t
  WHERE ${col(c.clock)} = ${clock} AND ${col(c.day)} >= ${d.floorDiv(ws, DAY)} - 2 AND ${col(c.day)} <= ${d.floorDiv(we, DAY)} + 2 AND ${col(c.first)} < ${we} AND ${col(c.last)} > ${ws}
)`,
    `whole AS (
  SELECT * FROM hh WHERE f >= ${ws} AND l <= ${we}
)`,
    `cut AS (
  SELECT m, d FROM hh WHERE f < ${ws} OR l > ${we}
)`,
    // The cut days' hours from the pieces of their entities (clipped to the window).
    `cp AS (
  SELECT m, lo, hi, ${hour('lo')} AS h0, ${hour('(hi - 1)')} AS h1 FROM pieces WHERE m IN (SELECT m FROM cut)
)`,
    `ch AS (
  SELECT m, h, sum(least(hi, (h + 1) * ${H}) - greatest(lo, h * ${H})) AS us FROM (
    SELECT m, lo, hi, h0 AS h FROM cp WHERE h0 = h1
    UNION ALL SELECT m, lo, hi, ${d.integerSeries('h0', 'h1 + 1')} AS h FROM cp WHERE h0 < h1
  ) GROUP BY m, h
)`,
    `edge AS (
  SELECT e.m, ${weekday(d.floorDiv('e.h', '24'))} AS w, ${d.floorMod('e.h', '24')} AS hr, e.us FROM ch e JOIN cut x ON x.m = e.m AND x.d = ${d.floorDiv('e.h', '24')}
)`,
    // Per weekday: the whole days' hours summed; each entity's hours or-ed (an entity is
    // counted once per cell however many of the window's days of that weekday it was there).
    `wsum AS (
  SELECT ${weekday('d')} AS w, ${u.map((x) => `sum(${x}) AS ${x}`).join(', ')} FROM whole GROUP BY 1
)`,
    `wm AS (
  SELECT w, bit_or(mk) AS mk FROM (SELECT m, ${weekday('d')} AS w, mk FROM whole UNION ALL SELECT m, w, CAST(1 AS INTEGER) << CAST(hr AS INTEGER) FROM edge) GROUP BY m, w
)`,
    `wn AS (
  SELECT w, ${u.map((x, i) => `sum((mk >> ${i}) & 1) AS ${x}`).join(', ')} FROM wm GROUP BY w
)`,
    `cells AS (
  SELECT c, sum(us) AS us, sum(n) AS members FROM (
    SELECT w * 24 + i AS c, us, 0 AS n FROM (SELECT w, unnest(range(24)) AS i, unnest(${list(u)}) AS us FROM wsum)
    UNION ALL SELECT w * 24 + hr, us, 0 FROM edge
    UNION ALL SELECT w * 24 + i, 0, n FROM (SELECT w, unnest(range(24)) AS i, unnest(${list(u)}) AS n FROM wn)
  ) GROUP BY c
)`,
  ];
}
