// The import's days table on UTC's clock counted by hour (IntervalsDef.dayHours): per UTC
// day, the entities' stored days counted by the hour of their first active instant, the
// hour of their last, and, where their previous active day is one or two days before, how
// many (else 0) and the hour of its last instant (else -1). ~830 rows a day at 10M periods,
// where the days table has ~33,000.
//
// A fixed zone's local days from UTC's days (activity-zoned-days.ts), for activity-time,
// need of each stored day only on which side of the zone's midnight inside it (if any) its
// first and last instants lie, and whether its previous active day's last instant lies on
// the same local day as its first (only possible where that day is one or two before: a
// local day of more than 48 hours would take a zone off whole hours, Sitka's 1867): in a
// zone whose offsets and changes are all on whole hours over the window, that midnight is
// on a whole hour, so the hours decide it, and a row here stands for `n` stored days alike.
// (`active` reads the previous day further back, for its 7- and 30-day counts: not these.)
// Pure: SQL text.
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { offsetsOnWholeHours } from '../zones.ts';
import { DAY_COLUMNS } from './activity-days.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { DAY_US, HOUR_US, epochUs } from './zone-segments.ts';

export const DAY_HOUR_COLUMNS = { day: 'day', first: 'first_hour', last: 'last_hour', gap: 'previous_gap', previous: 'previous_last_hour', n: 'n' } as const;

/** The statement building the table (DuckDB, at import), after the days table. */
export function dayHoursTableSql(days: string, dayHours: string, d: Dialect): string {
  const c = DAY_COLUMNS;
  const h = DAY_HOUR_COLUMNS;
  const [DAY, H] = [sqlInteger(DAY_US), sqlInteger(HOUR_US)];
  const hourOf = (x: string) => `CAST(${d.floorDiv(d.floorMod(x, DAY), H)} AS TINYINT)`;
  const day = ident(c.day);
  return `CREATE TABLE ${ident(dayHours)} AS SELECT ${day} AS ${ident(h.day)}, ${hourOf(ident(c.first))} AS ${ident(h.first)}, ${hourOf(`${ident(c.last)} - 1`)} AS ${ident(h.last)},
  CASE WHEN ${ident(c.previousDay)} >= ${day} - 2 THEN CAST(${day} - ${ident(c.previousDay)} AS TINYINT) ELSE CAST(0 AS TINYINT) END AS ${ident(h.gap)},
  CASE WHEN ${ident(c.previousDay)} >= ${day} - 2 THEN ${hourOf(`${ident(c.previousLast)} - 1`)} ELSE CAST(-1 AS TINYINT) END AS ${ident(h.previous)}, count(*) AS ${ident(h.n)}
FROM ${ident(days)} WHERE ${ident(c.clock)} = 0 GROUP BY ALL ORDER BY 1, 2, 3, 4, 5`;
}

/** The table, where the plan may read it: held by the snapshot, no filter (the rows hold no
 *  entity), and the zone's offsets and their changes on whole hours over the window (checked
 *  with Intl's zone data here, and with the database's in the query). */
export function dayHoursFor(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): string | null {
  if (def.dayHours === undefined || options.intervalTables?.has(def.dayHours) !== true) return null;
  if (plan.filter !== undefined || plan.zone.kind !== 'fixed' || plan.window.start === null) return null;
  return offsetsOnWholeHours(plan.zone.tz, epochUs(plan.window.start) / 1000, epochUs(plan.window.end) / 1000) ? def.dayHours : null;
}
