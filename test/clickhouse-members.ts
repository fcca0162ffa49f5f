// The members dataset's entry in the ClickHouse conformance table (clickhouse-cases.ts): the
// members fixture (zones with DST changes at odd hours, UUIDs either side of the sign bit,
// sub-second and zero-length periods, awkward names; without its 1880 period, as ClickHouse
// stores no instant before 1900), every members endpoint - the lists, one member, /fetch/,
// the five activity endpoints - over windows across DST changes, and random questions for
// its query endpoint. Alone: `npx vitest run test/clickhouse-conformance.test.ts -t members`.
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { membersFixture } from './members-fixture.ts';
import type { MembersFixture } from './members-fixture.ts';
import type { ConformanceCase, Request } from './clickhouse-case.ts';

const AS_OF = '2026-10-31T12:00:00Z';
const qs = (o: Record<string, unknown>) => new URLSearchParams(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
const get = (path: string, members: Record<string, unknown>): Request => ({ method: 'GET', url: `${path}?${qs({ as_of: AS_OF, ...members })}` });

/** Windows across DST changes (London, US/Pacific, Santiago, Chatham), with microseconds. */
const WINDOWS: readonly Record<string, unknown>[] = [
  {},
  { range: 'year' },
  { range: 'week', as_of: '2026-03-30T02:30:00+01:00', tz: 'Europe/London' },
  { start: '2026-03-01', end: '2026-04-15', tz: 'America/Santiago' },
  { start: '2026-04-01T00:00:00.000001Z', end: '2026-04-10T23:59:59.999999Z', tz: 'Pacific/Chatham' },
  { start: '2026-09-01', end: '2026-11-01', tz: 'member' },
  { start: '2026-03-06', end: '2026-03-12', tz: 'US/Pacific' },
];

const FILTERS: readonly unknown[] = [
  undefined,
  { field: 'tz', op: 'in', value: ['Pacific/Chatham', 'US/Pacific', 'Europe/London', 'Asia/Calcutta'] },
  { field: 'activity_periods__duration', op: 'gt', value: 3600 },
  { not: { field: 'activity_periods__start_time', op: 'gte', value: '2026-05-01T00:00:00Z' } },
  { or: [{ field: 'real_name', op: 'contains', value: '%_' }, { field: 'real_name', op: 'startswith', value: "o'" }, { field: 'id', op: 'eq', value: '7FFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF' }] },
  { field: 'tz', op: 'regex', value: '^(Asia|Australia)/' },
];

function membersFixed(fx: MembersFixture): Request[] {
  const out: Request[] = [];
  const m = (path: string, members: Record<string, unknown>) => get(`/api/v1/members${path}`, members);
  const withFilter = (o: Record<string, unknown>, i: number) => {
    const f = FILTERS[i % FILTERS.length];
    return f === undefined ? o : { ...o, filters: f };
  };
  WINDOWS.forEach((w, i) => {
    const fixedTz = w['tz'] === 'member' ? {} : w;
    out.push(m('', withFilter({ ...fixedTz, limit: 7, offset: i % 2 ? 3 : 0 }, i)));
    for (const compare of ['day', 'week', 'month']) out.push(m('/active', withFilter({ ...w, compare }, i + 1)));
    out.push(m('/activity-time', withFilter({ ...w, limit: 25, offset: i % 3 }, i + 2)));
    for (const bucket of i % 2 ? ['hour', '15m'] : ['day', 'minute']) if (bucket !== 'minute' || w['range'] === 'week') out.push(m('/concurrency', withFilter({ ...w, bucket }, i + 3)));
    out.push(m('/sessions', withFilter(w, i + 4)));
    out.push(m('/heatmap', withFilter(w, i + 5)));
  });
  out.push(m('', { limit: 1000 }));
  out.push(m('', { limit: 20, offset: 3, format: 'csv' }));
  out.push({ method: 'POST', url: '/api/v1/members', body: { filters: FILTERS[2], limit: 50, as_of: AS_OF } });
  for (const id of ['a0000000-0000-4000-8000-000000000004', 'A0000000-0000-4000-8000-000000000001', '7fffffff-ffff-4fff-bfff-ffffffffffff', '80000000-0000-4000-8000-000000000000', fx.members[5]!.id])
    out.push(m(`/${id}`, { range: 'all' }));
  out.push(m('/a0000000-0000-4000-8000-000000000004', { range: 'day', as_of: '2026-05-01T23:00:00Z' }));
  out.push(m('/a0000000-0000-4000-8000-0000000000ff', {}));
  out.push(m('/not-a-uuid', {}));
  out.push({ method: 'GET', url: '/fetch/' });
  out.push({ method: 'GET', url: '/fetch?limit=7&offset=290' });
  out.push({ method: 'GET', url: '/fetch/?limit=3' });
  // The concurrency endpoint's bound on buckets, refused as the query runs.
  out.push(m('/concurrency', { range: 'year', bucket: 'minute' }));
  return out;
}

const DIMENSIONS = ['member', 'member__tz', 'member__real_name', 'duration', 'start_time', 'end_time'];
const ZONES = ['UTC', 'Europe/London', 'Pacific/Chatham', 'America/Santiago', 'Asia/Kolkata'];

function membersQuestion(r: () => number, fx: MembersFixture): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const measures = Object.keys(membersDataset.measures).filter(() => r() < 0.5);
  const q: Record<string, unknown> = { measures: measures.length ? measures : ['periods'], as_of: AS_OF };
  const nd = pick([0, 1, 1, 2]);
  if (nd) q['dimensions'] = [...new Set(Array.from({ length: nd }, () => pick(DIMENSIONS)))];
  if (r() < 0.5) q['time'] = { granularity: pick(['day', 'week', 'month', 'quarter']), ...(r() < 0.3 ? { fill: true } : {}), ...(r() < 0.3 ? { compare: 'previous' } : {}) };
  Object.assign(q, pick([{ range: 'year' }, { range: 'all' }, { start: '2026-03-01', end: '2026-04-15' }, { range: 'month' }]));
  const tz = pick(ZONES);
  if (tz !== 'UTC') q['tz'] = tz;
  const member = pick(fx.members);
  const leaves = [
    () => ({ field: 'member__tz', op: 'in', value: [member.tz, 'Pacific/Chatham'] }),
    () => ({ field: 'member', op: 'eq', value: r() < 0.5 ? member.id : member.id.toUpperCase() }),
    () => ({ field: 'duration', op: pick(['gt', 'lte']), value: pick([0, 59, 3600]) }),
    () => ({ field: 'member__real_name', op: pick(['contains', 'iexact', 'startswith']), value: member.real_name.slice(0, 4) }),
  ];
  if (r() < 0.5) q['filters'] = pick(leaves)();
  if (r() < 0.4) q['order'] = [{ by: pick(q['measures'] as string[]), dir: pick(['asc', 'desc']) }];
  q['limit'] = pick([5, 100]);
  return JSON.parse(JSON.stringify(q));
}

export const members: ConformanceCase = {
  dataset: membersDataset,
  async build(dir) {
    const fx = await membersFixture(dir, 300, 11, true);
    return { db: fx.db, fixed: membersFixed(fx), question: (r) => membersQuestion(r, fx) };
  },
};
