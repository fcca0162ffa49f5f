// The members dataset's dashboard (SPEC-members.md section 4): active members with WAU and
// MAU, concurrency, session lengths and the weekday x hour heatmap. Written against the
// spec's answer shapes; shown as "not available" until /api/v1/datasets lists the dataset.
import type { DashboardDef, Row } from './types.ts';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

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
      wide: true,
    },
    {
      id: 'concurrency',
      title: 'Concurrency',
      path: 'members/concurrency',
      choices: [{ name: 'bucket', label: 'per', values: ['minute', '5m', '15m', 'hour', 'day'], default: 'hour' }],
      root: 'member',
      chart: { kind: 'series', x: 'period', left: [{ key: 'peak', label: 'peak at one instant' }, { key: 'members', label: 'members active' }], leftLabel: 'members' },
      note: (body) => {
        const p = body['peak'] as { members?: unknown; at?: unknown } | null | undefined;
        return p && p.members !== undefined ? `peak of the window: ${String(p.members)} members at once, first at ${String(p.at ?? '-')}` : undefined;
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
      note: (body) => (body['count'] !== undefined ? `${String(body['count'])} sessions; mean ${String(body['mean'] ?? '-')} s, median ${String(body['median'] ?? '-')} s, p90 ${String(body['p90'] ?? '-')} s` : undefined),
    },
    {
      id: 'heatmap',
      title: 'Activity by weekday and hour',
      path: 'members/heatmap',
      root: 'member',
      columns: [{ key: 'weekday', label: 'weekday' }, { key: 'hour', label: 'hour' }, { key: 'member_seconds', label: 'member seconds' }, { key: 'members', label: 'members' }],
      chart: {
        kind: 'heatmap',
        cells: (rows) => rows.map((r) => ({ x: String(r['hour']).padStart(2, '0'), y: WEEKDAYS[num(r['weekday']) - 1] ?? String(r['weekday']), value: num(r['member_seconds']) })),
        xLabel: 'hour',
        yLabel: 'weekday',
        unit: 'member seconds',
      },
    },
  ],
};
