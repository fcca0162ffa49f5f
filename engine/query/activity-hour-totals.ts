// The import's hours table summed over the entities (IntervalsDef.hourTotals): per clock of
// the hours table (activity-hours.ts: UTC's, the entity's own zone's) and calendar day, the
// 24 hours' microseconds of every entity together. A few hundred rows a year per clock.
//
// The heatmap's time per cell is the window's days summed per hour; the days the window
// holds whole for every entity (activity-days.ts wholeDays) are these sums, read instead of
// a row per entity and day (1.9M at 10M periods for a month); the days around them, which
// the window may cut, are summed from the hours table's rows it holds whole, as before (the
// cut ones come from the runs; activity-hours.ts hourCtes). No entity key: a filtered heatmap
// reads the runs. Pure.
import type { Dialect } from '../dialect/dialect.ts';
import { ident } from '../sql.ts';
import { HOUR_COLUMNS, HOUR_US_COLUMNS } from './activity-hours.ts';

/** The statement building the table (DuckDB, at import), after the hours table. */
export function hourTotalsTableSql(hours: string, totals: string, d: Dialect): string {
  const [clock, day] = [ident(HOUR_COLUMNS.clock), ident(HOUR_COLUMNS.day)];
  const sums = HOUR_US_COLUMNS.map((h) => `${d.cast(`sum(${ident(h)})`, 'BIGINT')} AS ${ident(h)}`).join(', ');
  return `CREATE TABLE ${ident(totals)} AS SELECT ${clock}, ${day}, ${sums} FROM ${ident(hours)} GROUP BY 1, 2 ORDER BY 1, 2`;
}
