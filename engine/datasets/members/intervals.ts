// The members' activity periods as intervals (catalog IntervalsDef), for the activity
// analytics (SPEC-members section 4): a period runs from start_time to end_time of its
// member, in the member's zone `tz`. An import also stores them merged per member
// (`activity_run`) with the offsets of the members' zones (`zone_offset`), and the active
// time per member and calendar day, UTC's and the member's own (`activity_day`), and the
// runs' starts and ends in time order with the number of members active after each
// (`activity_level`), and the active time per member, day and hour of the day, UTC's and
// the member's own (`activity_hour`), and the members active per day of those two clocks by
// their previous active day (`activity_gap`), the levels rolled up per UTC hour
// (`activity_level_hour`), the hours' time summed over the members per day
// (`activity_hour_total`), the UTC days counted by the hours of their first and last instants
// (`activity_day_hour`), and the levels on the members' own wall clocks and their rollup
// per wall-clock hour (`activity_level_wall`, `activity_level_wall_hour`).
import type { IntervalsDef } from '../../catalog.ts';

export const MEMBER_ACTIVITY: IntervalsDef = {
  name: 'activity',
  table: 'activity_period',
  key: 'member_id',
  start: 'start_time',
  end: 'end_time',
  entity: 'member',
  zone: 'tz',
  merged: 'activity_run',
  zones: 'zone_offset',
  days: 'activity_day',
  levels: 'activity_level',
  hours: 'activity_hour',
  gaps: 'activity_gap',
  levelHours: 'activity_level_hour',
  hourTotals: 'activity_hour_total',
  dayHours: 'activity_day_hour',
  wallLevels: 'activity_level_wall',
  wallLevelHours: 'activity_level_wall_hour',
};
