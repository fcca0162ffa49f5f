// The import's table of active time per entity, calendar day and hour of the wall clock
// (IntervalsDef.hours), on the two clocks of the days table (activity-days.ts: UTC's, and
// the entity's own zone's): a row per entity and day with activity holds the microseconds
// of each of its 24 wall-clock hours (the repeated hour where clocks go back holds both
// hours' time, a skipped hour none), the hours with any as a 24-bit mask, the day's first
// and last active instants (UTC epoch microseconds, whatever the clock), by which a window
// tells the days it holds whole from those it cuts, and the entity's previous and next
// active days of the same weekday (on that clock), by which it tells the days alone in
// their weekday among those it reads.
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
import { DAYS_MIN_WINDOW_US, wholeDays } from './activity-days.ts';
import type { DayClock } from './activity-days.ts';
import { NUMBER_COLUMN, ZONE_COLUMNS, readsMerged } from './activity-sources.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { DAY_US, HOUR_US, epochUs } from './zone-segments.ts';
import { offsetsOnWholeHours } from '../zones.ts';

export const HOUR_COLUMNS = { clock: 'clock', day: 'day', first: 'first_us', last: 'last_us', mask: 'hour_mask', previous: 'previous_same_weekday', next: 'next_same_weekday' } as const;
/** The 24 columns of an hour's microseconds: h00 to h23. */
export const HOUR_US_COLUMNS: readonly string[] = Array.from({ length: 24 }, (_, i) => `h${String(i).padStart(2, '0')}`);

/** How the plan reads the hours table, or null: the table is there (with the merged runs),
 *  no filter (the rows hold no key), the window bounded and a week long or more (shorter
 *  ones: mostly cut days); UTC's clock for UTC and for a zone whose offsets over the window
 *  are whole hours changing at whole hours (`zoned`: London, New York, not Kolkata), the
 *  entities' own for theirs. */
export function hoursPlan(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): { clock: DayClock; zoned: boolean; totals: string | null } | null {
  if (def.hours === undefined || !readsMerged(def, options) || options.intervalTables?.has(def.hours) !== true) return null;
  if (plan.filter !== undefined || plan.window.start === null) return null;
  const [ws, we] = [epochUs(plan.window.start), epochUs(plan.window.end)];
  if (!Number.isFinite(we - ws) || we - ws < DAYS_MIN_WINDOW_US) return null;
  // The sums per day over the entities (activity-hour-totals.ts), where stored.
  const totals = def.hourTotals !== undefined && options.intervalTables?.has(def.hourTotals) === true ? def.hourTotals : null;
  if (plan.zone.kind === 'entity') return { clock: 1, zoned: false, totals };
  if (plan.zone.tz === 'UTC') return { clock: 0, zoned: false, totals };
  return offsetsOnWholeHours(plan.zone.tz, ws / 1000, we / 1000) ? { clock: 0, zoned: true, totals } : null;
}

/** The entities are taken in this many parts per clock: each part's grouping holds the
 *  24 sums of a part of the rows, not all of them (at 1M members x 10M periods, one
 *  grouping of all held 18 GB and took 13 minutes). */
export const HOUR_PARTS = 4;

/** The statements building the table (DuckDB, at import), after the merged runs and the
 *  zone segments: per clock and part of the entities, ordered by day and entity number, so
 *  that a window reads its own days in each part. */
export function hoursTableSql(def: IntervalsDef, hours: string, d: Dialect): string[] {
  const out: string[] = [];
  for (const clock of [0, 1] as const)
    for (let part = 0; part < HOUR_PARTS; part++) out.push(`${out.length === 0 ? `CREATE TABLE ${ident(hours)} AS` : `INSERT INTO ${ident(hours)}`} ${hoursPartSql(def, clock, part, d)}`);
  return out;
}

function hoursPartSql(def: IntervalsDef, clock: DayClock, part: number, d: Dialect): string {
  const c = HOUR_COLUMNS;
  const z = ZONE_COLUMNS;
  const DAY = sqlInteger(DAY_US);
  const day = (x: string) => d.floorDiv(x, DAY);
  // Each day piece's time in hour i of its day: the overlap of [lo, hi) and the hour.
  const inHour = (i: number) => `greatest(0, least(hi, d * ${DAY} + ${sqlInteger((i + 1) * HOUR_US)}) - greatest(lo, d * ${DAY} + ${sqlInteger(i * HOUR_US)}))`;
  const sums = HOUR_US_COLUMNS.map((h, i) => `CAST(sum(${inHour(i)}) AS BIGINT) AS ${ident(h)}`).join(', ');
  const mask = HOUR_US_COLUMNS.map((h, i) => `CASE WHEN ${ident(h)} > 0 THEN ${sqlInteger(2 ** i)} ELSE 0 END`).join(' + ');
  // Pieces (m, lo, hi, o): runs on the clock's wall (the entity's zone: cut where its offset
  // changes), then cut at the clock's midnights.
  const pc =
    clock === 0
      ? `SELECT m, s AS lo, e AS hi, 0 AS o FROM r`
      : `SELECT r.m, greatest(r.s, g.${ident(z.from)}) + g.${ident(z.offset)} AS lo, least(r.e, g.${ident(z.to)}) + g.${ident(z.offset)} AS hi, g.${ident(z.offset)} AS o
  FROM r JOIN ${ident(def.zones)} g ON g.${ident(z.zone)} = r.z AND g.${ident(z.from)} < r.e AND g.${ident(z.to)} > r.s`;
  return `WITH r AS (
  SELECT ${ident(NUMBER_COLUMN)} AS m, ${ident(def.zone)} AS z, ${d.epochMicros(ident(def.start))} AS s, ${d.epochMicros(ident(def.end))} AS e FROM ${ident(def.merged)}
  WHERE ${d.floorMod(ident(NUMBER_COLUMN), sqlInteger(HOUR_PARTS))} = ${part}
), pc AS (
  ${pc}
), pd AS (
  SELECT m, o, lo, hi, ${day('lo')} AS d0, ${day('(hi - 1)')} AS d1 FROM pc
), dp AS (
  SELECT m, o, lo, hi, d0 AS d FROM pd WHERE d0 = d1
  UNION ALL SELECT m, o, greatest(lo, d * ${DAY}), least(hi, (d + 1) * ${DAY}), d FROM (SELECT m, o, lo, hi, ${d.integerSeries('d0', 'd1 + 1')} AS d FROM pd WHERE d0 < d1)
), dm AS (
  SELECT d, m, min(lo - o) AS f, max(hi - o) AS l, ${sums} FROM dp GROUP BY d, m
)
SELECT CAST(${clock} AS TINYINT) AS ${ident(c.clock)}, CAST(d AS INTEGER) AS ${ident(c.day)}, m AS ${ident(NUMBER_COLUMN)}, f AS ${ident(c.first)}, l AS ${ident(c.last)},
  CAST(${mask} AS INTEGER) AS ${ident(c.mask)}, ${HOUR_US_COLUMNS.map(ident).join(', ')},
  CAST(lag(d) OVER s7 AS INTEGER) AS ${ident(c.previous)}, CAST(lead(d) OVER s7 AS INTEGER) AS ${ident(c.next)}
FROM dm WINDOW s7 AS (PARTITION BY m, ${d.floorMod('d', '7')} ORDER BY d) ORDER BY d, m`;
}

/** CTEs ending in `cells (c, us, members)` for the cells with activity (c: weekday from
 *  Monday * 24 + hour), from the stored days the window holds whole and, for the days it
 *  cuts, the pieces `from` (m, lo, hi: time on the clock; read near the window's ends).
 *  With `zoned`, the clock is UTC's and the cells are those of the plan's zone, whose
 *  segments (`segs`) have whole-hour offsets changing at whole hours over the window (the
 *  caller's check, zoneOnHours): each UTC hour is one hour of the zone's clock, so a day's
 *  mask moves by its offset (in two parts on a day the offset changes). `totals`: the
 *  table of the days' sums over the entities, read for the days the window holds whole.
 *  The first CTE, `cut (m, d)`, reads the hours table alone: it may come before the sources. */
export function hourCtes(def: IntervalsDef, clock: DayClock, src: ActivitySources, d: Dialect, from: string, zoned: boolean, totals: string | null): string[] {
  const c = HOUR_COLUMNS;
  const col = (x: string) => `t.${ident(x)}`;
  const [DAY, H] = [sqlInteger(DAY_US), sqlInteger(HOUR_US)];
  const { ws, we } = src;
  const u = HOUR_US_COLUMNS.map((_, i) => `u${i}`);
  const weekday = (day: string) => d.floorMod(`${day} + 3`, '7');
  const hour = (x: string) => d.floorDiv(x, H);
  const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
  const [d0, d1] = [`${d.floorDiv(ws, DAY)} - 2`, `${d.floorDiv(we, DAY)} + 2`];
  // A day holding an instant of the window lies two days or less from its bounds' UTC
  // days (offsets are under a day): the day numbers bound the read for the table's order.
  // Each reader scans the table for its own rows and columns (one shared scan of every
  // column was materialized whole: seconds at 1M members).
  const read = (cols: string, cond: string) =>
    `SELECT ${cols} FROM ${ident(def.hours!)} t
  WHERE ${col(c.clock)} = ${clock} AND ${col(c.day)} >= ${d0} AND ${col(c.day)} <= ${d1} AND ${col(c.first)} < ${we} AND ${col(c.last)} > ${ws} AND ${cond}`;
  const whole = `${col(c.first)} >= ${ws} AND ${col(c.last)} <= ${we}`;
  const hours = HOUR_US_COLUMNS.map((h, i) => `${col(h)} AS ${u[i]}`).join(', ');
  const sums = u.map((x) => `sum(${x}) AS ${x}`).join(', ');
  // The whole days' hours (d, u0..u23): from the sums over the entities where stored for the
  // days every entity's activity holds whole, and the rows the window holds whole around them.
  const rows = (cond: string) => read(`${col(c.day)} AS d, ${hours}`, `${whole}${cond}`);
  const [i0, i1] = wholeDays(clock, ws, we, d);
  const daySums =
    totals === null
      ? rows('')
      : `${hourTotalsRead(totals, clock, i0, i1, u)}
  UNION ALL ${rows(` AND ${col(c.day)} < ${i0}`)}
  UNION ALL ${rows(` AND ${col(c.day)} > ${i1} AND ${col(c.day)} >= ${i0}`)}`;
  const ctes = [
    `cut AS (
  ${read(`${col(NUMBER_COLUMN)} AS m, ${col(c.day)} AS d`, `NOT (${whole})`)}
)`,
    // The cut days' hours from the pieces of their entities (clipped to the window), each
    // piece's hours only from the entity's first to its last cut day at each end of the
    // window (a piece over both ends gives both: its whole days are read as stored).
    `cp AS (
  SELECT p.m, p.lo, p.hi, greatest(${hour('p.lo')}, r.a * 24) AS h0, least(${hour('(p.hi - 1)')}, r.b * 24 + 23) AS h1
  FROM ${from} p JOIN (SELECT m, min(d) AS a, max(d) AS b FROM cut GROUP BY m, d < ${i0}) r ON r.m = p.m
)`,
    `ch AS (
  SELECT m, h, sum(least(hi, (h + 1) * ${H}) - greatest(lo, h * ${H})) AS us FROM (
    SELECT m, lo, hi, h0 AS h FROM cp WHERE h0 = h1
    UNION ALL SELECT m, lo, hi, ${d.integerSeries('h0', 'h1 + 1')} AS h FROM cp WHERE h0 < h1
  ) GROUP BY m, h
)`,
  ];
  // The local hour number (hours since 1970-01-01 00:00 on the cell's clock) of the clock's hour h.
  if (zoned)
    ctes.push(
      `hz AS (
  SELECT k.h, ${d.floorDiv('g.o', H)} AS oh FROM (SELECT ${d.integerSeries(`(${d0}) * 24`, `(${d1} + 1) * 24`)} AS h) k JOIN segs g ON g.a <= k.h * ${H} AND g.b > k.h * ${H}
)`,
      `dz AS (
  SELECT ${d.floorDiv('h', '24')} AS d, oh, CAST(bit_or(CAST(1 AS BIGINT) << CAST(${d.floorMod('h', '24')} AS BIGINT)) AS BIGINT) AS pm FROM hz GROUP BY 1, 2
)`,
    );
  const local = zoned ? (h: string, alias: string) => ({ join: ` JOIN hz ON hz.h = ${alias}.${h}`, l: `${alias}.${h} + hz.oh` }) : (h: string, alias: string) => ({ join: '', l: `${alias}.${h}` });
  const e = local('h', 'e');
  ctes.push(
    `edge AS (
  SELECT e.m, ${e.l} AS l, e.us FROM ch e JOIN cut x ON x.m = e.m AND x.d = ${d.floorDiv('e.h', '24')}${e.join}
)`,
  );
  // Per local hour: the whole days' hours summed. Per entity and weekday: its hours or-ed
  // (an entity is counted once per cell however many of the window's days of that weekday
  // it was there).
  if (zoned) {
    const w = local('h', 'x');
    ctes.push(
      `wsum AS (
  SELECT ${w.l} AS l, x.us FROM (SELECT d * 24 + i AS h, us FROM (SELECT d, unnest(range(24)) AS i, unnest(${list(u)}) AS us FROM (SELECT d, ${sums} FROM (${daySums}) GROUP BY d))) x${w.join}
)`,
      `wl AS (
  SELECT r.m, r.d * 24 + dz.oh AS b, CAST(r.mk AS BIGINT) & dz.pm AS x FROM (${read(`${col(NUMBER_COLUMN)} AS m, ${col(c.day)} AS d, ${col(c.mask)} AS mk`, whole)}) r JOIN dz ON dz.d = r.d
)`,
      // Two UTC days of an entity may share a local weekday (one's late hours, the next's
      // early ones): every row is grouped. (Counting the pieces alone in their local weekday
      // as below — their UTC weekday's other days outside the days read, none of their hours
      // reachable from another UTC weekday's days — left 40% of London's October to group,
      // and cost as much as it saved.)
      `wrows AS (
  SELECT m, ${weekday(d.floorDiv('b', '24'))} AS w, CAST((x << CAST(${d.floorMod('b', '24')} AS BIGINT)) & 16777215 AS INTEGER) AS mk, false AS alone FROM wl
  UNION ALL SELECT m, ${weekday(`${d.floorDiv('b', '24')} + 1`)}, CAST(x >> CAST(24 - ${d.floorMod('b', '24')} AS BIGINT) AS INTEGER), false FROM wl WHERE ${d.floorMod('b', '24')} > 0
)`,
    );
  } else
    ctes.push(
      `wsum AS (
  SELECT d * 24 + i AS l, us FROM (SELECT d, unnest(range(24)) AS i, unnest(${list(u)}) AS us FROM (SELECT d, ${sums} FROM (${daySums}) GROUP BY d))
)`,
      // A day whose entity has no other active day of its weekday in the days read is
      // alone in its (entity, weekday): counted as it is, not grouped (most are). Inlined:
      // materialized, the two readers' conditions were pushed into it as one disjunction
      // evaluated per row (135 ms of 290 at 10M periods); two scans cost less.
      `wrows AS${d.cteHint('inlined')} (
  ${read(`${col(NUMBER_COLUMN)} AS m, ${weekday(col(c.day))} AS w, ${col(c.mask)} AS mk, NOT (coalesce(${col(c.previous)} >= ${d0}, false) OR coalesce(${col(c.next)} <= ${d1}, false)) AS alone`, whole)}
)`,
    );
  const cell = (l: string) => d.floorMod(`${l} + 72`, '168');
  ctes.push(
    `wm AS (
  SELECT w, bit_or(mk) AS mk FROM (
    SELECT m, w, mk FROM wrows WHERE NOT alone AND mk <> 0
    UNION ALL SELECT m, ${weekday(d.floorDiv('l', '24'))}, CAST(1 AS INTEGER) << CAST(${d.floorMod('l', '24')} AS INTEGER) FROM edge
  ) GROUP BY m, w
)`,
    // Entities per weekday and hour: the masks counted per weekday, then their bits.
    `wn AS (
  SELECT w, ${u.map((x, i) => `sum(((mk >> ${i}) & 1) * n) AS ${x}`).join(', ')} FROM (
    SELECT w, mk, count(*) AS n FROM wrows WHERE alone GROUP BY w, mk UNION ALL SELECT w, mk, count(*) FROM wm GROUP BY w, mk
  ) GROUP BY w
)`,
    `cells AS (
  SELECT c, sum(us) AS us, sum(n) AS members FROM (
    SELECT ${cell('l')} AS c, us, 0 AS n FROM wsum
    UNION ALL SELECT ${cell('l')}, us, 0 FROM edge
    UNION ALL SELECT w * 24 + i, 0, n FROM (SELECT w, unnest(range(24)) AS i, unnest(${list(u)}) AS n FROM wn)
  ) GROUP BY c
)`,
  );
  return ctes;
}

/** The stored days [i0, i1] of a clock in the sums over the entities (activity-hour-totals.ts)
 *  with their 24 sums as `d, u[0] ... u[23]`. */
function hourTotalsRead(totals: string, clock: number, i0: string, i1: string, u: readonly string[]): string {
  const col = (x: string) => `t.${ident(x)}`;
  return `SELECT ${col(HOUR_COLUMNS.day)} AS d, ${HOUR_US_COLUMNS.map((h, i) => `${col(h)} AS ${u[i]}`).join(', ')} FROM ${ident(totals)} t
  WHERE ${col(HOUR_COLUMNS.clock)} = ${clock} AND ${col(HOUR_COLUMNS.day)} >= ${i0} AND ${col(HOUR_COLUMNS.day)} <= ${i1}`;
}
