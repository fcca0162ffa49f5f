// Activity plans asking `time`: active microseconds per entity and calendar day of the plan's
// zone (a span across midnight is split between the two days; a day across a DST change
// holds 23 or 25 hours of instants), ordered by day then entity key, paged, with the number
// of rows before paging and the page's labels (columns of the entity's table). Pure.
//
// Where the import's days table serves the plan (activity-days.ts: UTC or the entities' own
// zones, a week or more), the days the window holds whole are its rows as stored; the days
// it cuts (their entities' runs near its ends) are computed as without the table.
import { tableDef, tableKey } from '../catalog.ts';
import type { Catalog, IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { ident, sqlInteger } from '../sql.ts';
import { DAY_COLUMNS, daysClock, daysRead, nearEnds } from './activity-days.ts';
import type { DayClock } from './activity-days.ts';
import { activitySources, intervalsDef } from './activity-sources.ts';
import { zonedDaySpans, zonedDaysPlan } from './activity-zoned-days.ts';
import { dayHoursFor } from './activity-day-hours.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan, ActivityQuestion } from './nodes.ts';
import { DAY_US } from './zone-segments.ts';

type Time = Extract<ActivityQuestion, { kind: 'time' }>;

export function timeSql(plan: ActivityPlan, q: Time, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const def = intervalsDef(catalog, plan.intervals);
  if (zonedDaysPlan(plan, def, options)) return zonedTimeSql(plan, q, catalog, options, params, dialect);
  const clock = daysClock(plan, def, options);
  const src = activitySources(plan, catalog, options, params, dialect, { pieces: true, key: clock === null, ...(clock === null ? {} : { near: nearEnds(clock, dialect) }) });
  const entity = tableDef(catalog, def.entity);
  const labels = q.labels.map((c) => `, x.${ident(c)} AS ${ident(c)}`).join('');
  // The entity's key is not carried through the grouping (a UUID in every row of a hash
  // table the size of the window's entity-days) but looked up for the page's entities only.
  const ctes = clock === null ? [...src.ctes, `per AS (${piecesPerDay(dialect)})`, keyOf('spans')] : [...src.ctes, ...fromDays(plan, clock, catalog, src, dialect), keyOf('dd')];
  return `WITH ${ctes.join(', ')}
SELECT (SELECT count(*) FROM per) AS total, pk.k AS entity${labels}, ${dialect.dateOfDay('page.d')} AS date, page.us
FROM (SELECT 1) one LEFT JOIN page ON true LEFT JOIN pk ON pk.m = page.m LEFT JOIN ${ident(entity.name)} x ON x.${ident(tableKey(entity))} = pk.k
ORDER BY page.d, page.m`;

  function keyOf(from: string): string {
    return `page AS (
  SELECT m, d, us FROM per ORDER BY d, m LIMIT ${params.add(q.limit, 'BIGINT')} OFFSET ${params.add(q.offset, 'BIGINT')}
), pk AS (
  SELECT m, ${dialect.anyValue('k')} AS k FROM ${from} WHERE m IN (SELECT m FROM page) GROUP BY m
)`;
  }
}

/** A zone other than UTC from UTC's days (activity-zoned-days.ts): the rows are counted from
 *  the spans of local days the stored UTC days make (a span adds its days after the day
 *  before its own), never grouped per entity and day; only the days up to the page's last
 *  are cut from the pieces and grouped (the first day or two for the first page). */
function zonedTimeSql(plan: ActivityPlan, q: Time, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const def = intervalsDef(catalog, plan.intervals);
  const src = activitySources(plan, catalog, options, params, dialect, { segs: true, previous: true, inline: true, stored: true });
  const entity = tableDef(catalog, def.entity);
  const labels = q.labels.map((c) => `, x.${ident(c)} AS ${ident(c)}`).join('');
  const DAY = sqlInteger(DAY_US);
  const [limit, offset] = [params.add(q.limit, 'BIGINT'), params.add(q.offset, 'BIGINT')];
  const ctes = [
    ...src.ctes,
    ...zonedDaySpans(def, src, dialect, dayHoursFor(plan, def, options)),
    // A span alike adds its days after the day before its own (never after its last: the
    // zone's dates do not go back, so a stretch of no day adds nothing).
    `cnt AS (
  SELECT greatest(d0, coalesce(dp + 1, d0)) AS a, d1 AS b, ${dialect.cast('sum(wt)', 'BIGINT')} AS wt FROM sd GROUP BY d0, d1, dp
)`,
    // Rows per day (a difference array over the days), their running total, and the day
    // by which the page's last row is reached (else the last day).
    `steps AS (
  SELECT i, sum(w) AS w FROM (SELECT a AS i, wt AS w FROM cnt UNION ALL SELECT b + 1, -wt FROM cnt) GROUP BY i
)`,
    `perday AS (
  SELECT s.i, sum(coalesce(st.w, 0)) OVER (ORDER BY s.i) AS n FROM (SELECT ${dialect.integerSeries('min(a)', 'max(b) + 1')} AS i FROM cnt) s LEFT JOIN steps st ON st.i = s.i
)`,
    `upto AS (
  SELECT i, sum(n) OVER (ORDER BY i) AS c FROM perday
)`,
    `lastday AS (
  SELECT coalesce(min(i) FILTER (WHERE c >= ${offset} + ${limit}), max(i)) AS i FROM upto
)`,
    // The runs reaching the page's last day (their instants a day or less from its wall
    // clock), cut at the zone's offsets and that day's end.
    `pp AS (
  SELECT sp.m, greatest(sp.s, g.a) + g.o AS lo, least(sp.e, g.b, ((SELECT i FROM lastday) + 2) * ${DAY}) + g.o AS hi
  FROM spans sp JOIN segs g ON g.a < sp.e AND g.b > sp.s WHERE sp.s < ((SELECT i FROM lastday) + 2) * ${DAY}
)`,
    `per AS (${piecesPerDay(dialect, `(SELECT m, lo, least(hi, ((SELECT i FROM lastday) + 1) * ${DAY}) AS hi FROM pp WHERE lo < ((SELECT i FROM lastday) + 1) * ${DAY})`)})`,
    // The page's keys from UTC's days of its members (a key per entity number).
    `page AS (
  SELECT m, d, us FROM per ORDER BY d, m LIMIT ${limit} OFFSET ${offset}
), pk AS (
  ${daysKeys(def, src, dialect)}
)`,
  ];
  return `WITH ${ctes.join(', ')}
SELECT (SELECT ${dialect.cast('coalesce(sum((b - a + 1) * wt), 0)', 'BIGINT')} FROM cnt) AS total, pk.k AS entity${labels}, ${dialect.dateOfDay('page.d')} AS date, page.us
FROM (SELECT 1) one LEFT JOIN page ON true LEFT JOIN pk ON pk.m = page.m LEFT JOIN ${ident(entity.name)} x ON x.${ident(tableKey(entity))} = pk.k
ORDER BY page.d, page.m`;
}

/** `(m, k)` for the page's entities from UTC's stored days in the window (each has one). */
function daysKeys(def: IntervalsDef, src: ActivitySources, dialect: Dialect): string {
  return `SELECT m, ${dialect.anyValue('k')} AS k FROM (${daysRead(def, 0, src, dialect, { k: def.key })}) WHERE m IN (SELECT m FROM page) GROUP BY m`;
}

/** (m, d, us) of the `pieces` (or of `from`, a query of them): most lie within one day and
 *  need no series of days. */
function piecesPerDay(dialect: Dialect, from = 'pieces'): string {
  const DAY = sqlInteger(DAY_US);
  const day = (x: string) => dialect.floorDiv(x, DAY);
  const [d0, d1] = [day('lo'), day('(hi - 1)')];
  return `SELECT m, d, ${dialect.cast('sum(pu)', 'BIGINT')} AS us FROM (
    SELECT m, ${d0} AS d, hi - lo AS pu FROM ${from} WHERE ${d0} = ${d1}
    UNION ALL SELECT m, d, least(hi, (d + 1) * ${DAY}) - greatest(lo, d * ${DAY}) AS pu
    FROM (SELECT m, lo, hi, ${dialect.integerSeries(d0, `${d1} + 1`)} AS d FROM ${from} WHERE ${d0} < ${d1})
  ) GROUP BY m, d`;
}

/** `dd`, the stored days with activity in the window (the filter's entities), and `per`:
 *  those the window holds whole as stored, those it cuts from the pieces near its ends. */
function fromDays(plan: ActivityPlan, clock: DayClock, catalog: Catalog, src: ActivitySources, dialect: Dialect): string[] {
  const def = intervalsDef(catalog, plan.intervals);
  const c = DAY_COLUMNS;
  // Inlined, each reader scanning the table for its own columns and rows: the total counts,
  // the page is a top-N and the keys are looked up for the page's entities. Materialized
  // (DuckDB's choice for a CTE read more than once), the window's 1.9M member-days at 10M
  // periods were copied twice, with their UUIDs (~220 of ~185-300 ms).
  const inline = dialect.cteHint('inlined');
  return [
    `dd AS${inline} (
  ${daysRead(def, clock, src, dialect, { k: def.key, d: c.day, us: c.us, f: c.first, l: c.last })}
)`,
    `cut AS (
  SELECT m, d FROM dd WHERE f < ${src.ws} OR l > ${src.we}
)`,
    `cp AS (
  SELECT * FROM pieces WHERE m IN (SELECT m FROM cut)
)`,
    `eper AS (${piecesPerDay(dialect, 'cp')})`,
    `per AS${inline} (
  SELECT m, d, us FROM dd WHERE f >= ${src.ws} AND l <= ${src.we}
  UNION ALL SELECT e.m, e.d, e.us FROM eper e JOIN cut x ON x.m = e.m AND x.d = e.d
)`,
  ];
}
