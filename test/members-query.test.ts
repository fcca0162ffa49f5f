// The members dataset in the generic machinery (SPEC-query sections 1 and 2): listed by
// /api/v1/datasets, described by /api/v1/meta?dataset=members, and asked by
// POST/GET /api/v1/members/query for `active_members`, `periods`, `active_seconds` and
// `average_seconds` by zone, member and month in a zone, with filters through the member to
// all its periods; each answer against a brute-force count over the source rows
// (members-fixture.ts): periods counted by their start, lengths in whole seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { membersFixture } from './members-fixture.ts';
import type { MembersFixture, PeriodRow } from './members-fixture.ts';
import { seconds, usOf, zonedIso } from './members-reference.ts';

const dir = tempDir('mquery-members-');
let fx: MembersFixture;
let engine: Engine;
let app: FastifyInstance;
const AS_OF = '2026-11-01T00:00:00Z';

beforeAll(async () => {
  fx = await membersFixture(dir.path);
  engine = await Engine.open(fx.db, { dataset: membersDataset });
  app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'members' ? engine : undefined), limits: STEADY_LIMITS });
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
  dir.cleanup();
});

interface Row {
  [k: string]: unknown;
}

const ask = async (q: Record<string, unknown>) => {
  const r = await app.inject({ method: 'POST', url: '/api/v1/members/query', payload: { as_of: AS_OF, limit: 100_000, ...q } });
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  return r.json() as { columns: { name: string; type: string }[]; data: Row[]; count: number };
};

/** Measures over periods, grouped by `key`. */
function reference(periods: readonly PeriodRow[], key: (p: PeriodRow) => string): Map<string, { active_members: number; periods: number; active_seconds: number }> {
  const out = new Map<string, { members: Set<string>; periods: number; active_seconds: number }>();
  for (const p of periods) {
    const k = key(p);
    const g = out.get(k) ?? { members: new Set<string>(), periods: 0, active_seconds: 0 };
    g.members.add(p.member_id);
    g.periods++;
    g.active_seconds += seconds(p);
    out.set(k, g);
  }
  return new Map([...out].map(([k, g]) => [k, { active_members: g.members.size, periods: g.periods, active_seconds: g.active_seconds }]));
}

const zoneOf = () => new Map(fx.members.map((m) => [m.id, m.tz]));
const before = (p: PeriodRow) => p.start < usOf(AS_OF);

describe('the members dataset', () => {
  it('is listed with its tables and described by meta', async () => {
    const ds = (await app.inject({ url: '/api/v1/datasets' })).json() as { datasets: { name: string; available: boolean; measures: string[]; snapshot: { tables: Record<string, number> } | null }[] };
    const members = ds.datasets.find((d) => d.name === 'members')!;
    expect(members.available).toBe(true);
    expect(members.measures).toEqual(['active_members', 'periods', 'active_seconds', 'average_seconds']);
    expect(members.snapshot!.tables).toEqual({ member: fx.members.length, activity_period: fx.periods.length });
    const meta = (await app.inject({ url: '/api/v1/meta?dataset=members' })).json() as { root: string; fields: { path: string; type: string }[]; measures: { name: string }[] };
    expect(meta.root).toBe('activity_period');
    const types = Object.fromEntries(meta.fields.map((f) => [f.path, f.type]));
    expect(types).toMatchObject({ member: 'uuid', member__tz: 'text', duration: 'integer', start_time: 'timestamp', member__activity_periods__duration: 'integer' });
  });

  it('counts periods, members and seconds per zone as the source rows do', async () => {
    const tz = zoneOf();
    const want = reference(fx.periods.filter(before), (p) => tz.get(p.member_id)!);
    const got = await ask({ measures: ['active_members', 'periods', 'active_seconds', 'average_seconds'], dimensions: ['member__tz'], range: 'all' });
    expect(got.columns.map((c) => [c.name, c.type])).toEqual([['member__tz', 'text'], ['active_members', 'integer'], ['periods', 'integer'], ['active_seconds', 'integer'], ['average_seconds', 'decimal']]);
    expect(got.data.length).toBe(want.size);
    for (const row of got.data) {
      const w = want.get(row['member__tz'] as string)!;
      expect(row, String(row['member__tz'])).toMatchObject(w);
      // Two decimals, half away from zero, from the integers.
      expect(Number(row['average_seconds'])).toBeCloseTo(Math.round((w.active_seconds / w.periods) * 100) / 100, 2);
    }
    // Ordered by the first measure descending, ties by the zone.
    const keys = got.data.map((r) => [-(r['active_members'] as number), r['member__tz'] as string] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)));
  });

  it('buckets periods by the month of their start in a zone, in a window', async () => {
    const start = usOf('2026-01-01T00:00:00Z');
    const inWindow = fx.periods.filter((p) => p.start >= start && before(p));
    const want = reference(inWindow, (p) => `${zonedIso(p.start, 'Pacific/Chatham').slice(0, 7)}-01`);
    // The window's edges are UTC instants; a bucket is a Chatham month.
    const got = await ask({ measures: ['periods', 'active_seconds', 'active_members'], time: { granularity: 'month' }, tz: 'Pacific/Chatham', start: '2026-01-01T00:00:00Z', end: AS_OF });
    expect(Object.fromEntries(got.data.map((r) => [r['period'], { periods: r['periods'], active_seconds: r['active_seconds'], active_members: r['active_members'] }]))).toEqual(Object.fromEntries(want));
  });

  it('filters periods through their member to every period of that member', async () => {
    const long = new Set(fx.periods.filter((p) => seconds(p) > 86_400).map((p) => p.member_id));
    const want = reference(fx.periods.filter((p) => before(p) && long.has(p.member_id)), (p) => p.member_id);
    const filters = { field: 'member__activity_periods__duration', op: 'gt', value: 86_400 };
    const got = await ask({ measures: ['periods', 'active_seconds'], dimensions: ['member'], filters, range: 'all' });
    expect(got.data.length).toBe(want.size);
    for (const row of got.data) expect(row).toMatchObject({ periods: want.get(row['member'] as string)!.periods, active_seconds: want.get(row['member'] as string)!.active_seconds });
    // GET with the same members.
    const q = new URLSearchParams({ measures: 'periods', dimensions: 'member', filters: JSON.stringify(filters), range: 'all', as_of: AS_OF, limit: '5' });
    const r = await app.inject({ url: `/api/v1/members/query?${q}` });
    expect(r.statusCode).toBe(200);
    expect((r.json() as { count: number }).count).toBe(want.size);
  });

  it('compiles active_seconds to whole seconds from microseconds, and refuses unknown names', async () => {
    const { sql } = engine.compile({ kind: 'aggregate', dataset: 'members', window: { start: null, end: '2026-11-01 00:00:00.000000' }, filter: undefined, dimensions: [], measures: ['active_seconds', 'active_members'], labels: [], order: [], nulls: 'keep', limit: 1, offset: 0 });
    expect(sql).toContain(`COALESCE(sum(((epoch_us(f."end_time") - epoch_us(f."start_time")) // 1000000)), 0) AS m0`);
    expect(sql).toContain(`count(DISTINCT f."member_id") AS m1 FROM (SELECT * FROM "fact_activity_period" f WHERE f."start_time" < $1::TIMESTAMP) f`);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/members/query', payload: { measures: ['active_member'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_parameter', details: [{ path: '/measures/0', message: expect.stringContaining("did you mean 'active_members'") }] });
  });
});
