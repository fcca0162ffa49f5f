// The members dataset (SPEC-members.md): the members of a service, each with an IANA time
// zone, and their activity periods (logged in to logged out), as data. Members are keyed by
// UUID; periods by integer. The old service was Django's app `task` (tables `task_user`,
// `task_activityperiod`), whose names are accepted on import.
import type { Catalog, ColumnDef, Expr, SqlType } from '../../catalog.ts';
import type { DatasetDef } from '../../dataset.ts';
import { MEMBER_ACTIVITY } from './intervals.ts';

const column = (name: string): Expr => ({ kind: 'column', name });

const col = (name: string, sqlType: SqlType, o: Partial<Pick<ColumnDef, 'filterable' | 'zone'>> = {}): ColumnDef => ({
  name,
  sqlType,
  nullable: false,
  filterable: o.filterable ?? true,
  unique: name === 'id',
  ...(o.zone ? { zone: true } : {}),
});

/** A period's length in whole seconds (end minus start, sub-second parts dropped). */
export const periodSeconds: Expr = { kind: 'call', fn: 'seconds_between', args: [column('start_time'), column('end_time')] };

export const membersCatalog: Catalog = {
  root: 'activity_period',
  tables: [
    {
      name: 'member',
      // Not Django's model name `user` as a suffix: a Django database also holds
      // `auth_user`, so `*_user` would be ambiguous; `task_user` is named outright.
      sourceNames: ['member', 'members', 'task_user'],
      columns: [col('id', 'UUID'), col('real_name', 'VARCHAR'), col('tz', 'VARCHAR', { zone: true })],
      relations: [{ name: 'activity_periods', kind: 'one-to-many', column: 'member_id', target: 'activity_period' }],
      label: 'real_name',
    },
    {
      name: 'activity_period',
      sourceNames: ['activity_period', 'activityperiod', 'activity_periods', 'task_activityperiod'],
      djangoModel: 'activityperiod',
      columns: [col('id', 'BIGINT'), col('member_id', 'UUID', { filterable: false }), col('start_time', 'TIMESTAMP'), col('end_time', 'TIMESTAMP')],
      computed: [{ name: 'duration', sqlType: 'BIGINT', nullable: false, expr: periodSeconds }],
      ordered: [['start_time', 'end_time']],
      relations: [{ name: 'member', column: 'member_id', target: 'member' }],
      label: 'id',
    },
  ],
  // Questions count periods in a window of their start, per member or zone: the member's
  // key and zone are copied into the period rows, sorted by start, so that windows skip row
  // groups and a zone needs no join.
  fact: {
    name: 'fact_activity_period',
    time: 'start_time',
    sortKey: ['start_time'],
    zone: 'tz',
    // A member's periods stored together: a page of members' periods (/fetch/, the member
    // lists) reads a few row groups, and a question about one member skips the others'.
    projections: [{ name: 'fact_activity_period_by_member', sortKey: ['member_id', 'start_time'] }],
    columns: [
      { name: 'id', path: 'id', sqlType: 'BIGINT', nullable: false },
      { name: 'member_id', path: 'member', sqlType: 'UUID', nullable: false },
      { name: 'start_time', path: 'start_time', sqlType: 'TIMESTAMP', nullable: false },
      { name: 'end_time', path: 'end_time', sqlType: 'TIMESTAMP', nullable: false },
      { name: 'tz', path: 'member__tz', sqlType: 'VARCHAR', nullable: false },
    ],
  },
  rollups: [],
  distinctSets: [],
  firstSeen: [],
  intervals: [MEMBER_ACTIVITY],
};

export const membersDataset: DatasetDef = {
  name: 'members',
  description: "Members and their activity periods (logins to logouts), each member in an IANA zone of their own (SPEC-members.md)",
  catalog: membersCatalog,
  // The query endpoint counts a period in the bucket of its start and sums its whole length;
  // the activity endpoints merge a member's overlapping periods and clip them to the window.
  measures: {
    active_members: { kind: 'count_distinct', column: 'member_id', description: 'distinct members with a period starting in the window' },
    periods: { kind: 'count', description: 'activity periods starting in the window' },
    active_seconds: { kind: 'sum', expr: periodSeconds, description: 'the summed lengths, in whole seconds, of the periods starting in the window (overlaps not merged)' },
    average_seconds: { kind: 'ratio', numerator: 'active_seconds', denominator: 'periods', decimals: 2, description: 'active_seconds / periods, two decimals; null with no period' },
  },
  // DuckDB's own threshold: groupings on member numbers (up to 2^20 at 1M members) each
  // allocating a perfect hash table of 2^20 slots made activity-time take 158 instead of
  // 42 ms in UTC and 272 instead of 173 in London at 10.45M periods (the same statements,
  // interleaved); no members question was slower.
  perfectHashBits: 12,
};
