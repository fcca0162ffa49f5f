// The snapshot's tables for activity plans (catalog IntervalsDef), built at import from the
// final tables: each entity's periods merged (one row per maximal run of activity, with the
// entity's zone and whether it is the entity's first), stored by start so that a window's
// zone maps skip the rest; and the offsets of the entities' zones over the data's span
// (zone-segments.ts); where declared, the active time per entity and calendar day
// (activity-days.ts), the activity levels (activity-levels.ts) and the active time per
// entity, day and hour (activity-hours.ts), and the active days counted by the day before
// (activity-gaps.ts), the levels per UTC hour (activity-level-hours.ts), the hours' time
// summed per day (activity-hour-totals.ts), and the levels on the entities' own wall clocks
// with their rollup per wall-clock hour (activity-wall-levels.ts). Queries then read the window's runs as they are, with no merging,
// and map them to wall-clock time by arithmetic. Pure: returns statements.
import type { Catalog, IntervalsDef } from './catalog.ts';
import { tableDef, tableKey } from './catalog.ts';
import { duckdb } from './dialect/duckdb.ts';
import { FIRST_COLUMN, NUMBER_COLUMN, PREVIOUS_END_COLUMN, ZONE_COLUMNS, mergeCtes } from './query/activity-sources.ts';
import { zoneSegmentCtes } from './query/zone-segments.ts';
import { daysTableSql } from './query/activity-days.ts';
import { levelsTableSql } from './query/activity-levels.ts';
import { hoursTableSql } from './query/activity-hours.ts';
import { gapsTableSql } from './query/activity-gaps.ts';
import { levelHoursTableSql } from './query/activity-level-hours.ts';
import { hourTotalsTableSql } from './query/activity-hour-totals.ts';
import { dayHoursTableSql } from './query/activity-day-hours.ts';
import { wallLevelsTableSql } from './query/activity-wall-levels.ts';
import { ident } from './sql.ts';

export function intervalsLayout(catalog: Catalog, def: IntervalsDef): string[] {
  const d = duckdb;
  const entity = tableDef(catalog, def.entity);
  const [key, start, end, zone] = [def.key, def.start, def.end, def.zone].map(ident) as [string, string, string, string];
  // A period holding no instant (end = start) is no activity.
  const merged = `CREATE TABLE ${ident(def.merged)} AS WITH sel AS (
  SELECT p.${key} AS m, x.${zone} AS z, ${d.epochMicros(`p.${start}`)} AS s, ${d.epochMicros(`p.${end}`)} AS e
  FROM ${ident(def.table)} p JOIN ${ident(entity.name)} x ON x.${ident(tableKey(entity))} = p.${key} WHERE p.${end} > p.${start}
), ${mergeCtes('spans', 'sel', true)}
SELECT m AS ${key}, z AS ${zone}, ${d.fromEpochMicros('s')} AS ${start}, ${d.fromEpochMicros('e')} AS ${end}, row_number() OVER (PARTITION BY m ORDER BY s) = 1 AS ${ident(FIRST_COLUMN)},
  CAST(dense_rank() OVER (ORDER BY m) AS INTEGER) AS ${ident(NUMBER_COLUMN)}, ${d.fromEpochMicros('lag(e) OVER (PARTITION BY m ORDER BY s)')} AS ${ident(PREVIOUS_END_COLUMN)}
FROM spans ORDER BY s, m`;
  const c = ZONE_COLUMNS;
  const span = `(SELECT min(${d.epochMicros(start)}) FROM ${ident(def.table)})`;
  const last = `(SELECT max(${d.epochMicros(end)}) FROM ${ident(def.table)})`;
  const zones = `CREATE TABLE ${ident(def.zones)} AS WITH ${zoneSegmentCtes('segs', `SELECT DISTINCT ${zone} AS z FROM ${ident(entity.name)}`, span, last, d)}
SELECT z AS ${ident(c.zone)}, a AS ${ident(c.from)}, b AS ${ident(c.to)}, o AS ${ident(c.offset)} FROM segs ORDER BY z, a`;
  return [merged, zones, ...(def.days === undefined ? [] : [daysTableSql(def, def.days, d)]), ...(def.levels === undefined ? [] : [levelsTableSql(def, def.levels, d)]), ...(def.hours === undefined ? [] : hoursTableSql(def, def.hours, d)),
    ...(def.gaps === undefined || def.days === undefined ? [] : [gapsTableSql(def, def.gaps, d)]),
    ...(def.levelHours === undefined || def.levels === undefined ? [] : [levelHoursTableSql(def.levels, def.levelHours, d)]),
    ...(def.hourTotals === undefined || def.hours === undefined ? [] : [hourTotalsTableSql(def.hours, def.hourTotals, d)]),
    ...(def.dayHours === undefined || def.days === undefined ? [] : [dayHoursTableSql(def.days, def.dayHours, d)]),
    ...(def.wallLevels === undefined ? [] : [wallLevelsTableSql(def, def.wallLevels, d)]),
    ...(def.wallLevelHours === undefined || def.wallLevels === undefined ? [] : [levelHoursTableSql(def.wallLevels, def.wallLevelHours, d)]),
  ];
}
