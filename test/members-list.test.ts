// GET/POST /api/v1/members and /api/v1/members/{id} (SPEC-members section 3) against a
// brute-force reference over the source rows (members-reference.ts): every page through the
// links, filters on the member's own fields and on the one-to-many activity_periods__* paths
// (some period satisfies the leaf; `not` negates that: members without periods included),
// windows keeping the periods that overlap them (zero-length ones at the edges), times in the
// member's zone with its offset at the instant (Intl's offsets), 404 and 400s, CSV and Arrow,
// the documented answer shapes, and the SQL a windowed list compiles to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { member, membersPlan } from '../engine/datasets/members/members.ts';
import { leaf } from '../engine/datasets/marketplace/list-common.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { membersFixture } from './members-fixture.ts';
import type { MemberRow, MembersFixture, PeriodRow } from './members-fixture.ts';
import { membersReference, seconds, usOf } from './members-reference.ts';
import type { ListedMember, Win } from './members-reference.ts';
import { documented } from './market-endpoints.ts';
import { parseCsv } from './query-formats.ts';

const dir = tempDir('mlist-');
let fx: MembersFixture;
let engine: Engine;
let app: FastifyInstance;

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

interface Page {
  count: number;
  limit: number;
  offset: number;
  next: string | null;
  previous: string | null;
  members: ListedMember[];
}

/** Every member from `url` on, through the next links, checking counts and back links. */
async function walk(url: string): Promise<{ count: number; members: ListedMember[] }> {
  const members: ListedMember[] = [];
  let next: string | null = url;
  let count: number | undefined;
  while (next !== null) {
    const r = await app.inject({ method: 'GET', url: next });
    expect(r.statusCode, `${next}: ${r.body.slice(0, 300)}`).toBe(200);
    const page = r.json() as Page;
    count ??= page.count;
    expect(page.count).toBe(count);
    expect(page.members.length).toBeLessThanOrEqual(page.limit);
    if (page.offset === 0) expect(page.previous).toBeNull();
    else expect(page.previous).toContain(`offset=${Math.max(0, page.offset - page.limit)}`);
    members.push(...page.members);
    next = page.next;
  }
  return { count: count!, members };
}

const q = (o: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();

const any = (ps: readonly PeriodRow[], f: (p: PeriodRow) => boolean) => ps.some(f);
const Y2026 = usOf('2026-01-01T00:00:00Z');

/** Filters, each beside the same condition written by hand over a member and its periods. */
const FILTERS: { json: unknown; keep: (m: MemberRow, ps: readonly PeriodRow[]) => boolean }[] = [
  { json: { field: 'tz', op: 'in', value: ['US/Pacific', 'Asia/Calcutta', 'Pacific/Chatham'] }, keep: (m) => ['US/Pacific', 'Asia/Calcutta', 'Pacific/Chatham'].includes(m.tz) },
  { json: { field: 'real_name', op: 'icontains', value: '100%_X' }, keep: (m) => m.real_name.toLowerCase().includes('100%_x') },
  { json: { field: 'id', op: 'eq', value: 'A0000000-0000-4000-8000-000000000004' }, keep: (m) => m.id === 'a0000000-0000-4000-8000-000000000004' },
  { json: { field: 'activity_periods__duration', op: 'gte', value: 86_400 }, keep: (_m, ps) => any(ps, (p) => seconds(p) >= 86_400) },
  { json: { field: 'activity_periods__duration', op: 'eq', value: 0 }, keep: (_m, ps) => any(ps, (p) => seconds(p) === 0) },
  // Not: no period starts before 2026 (a member without periods holds).
  { json: { not: { field: 'activity_periods__start_time', op: 'lt', value: '2026-01-01T00:00:00Z' } }, keep: (_m, ps) => !any(ps, (p) => p.start < Y2026) },
  // Two leaves on the periods: each holds for some period, not necessarily the same one.
  {
    json: { and: [{ field: 'activity_periods__start_time', op: 'gte', value: '2026-10-01T00:00:00Z' }, { field: 'activity_periods__duration', op: 'lt', value: 60 }] },
    keep: (_m, ps) => any(ps, (p) => p.start >= usOf('2026-10-01T00:00:00Z')) && any(ps, (p) => seconds(p) < 60),
  },
  {
    json: { or: [{ field: 'activity_periods__end_time', op: 'lt', value: '2000-06-01' }, { field: 'tz', op: 'startswith', value: 'Etc/' }] },
    keep: (m, ps) => any(ps, (p) => p.end < usOf('2000-06-01T00:00:00Z')) || m.tz.startsWith('Etc/'),
  },
];

describe('GET /api/v1/members', () => {
  it('lists every member with every period, page by page, as the reference does', async () => {
    const want = membersReference(fx.members, fx.periods, () => true);
    const got = await walk('/api/v1/members?limit=47');
    expect(got.count).toBe(fx.members.length);
    expect(got.members).toEqual(want);
  });

  it('writes times in the member\u2019s zone with its offset at the instant', async () => {
    const one = async (id: string) => ((await app.inject({ url: `/api/v1/members/${id}` })).json() as ListedMember).activity_periods;
    // Chatham across its April change: 03:15 twice, at +13:45 and then +12:45.
    expect((await one('a0000000-0000-4000-8000-000000000001'))[0]).toEqual({ start_time: '2026-04-05T03:15:00+13:45', end_time: '2026-04-05T03:15:00+12:45', duration: 3600 });
    // Tokyo's local mean time has seconds in its offset; a sub-second period lasts 0 s.
    expect((await one('a0000000-0000-4000-8000-000000000008'))[0]).toEqual({ start_time: '1880-01-01T09:18:59+09:18:59', end_time: '1880-01-01T10:18:59+09:18:59', duration: 3600 });
    const london = await one('a0000000-0000-4000-8000-000000000004');
    expect(london[4]).toEqual({ start_time: '2026-10-25T01:59:59.500000+01:00', end_time: '2026-10-25T01:00:00.400000+00:00', duration: 0 });
    // A legacy name keeps its own spelling, and its zone's rules.
    expect((await one('a0000000-0000-4000-8000-000000000005'))[0]).toEqual({ start_time: '2026-03-07T04:00:00-08:00', end_time: '2026-03-10T05:00:00-07:00', duration: 259_200 });
  });

  it('filters on the member and on some of its periods (not negating that), as the reference does', async () => {
    for (const f of FILTERS) {
      const want = membersReference(fx.members, fx.periods, f.keep);
      const got = await walk(`/api/v1/members?${q({ filters: f.json, limit: 100 })}`);
      expect(got.members, JSON.stringify(f.json)).toEqual(want);
      expect(want.length, `${JSON.stringify(f.json)} keeps some member and drops some`).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(fx.members.length);
    }
    // POST takes the filter as JSON.
    const post = await app.inject({ method: 'POST', url: '/api/v1/members', payload: { filters: FILTERS[3]!.json, limit: 1000 } });
    expect((post.json() as Page).members).toEqual(membersReference(fx.members, fx.periods, FILTERS[3]!.keep));
  });

  it('keeps the periods that overlap a window, and the members with one', async () => {
    const windows: [Record<string, string>, Win][] = [
      // A zero-length period at the start is in; one ending at the start is not.
      [{ start: '2026-03-05T10:00:00Z', end: '2026-03-29T00:30:00Z' }, { start: usOf('2026-03-05T10:00:00Z'), end: usOf('2026-03-29T00:30:00Z') }],
      [{ start: '2026-02-28T19:00:00Z', end: '2026-03-05T10:00:00Z' }, { start: usOf('2026-02-28T19:00:00Z'), end: usOf('2026-03-05T10:00:00Z') }],
      // A date alone is midnight in tz.
      [{ start: '2026-05-01', end: '2026-05-02', tz: 'Europe/London' }, { start: usOf('2026-04-30T23:00:00Z'), end: usOf('2026-05-01T23:00:00Z') }],
    ];
    for (const [members, win] of windows) {
      const got = await walk(`/api/v1/members?${q({ ...members, limit: 30 })}`);
      expect(got.members, JSON.stringify(members)).toEqual(membersReference(fx.members, fx.periods, () => true, win));
    }
    // A rolling range: the window the answer reports, with a filter on top.
    const r = (await app.inject({ url: `/api/v1/members?${q({ range: 'month', as_of: '2026-10-31T12:00:00Z', filters: FILTERS[0]!.json })}` })).json() as Page & { window: { start: string; end: string } };
    const win = { start: usOf(r.window.start), end: usOf(r.window.end) };
    expect(r.window).toEqual({ start: '2026-10-01T12:00:00.000Z', end: '2026-10-31T12:00:00.000Z' });
    expect(r.members).toEqual(membersReference(fx.members, fx.periods, FILTERS[0]!.keep, win));
  });

  it('refuses bad paging and filters with 400 in the error shape', async () => {
    for (const [query, path] of [['limit=0', '/limit'], ['limit=1001', '/limit'], ['offset=-1', '/offset'], [q({ filters: { field: 'activity_periods__color', op: 'eq', value: 1 } }), '/filters/field'], [q({ filters: { field: 'id', op: 'eq', value: 'nope' } }), '/filters/value']] as const) {
      const r = await app.inject({ url: `/api/v1/members?${query}` });
      expect(r.statusCode, query).toBe(400);
      expect((r.json() as { details: { path: string }[] }).details[0]!.path, query).toBe(path);
    }
  });

  it('writes CSV and Arrow rows with the periods as JSON text', async () => {
    const json = (await app.inject({ url: '/api/v1/members?limit=20&offset=3' })).json() as Page;
    const csv = await app.inject({ url: '/api/v1/members?limit=20&offset=3&format=csv' });
    expect(csv.statusCode).toBe(200);
    const [head, ...rows] = parseCsv(csv.body);
    expect(head).toEqual(['id', 'real_name', 'tz', 'activity_periods']);
    expect(rows.map(([id, name, tz, ps]) => ({ id, real_name: name, tz, activity_periods: JSON.parse(ps!) }))).toEqual(json.members);
    const arrow = await app.inject({ url: '/api/v1/members?limit=20&offset=3&format=arrow' });
    const { tableFromIPC } = await import('apache-arrow');
    const t = tableFromIPC(new Uint8Array(arrow.rawPayload));
    expect(t.toArray().map((r) => ({ ...r.toJSON(), activity_periods: JSON.parse(String(r.toJSON()['activity_periods'])) }))).toEqual(json.members);
  });

  it('answers in the documented shapes', async () => {
    const list = await documented(app, '/api/v1/members');
    expect(list((await app.inject({ url: '/api/v1/members?limit=5' })).json())).toEqual([]);
    const one = await documented(app, '/api/v1/members/{id}');
    expect(one((await app.inject({ url: '/api/v1/members/a0000000-0000-4000-8000-000000000006' })).json())).toEqual([]);
    const old = await documented(app, '/fetch/');
    expect(old((await app.inject({ url: '/fetch/?limit=5' })).json())).toEqual([]);
  });

  it('compiles a windowed list to one statement: required periods, overlap conditions, zoned instants', () => {
    const win = { start: '2026-03-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' };
    const { sql, params } = engine.compile(membersPlan(undefined, win, { limit: 10, offset: 0 }));
    expect(sql).toContain('WHERE r."id" IN (SELECT c."member_id" FROM (SELECT "id", "member_id", "start_time", "end_time" FROM "fact_activity_period_by_member") AS c WHERE');
    expect(sql).toContain('(c."start_time" < $1::TIMESTAMP)');
    expect(sql).toContain('timezone(x."__z", x."__v0"::TIMESTAMPTZ)');
    expect(sql).toContain('(SELECT count(*) FROM "__filtered")');
    expect(params.slice(0, 3)).toEqual([win.end, win.start, win.start]);
  });
});

describe('GET /api/v1/members/{id}', () => {
  it('answers one member with all its periods, whatever the case of the id', async () => {
    const want = membersReference(fx.members, fx.periods, (m) => m.id === 'a0000000-0000-4000-8000-000000000004')[0]!;
    const r = await app.inject({ url: '/api/v1/members/A0000000-0000-4000-8000-000000000004?range=day' });
    expect(r.statusCode).toBe(200);
    const { window: _w, ...body } = r.json() as ListedMember & { window: unknown };
    expect(body).toEqual(want);
    expect((await app.inject({ url: '/api/v1/members/a0000000-0000-4000-8000-000000000006' })).json()).toMatchObject({ activity_periods: [] });
  });

  it('reads one member through the index on its UUID key, the page unordered (one row at most), every member as the reference', async () => {
    const idx = await engine.db.query(`SELECT index_name FROM duckdb_indexes() WHERE table_name = 'member'`);
    expect(idx.rows.map((r) => r['index_name'])).toEqual(['member__key']);
    const id = fx.members[7]!.id;
    const { sql, params } = engine.compile(member.ask({ id } as never, undefined as never, undefined as never) as never);
    expect(sql).toContain('WHERE (r."id" = $1::UUID)');
    expect(sql).toMatch(/"__page" AS MATERIALIZED \(\n  SELECT r\."id", r\."tz", r\."real_name"\n  FROM "__filtered" AS r\n  LIMIT \$2::BIGINT OFFSET \$3::BIGINT\n\)/);
    const plan = JSON.stringify((await engine.db.query(`EXPLAIN (ANALYZE, FORMAT json) ${sql}`, params)).rows);
    expect(plan).toContain('Index Scan');
    // A filter that does not pin the key keeps the page's order.
    expect(engine.compile(membersPlan(leaf('tz', 'eq', 'UTC'), undefined, { limit: 5, offset: 0 })).sql).toContain('ORDER BY r."id" ASC\n  LIMIT');
    for (const m of fx.members.filter((_, i) => i % 5 === 0)) {
      const want = membersReference(fx.members, fx.periods, (x) => x.id === m.id)[0]!;
      const r = await app.inject({ url: `/api/v1/members/${m.id}` });
      const { window: _w, ...body } = r.json() as ListedMember & { window: unknown };
      expect(body, m.id).toEqual(want);
    }
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await app.inject({ url: '/api/v1/members/a0000000-0000-4000-8000-0000000000ff' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', details: [{ path: '/id' }] });
    for (const bad of ['xyz', 'a0000000-0000-4000-8000-00000000000g', '{a0000000-0000-4000-8000-000000000004}', 'a00000000000400080000000000000004']) {
      const r = await app.inject({ url: `/api/v1/members/${encodeURIComponent(bad)}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json()).toMatchObject({ code: 'invalid_parameter', details: [{ path: '/id' }] });
    }
  });
});
