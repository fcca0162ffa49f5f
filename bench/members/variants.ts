// The members benchmark's questions (SPEC-members sections 3 and 4): each as the HTTP request
// a client sends (below /api/v1/members), the cells of its answer that are checked, and the
// SQL an analyst would have PostgreSQL run over the old service's Django tables (pg-sql.ts).
// The same shape as the marketplace's variants, so that one measuring function serves both.
import type { MarketVariant } from '../market/variants.ts';
import { MEMBERS_PG as PG } from './pg-sql.ts';
import type { Zone } from './pg-sql.ts';

type Body = Record<string, unknown>;
type Row = Record<string, unknown>;

export const MEMBERS_PREFIX = '/api/v1/members';

export interface MembersVariant extends MarketVariant {
  /** Whether the answer reads zone data (DuckDB's ICU against PostgreSQL's tzdata). */
  readonly zoned: boolean;
}

const data = (b: Body): Row[] => (Array.isArray(b['data']) ? (b['data'] as Row[]) : []);
const pick = (...keys: string[]) => (b: Body) => data(b).map((r) => keys.map((k) => r[k]));
const periods = (m: Row) => ((m['activity_periods'] ?? []) as Row[]).map((p) => `${p['start_time']}/${p['end_time']}/${p['duration']}`).join('|');
const memberCells = (m: Row) => [m['id'], m['real_name'], m['tz'], periods(m)];
const listCells = (b: Body) => ((b['members'] ?? []) as Row[]).map((m) => [b['count'], ...memberCells(m)]);
const pagedCells = (...keys: string[]) => (b: Body) => data(b).map((r) => [b['count'], ...keys.map((k) => r[k])]);
const concurrencyCells = (b: Body) => {
  const peak = (b['peak'] ?? {}) as Row;
  return [[peak['at'] ?? null, peak['members'], null], ...pick('period', 'peak', 'members')(b)];
};
const sessionCells = (b: Body) => [[b['count'], b['mean'], b['median'], b['p90'], ((b['buckets'] ?? []) as Row[]).map((k) => `${k['label']}=${k['count']}`).join('|')]];

/** Zones of the list variant: the favourite zones' DST-changing and odd-offset ones. */
export const LIST_ZONES = ['Pacific/Chatham', 'US/Pacific', 'America/Los_Angeles', 'Europe/London', 'Asia/Kolkata'];

/** Exclusion of members in `zones`, added to a variant's request (the PostgreSQL side takes
 *  them as $3): how a zone-data disagreement is set aside to compare the rest. */
export function withoutZones(v: MembersVariant, zones: readonly string[]): MembersVariant {
  if (!zones.length) return v;
  const leaf = { field: 'tz', op: 'not_in', value: [...zones] };
  const filters = v.members['filters'];
  return { ...v, members: { ...v.members, filters: filters === undefined ? leaf : { and: [filters, leaf] } } };
}

/** `member`: the member with the most periods, asked about alone. */
export function membersVariants(member: string): MembersVariant[] {
  const v = (name: string, path: string, members: Record<string, unknown>, cells: MarketVariant['cells'], pg: MarketVariant['pg'], zoned: boolean, method: 'GET' | 'POST' = 'GET'): MembersVariant => ({
    name, path, method, members, cells, pg, zoned,
  });
  const utc: Zone = { zone: 'UTC' };
  const london: Zone = { zone: 'Europe/London' };
  const all = () => 'TRUE';
  return [
    v('members, first page', '', {}, listCells, PG.memberList(all, false), true),
    v('members, a period > 1 day, 5 zones', '', { filters: { and: [{ field: 'activity_periods__duration', op: 'gt', value: 86400 }, { field: 'tz', op: 'in', value: LIST_ZONES }] } }, listCells, PG.memberList(PG.longInZones(LIST_ZONES), false), true),
    v('members, periods of the last week', '', { range: 'week' }, listCells, PG.memberList(all, true), true),
    v('one member', `/${member}`, {}, (b) => [memberCells(b)], PG.oneMember(member), true),
    v('query: periods by month, a year', '/query', { measures: ['periods', 'active_members', 'active_seconds'], time: { granularity: 'month' }, range: 'year' }, pick('period', 'periods', 'active_members', 'active_seconds'), PG.queryByMonth, false, 'POST'),
    v('active per day, UTC', '/active', {}, pick('label', 'active', 'new', 'wau', 'mau', 'stickiness'), PG.activeDays(utc), false),
    v('active per day, tz=member', '/active', { tz: 'member' }, pick('label', 'active', 'new', 'wau', 'mau', 'stickiness'), PG.activeDays('member'), true),
    v('activity time, Europe/London', '/activity-time', { tz: 'Europe/London' }, pagedCells('member_id', 'real_name', 'date', 'seconds'), PG.activityTime(london), false),
    v('activity time, tz=member', '/activity-time', { tz: 'member' }, pagedCells('member_id', 'real_name', 'date', 'seconds'), PG.activityTime('member'), true),
    v('concurrency per hour, UTC', '/concurrency', {}, concurrencyCells, PG.concurrency, false),
    v('sessions', '/sessions', {}, sessionCells, PG.sessions, false),
    v('heatmap, tz=member', '/heatmap', {}, pick('weekday', 'hour', 'member_seconds', 'members'), PG.heatmap('member'), true),
    v('heatmap, Europe/London', '/heatmap', { tz: 'Europe/London' }, pick('weekday', 'hour', 'member_seconds', 'members'), PG.heatmap(london), false),
  ];
}
