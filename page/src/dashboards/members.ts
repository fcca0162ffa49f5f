// The members dataset's dashboard (SPEC-members sections 3 and 4): active members with WAU
// and MAU, concurrency, session lengths, the weekday x hour heatmap and a page of members.
import { duration, formatValue } from '../format.ts';
import type { Body, DashboardDef, Row } from './types.ts';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** The zone the answer counted in, as it says (`tz`). */
function zoneNote(body: Body): string | undefined {
  const tz = body['tz'];
  if (typeof tz !== 'string') return undefined;
  return tz === 'member' ? "on each member's own clock" : `in ${tz}`;
}

/** An instant as the answers give it: UTC with Z, or a wall-clock time (tz=member). */
const instant = (v: unknown): string => (typeof v === 'string' ? v.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '-');

const join = (...parts: (string | undefined)[]): string | undefined => parts.filter(Boolean).join('; ') || undefined;

const MEMBER_COLUMNS = [
  { key: 'real_name', label: 'name' },
  { key: 'tz', label: 'zone' },
  { key: 'periods', label: 'periods' },
  { key: 'seconds', label: 'seconds' },
  { key: 'last_end', label: 'last period ended' },
  { key: 'id', label: 'id' },
];

/** A member of /api/v1/members, with figures of their periods (those the answer lists). */
function memberRow(m: Row): Row {
  const periods = Array.isArray(m['activity_periods']) ? (m['activity_periods'] as Row[]) : [];
  return {
    real_name: m['real_name'],
    tz: m['tz'],
    periods: periods.length,
    seconds: periods.reduce((s, p) => s + num(p['duration']), 0),
    last_end: periods.length ? periods[periods.length - 1]!['end_time'] : null,
    id: m['id'],
  };
}

export const membersDashboard: DashboardDef = {
  name: 'members',
  title: 'Members',
  dataset: 'members',
  defaultRoot: 'member',
  zoneWords: ['member'],
  panels: [
    {
      id: 'active',
      title: 'Active members, WAU and MAU',
      path: 'members/active',
      choices: [{ name: 'compare', label: 'per', values: ['day', 'week', 'month'], default: 'day' }],
      root: 'member',
      columns: [
        { key: 'label', label: 'period' },
        { key: 'active', label: 'active' },
        { key: 'new', label: 'new' },
        { key: 'wau', label: 'WAU' },
        { key: 'mau', label: 'MAU' },
        { key: 'stickiness', label: 'stickiness %' },
      ],
      chart: {
        kind: 'series',
        x: 'period',
        left: [{ key: 'active', label: 'active' }, { key: 'new', label: 'new' }, { key: 'wau', label: 'WAU' }, { key: 'mau', label: 'MAU' }],
        right: [{ key: 'stickiness', label: 'stickiness %' }],
        leftLabel: 'members',
        rightLabel: 'stickiness %',
      },
      // The API counts activity inside the window only (README): said where it shows.
      note: (body) => join(zoneNote(body), body['compare'] === 'day' ? 'WAU and MAU count the window only: its first 29 days look back over fewer days' : undefined),
      wide: true,
    },
    {
      id: 'concurrency',
      title: 'Members online at once',
      path: 'members/concurrency',
      choices: [{ name: 'bucket', label: 'per', values: ['minute', '5m', '15m', 'hour', 'day'], default: 'hour' }],
      root: 'member',
      columns: [{ key: 'period', label: 'bucket' }, { key: 'peak', label: 'peak' }, { key: 'members', label: 'members' }],
      chart: { kind: 'series', x: 'period', left: [{ key: 'peak', label: 'most at one instant' }, { key: 'members', label: 'active in the bucket' }], leftLabel: 'members' },
      note: (body) => {
        const p = body['peak'] as { members?: unknown; at?: unknown } | null | undefined;
        const peak = p && typeof p === 'object' && p.members !== undefined ? `peak of the window: ${formatValue(p.members)} members at once, first at ${instant(p.at)}` : undefined;
        return join(peak, zoneNote(body));
      },
      wide: true,
    },
    {
      id: 'sessions',
      title: 'Session lengths',
      path: 'members/sessions',
      root: 'member',
      rows: (body) => (Array.isArray(body['buckets']) ? (body['buckets'] as Row[]) : []),
      columns: [{ key: 'label', label: 'length' }, { key: 'count', label: 'sessions' }, { key: 'min_seconds', label: 'from (s)' }, { key: 'max_seconds', label: 'to (s)' }],
      chart: { kind: 'bars', label: (r) => String(r['label']), value: (r) => r['count'], unit: () => 'sessions' },
      note: (body) =>
        body['count'] === undefined
          ? undefined
          : `${formatValue(body['count'])} sessions (overlapping periods merged); mean ${duration(body['mean'])} (${formatValue(body['mean'])} s), median ${duration(body['median'])} (${formatValue(body['median'])} s), p90 ${duration(body['p90'])} (${formatValue(body['p90'])} s)`,
    },
    {
      id: 'heatmap',
      title: 'Activity by weekday and hour',
      path: 'members/heatmap',
      root: 'member',
      columns: [{ key: 'weekday', label: 'weekday' }, { key: 'hour', label: 'hour' }, { key: 'member_seconds', label: 'member seconds' }, { key: 'members', label: 'members' }],
      chart: {
        kind: 'heatmap',
        cells: (rows) => rows.map((r) => ({ x: String(r['hour']).padStart(2, '0'), y: WEEKDAYS[num(r['weekday']) - 1] ?? String(r['weekday']), value: Math.round(num(r['member_seconds']) / 36) / 100 })),
        xLabel: 'hour',
        yLabel: 'weekday',
        unit: 'member hours',
      },
      note: zoneNote,
    },
    {
      id: 'members',
      title: 'Members (the first 20 by id)',
      path: 'members',
      params: { limit: '20' },
      root: 'member',
      // The list takes IANA zones only; with `member` its date-only start / end are read in
      // UTC, as the activity endpoints read them then. Its times are the members' own anyway.
      zone: (tz) => (tz === 'member' ? undefined : tz),
      rows: (body) => (Array.isArray(body['members']) ? (body['members'] as Row[]).map(memberRow) : []),
      columns: MEMBER_COLUMNS,
      chart: { kind: 'table', columns: MEMBER_COLUMNS },
      note: (body) => (typeof body['count'] === 'number' ? `${formatValue(body['count'])} members; with a window, only those with a period in it, and only those periods` : undefined),
      wide: true,
    },
  ],
};
