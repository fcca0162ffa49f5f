// GET /fetch/ and /fetch (SPEC-members section 2) against a brute-force renderer of the old
// service's answer over the source rows (members-reference.ts): every member by id text,
// every period by start then id, UTC times to the minute with seconds dropped; limit and
// offset; the walk underneath in pages of any size (page edges inside the data); the SQL of
// a walk's page; 400s, 503 and access keys. The memory of a large answer:
// members-fetch-memory.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { Database } from '../engine/db.ts';
import { MAX_READERS, Snapshot } from '../engine/snapshot.ts';
import type { SnapshotReader } from '../engine/snapshot.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { fetchMembers, fetchPlan } from '../engine/datasets/members/fetch.ts';
import { buildApp } from '../server/app.ts';
import { EngineHolder } from '../server/engine-holder.ts';
import { streamsWarmUp } from '../server/warm-up.ts';
import { STREAM_ENDPOINTS } from '../engine/index.ts';
import type { QueryInfo } from '../engine/runner.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { membersFixture } from './members-fixture.ts';
import type { MembersFixture } from './members-fixture.ts';
import { fetchReference, oldTime, usOf } from './members-reference.ts';
import { readMeta } from '../engine/meta.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import { compileList } from '../engine/query/compile-list.ts';
import type { ListPlan } from '../engine/query/nodes.ts';
import { Params } from '../engine/params.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { duckdb } from '../engine/dialect/duckdb.ts';
import { clickhouse } from '../engine/dialect/clickhouse.ts';
import type { Dialect } from '../engine/dialect/dialect.ts';

const dir = tempDir('mfetch-');
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

const get = (url: string) => app.inject({ method: 'GET', url });

describe('the old time format', () => {
  it('writes the full month, the unpadded day, the year and HH:MM in UTC, dropping seconds', () => {
    expect(oldTime(usOf('2020-06-20T14:29:59.999Z'))).toBe('June 20 2020 14:29');
    expect(oldTime(usOf('2021-03-01T09:05:00Z'))).toBe('March 1 2021 09:05');
  });
});

describe('GET /fetch/', () => {
  it('answers every member with every period as the old service did, at both paths', async () => {
    const want = fetchReference(fx.members, fx.periods);
    for (const url of ['/fetch/', '/fetch']) {
      const r = await get(url);
      expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.body.startsWith('{"ok":true,"members":[')).toBe(true);
      const got = r.json() as { ok: boolean; members: unknown[] };
      expect(got.members.length).toBe(fx.members.length);
      expect(got).toEqual(want);
    }
  });

  it('holds the awkward rows field by field', async () => {
    const got = (await get('/fetch/')).json() as { members: { id: string; real_name: string; tz: string; activity: { start_time: string; end_time: string }[] }[] };
    const byId = new Map(got.members.map((m) => [m.id, m]));
    expect(got.members[0]!.id).toBe('00000000-0000-4000-8000-000000000000');
    expect(got.members.at(-1)!.id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    const ids = got.members.map((m) => m.id);
    expect(ids.indexOf('7fffffff-ffff-4fff-bfff-ffffffffffff')).toBeLessThan(ids.indexOf('80000000-0000-4000-8000-000000000000'));
    expect(byId.get('a0000000-0000-4000-8000-000000000006')).toEqual({ id: 'a0000000-0000-4000-8000-000000000006', real_name: 'Calcutta No Periods', tz: 'Asia/Calcutta', activity: [] });
    expect(byId.get('a0000000-0000-4000-8000-000000000007')!.real_name).toBe('O\'Brien "Bo" \\ 100%_x\ttab\nline 🚀 שלום');
    expect(byId.get('a0000000-0000-4000-8000-000000000002')!.activity).toEqual([
      { start_time: 'February 28 2026 18:00', end_time: 'February 28 2026 19:00' },
      { start_time: 'March 5 2026 10:00', end_time: 'March 5 2026 10:00' },
    ]);
    // Two periods starting together: the lower id first, whatever the insertion order.
    const london = byId.get('a0000000-0000-4000-8000-000000000004')!.activity;
    expect(london.slice(1, 4)).toEqual([
      { start_time: 'May 1 2026 10:00', end_time: 'May 1 2026 10:30' },
      { start_time: 'May 1 2026 10:00', end_time: 'May 1 2026 12:00' },
      { start_time: 'May 1 2026 11:00', end_time: 'May 1 2026 11:30' },
    ]);
    expect(london[4]).toEqual({ start_time: 'October 25 2026 00:59', end_time: 'October 25 2026 01:00' });
    expect(byId.get('a0000000-0000-4000-8000-000000000008')!.activity).toEqual([{ start_time: 'January 1 1880 00:00', end_time: 'January 1 1880 01:00' }]);
  });

  it('pages with limit and offset, in id order', async () => {
    const n = fx.members.length;
    for (const [limit, offset] of [[1, 0], [7, 5], [0, 0], [50, n - 3], [10, n], [undefined, n - 2], [undefined, 100]] as const) {
      const q = new URLSearchParams({ ...(limit === undefined ? {} : { limit: String(limit) }), offset: String(offset) });
      const r = await get(`/fetch/?${q}`);
      expect(r.statusCode).toBe(200);
      expect(r.json(), `limit ${limit} offset ${offset}`).toEqual(fetchReference(fx.members, fx.periods, limit, offset));
    }
  });

  it('refuses bad limit and offset with 400 in the error shape, and answers 503 without the members snapshot', async () => {
    for (const q of ['limit=-1', 'limit=abc', 'offset=-5', 'offset=1.5']) {
      const r = await get(`/fetch/?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json()).toMatchObject({ code: 'invalid_parameter', details: [{ path: `/${q.split('=')[0]}` }] });
    }
    const none = await buildApp({ engine: () => undefined, engines: () => undefined, limits: STEADY_LIMITS });
    try {
      const r = await none.inject({ url: '/fetch/' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ code: 'unavailable', error: expect.stringContaining('members') });
    } finally {
      await none.close();
    }
  });

  it('needs an access key when keys are set', async () => {
    const keyed = await buildApp({ engine: () => undefined, engines: (name) => (name === 'members' ? engine : undefined), limits: STEADY_LIMITS, accessKeys: [{ name: 'ops', secret: 's3cret-key-0001' }] });
    try {
      expect((await keyed.inject({ url: '/fetch/' })).statusCode).toBe(401);
      expect((await keyed.inject({ url: '/fetch', headers: { 'x-api-key': 'wrong' } })).statusCode).toBe(401);
      const ok = await keyed.inject({ url: '/fetch/?limit=2', headers: { authorization: 'Bearer s3cret-key-0001' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual(fetchReference(fx.members, fx.periods, 2));
    } finally {
      await keyed.close();
    }
  });
});

describe('the walk under /fetch/', () => {
  it('reads every member in pages of any size, page edges inside the data, as one answer', async () => {
    const want = (fetchReference(fx.members, fx.periods) as { members: unknown[] }).members;
    for (const [batch, offset, limit] of [[1, 0, 9], [7, 3, undefined], [64, 0, undefined], [5, 10, 23]] as const) {
      const rows: unknown[] = [];
      let pages = 0;
      for await (const page of engine.walk(fetchPlan(), { batch, offset, limit })) {
        expect(page.length).toBeLessThanOrEqual(batch);
        pages++;
        for (const r of page) rows.push(JSON.parse(fetchMembers.item(r)));
      }
      const end = limit === undefined ? undefined : offset + limit;
      expect(rows, `batch ${batch}`).toEqual(want.slice(offset, end));
      expect(pages).toBe(Math.ceil(rows.length / batch));
    }
  });

  it('reads a smaller first page (the first byte waits for it only), then pages of the batch', async () => {
    const want = (fetchReference(fx.members, fx.periods) as { members: unknown[] }).members;
    for (const [first, batch, offset, limit] of [[1, 7, 0, undefined], [3, 64, 2, undefined], [5, 4, 1, 11], [2, 5, 0, 1]] as const) {
      const rows: unknown[] = [];
      const sizes: number[] = [];
      for await (const page of engine.walk(fetchPlan(), { batch, first, offset, limit })) {
        sizes.push(page.length);
        for (const r of page) rows.push(JSON.parse(fetchMembers.item(r)));
      }
      const end = limit === undefined ? undefined : offset + limit;
      expect(rows, `first ${first}, batch ${batch}`).toEqual(want.slice(offset, end));
      expect(sizes[0]).toBe(Math.min(first, batch, rows.length));
      for (const n of sizes.slice(1)) expect(n).toBeLessThanOrEqual(batch);
      expect(sizes.length).toBe(1 + Math.ceil((rows.length - sizes[0]!) / batch));
    }
  });

  it('compiles a page to a key top-N, rows by key, periods from the projection by member, JSON from DuckDB', () => {
    const after = 'a0000000-0000-4000-8000-000000000004';
    const { sql, params } = engine.compile({ ...fetchPlan(), walk: { after }, limit: 7, offset: 0 });
    expect(params).toEqual([after, 7, 0]);
    expect(sql).toContain('WHERE r."id" > $1::UUID');
    expect(sql).toContain('"__keys" AS MATERIALIZED (\n  SELECT r."id" FROM "__filtered" AS r ORDER BY r."id" ASC LIMIT $2::BIGINT OFFSET $3::BIGINT');
    expect(sql).toContain('WHERE r."id" IN (SELECT k."id" FROM "__keys" AS k)');
    expect(sql).toContain('FROM "fact_activity_period_by_member"');
    expect(sql).toContain(`list_sort(list(struct_pack("__o0" := c."start_time", "__key" := c."id"`);
    expect(sql).toContain(`strftime(x."__v0", '%B %-d %Y %H:%M')`);
    expect(sql).toContain('to_json(struct_pack("id" := r."id", "real_name" := r."real_name", "tz" := r."tz", "activity" :=');
    expect(sql).toContain('SELECT -1 AS "__total"');
    expect(sql).not.toContain('count(*)');
  });

  it('reads a first page of members by row position, stored in key order, as the key top-N does; the top-N after a key, under a filter, on ClickHouse and without the mark', async () => {
    // The import marks the tables its layout stores in key order, and they are.
    const meta = await readMeta(engine.db as never);
    expect(meta.keyOrdered).toEqual(['member']);
    const disorder = await engine.db.query(`SELECT count(*) AS n FROM (SELECT id, lag(id) OVER (ORDER BY rowid) AS p FROM member) WHERE p >= id`);
    expect(Number(disorder.rows[0]!['n'])).toBe(0);
    const cat = membersDataset.catalog;
    const fields = fieldsFrom(cat, 'member');
    const page = (limit: number, offset: number, more: Partial<ListPlan> = {}): ListPlan => ({ ...fetchPlan(), walk: {}, limit, offset, ...more });
    const compile = (plan: ListPlan, keyOrdered: boolean, dialect: Dialect = duckdb) => {
      const params = new Params(dialect);
      return { sql: compileList(plan, cat, fields, params, dialect, undefined, undefined, keyOrdered), params: params.values };
    };
    const { sql, params } = engine.compile(page(7, 3));
    expect(params).toEqual([7, 3]);
    expect(sql).toContain('"__page" AS MATERIALIZED (\n  SELECT r."id", r."real_name", r."tz"\n  FROM "member" AS r\n  WHERE r.rowid >= $2::BIGINT AND r.rowid < $2::BIGINT + $1::BIGINT\n)');
    expect(sql).not.toContain('__keys');
    const filter = parseFilter({ field: 'tz', op: 'eq', value: 'UTC' }, cat, fields);
    for (const other of [
      engine.compile(page(7, 0, { walk: { after: 'a0000000-0000-4000-8000-000000000004' } })).sql,
      engine.compile(page(7, 0, { filter })).sql,
      compile(page(7, 0), false).sql,
      compile(page(7, 0), true, clickhouse).sql,
    ]) {
      expect(other).toContain('__keys');
      expect(other).not.toContain('rowid');
    }
    // Every first page, by position and by the top-N, the same rows (pages past the end too).
    const n = fx.members.length;
    const rows = async (c: { sql: string; params: unknown[] }) => (await engine.db.query(c.sql, c.params as never)).rows.filter((r) => r['__key'] != null).map((r) => r['member']);
    for (const [limit, offset] of [[1, 0], [5, 0], [3, 2], [n, 0], [n + 3, 1], [4, n - 2], [3, n], [2, n + 4]] as const) {
      const got = await rows(compile(page(limit, offset), true));
      expect(got.length, `limit ${limit} offset ${offset}`).toBe(Math.max(0, Math.min(limit, n - offset)));
      expect(got, `limit ${limit} offset ${offset}`).toEqual(await rows(compile(page(limit, offset), false)));
    }
  });

  it('reads the pages after the first through a DuckDB of its own, closed when the walk ends or is stopped', async () => {
    // The walk's own instance (Snapshot.openReader) keeps a whole table's blocks out of the
    // snapshot's cache; it must be opened once per walk of more than one page and closed
    // however the walk ends, or every /fetch/ would leave a DuckDB behind.
    const opened: { closed: boolean; queries: number }[] = [];
    const open = Snapshot.prototype.openReader;
    const spy = vi.spyOn(Snapshot.prototype, 'openReader').mockImplementation(async function (this: Snapshot) {
      const r = await open.call(this);
      if (!r || 'refused' in r) return r;
      const seen = { closed: false, queries: 0 };
      opened.push(seen);
      const db = { query: (...a: Parameters<SnapshotReader['db']['query']>) => (seen.queries++, r.db.query(...a)) };
      return { ...r, db, close: () => ((seen.closed = true), r.close()) };
    });
    try {
      const want = (fetchReference(fx.members, fx.periods) as { members: unknown[] }).members;
      const rows: unknown[] = [];
      for await (const page of engine.walk(fetchPlan(), { batch: 4, first: 2, offset: 0 })) for (const r of page) rows.push(JSON.parse(fetchMembers.item(r)));
      expect(rows).toEqual(want);
      expect(opened).toHaveLength(1);
      // Every page after the first, and no empty one after a last full page: each page
      // asks one row more, to know whether another follows.
      expect(opened[0]!.queries).toBe(Math.ceil((want.length - 2) / 4));
      expect(opened[0]!.closed).toBe(true);

      const stopped = engine.walk(fetchPlan(), { batch: 3, first: 1, offset: 0 });
      await stopped.next();
      await stopped.next();
      expect(opened).toHaveLength(2);
      expect(opened[1]!.closed).toBe(false);
      await stopped.return(undefined);
      expect(opened[1]!.closed).toBe(true);

      // One page answers it all: nothing is opened.
      for await (const page of engine.walk(fetchPlan(), { batch: 100, first: 5, offset: 0, limit: 5 })) expect(page).toHaveLength(5);
      expect(opened).toHaveLength(2);
      // The rows end exactly at the first page's end: nothing is opened either.
      const whole: unknown[] = [];
      for await (const page of engine.walk(fetchPlan(), { batch: want.length, offset: 0 })) whole.push(...page);
      expect(whole).toHaveLength(want.length);
      expect(opened).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('opens at most MAX_READERS DuckDBs at once; past them a walk reads through the snapshot and says why', async () => {
    const want = (fetchReference(fx.members, fx.periods) as { members: unknown[] }).members;
    const notes: string[] = [];
    const walks = Array.from({ length: MAX_READERS + 1 }, () => engine.walk(fetchPlan(), { batch: 2, first: 1, offset: 0, onNote: (m) => notes.push(m) }));
    const rows = walks.map(() => [] as unknown[]);
    try {
      // Two pages each: every walk is past its first page, so each has asked for a reader.
      for (const [i, w] of walks.entries()) for (let k = 0; k < 2; k++) rows[i]!.push(...((await w.next()).value ?? []));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(new RegExp(`^reading the rest through the server's DuckDB: ${MAX_READERS} long reads`));
      for (const [i, w] of walks.entries()) for await (const page of { [Symbol.asyncIterator]: () => w }) rows[i]!.push(...page);
      for (const r of rows) expect(r.map((x) => JSON.parse(fetchMembers.item(x as Record<string, unknown>)))).toEqual(want);
      // All closed: a new walk gets a reader of its own again.
      const again = engine.walk(fetchPlan(), { batch: 2, first: 1, offset: 0, onNote: (m) => notes.push(m) });
      for await (const page of again) expect(page.length).toBeGreaterThan(0);
      expect(notes).toHaveLength(1);
    } finally {
      for (const w of walks) await w.return(undefined);
    }
  });

  it('reads a page its own DuckDB has too little memory for again through the snapshot, whole, and says why', async () => {
    // At 11 periods a member, 2,000 members' page ran out of a 32 MB reader (10M periods:
    // /fetch/ was cut short). A reader with next to no memory stands for any page too large.
    const e = await Engine.open(fx.db, { dataset: membersDataset, readerMemory: '1MB' });
    try {
      const want = (fetchReference(fx.members, fx.periods) as { members: unknown[] }).members;
      const notes: string[] = [];
      const rows: unknown[] = [];
      for await (const page of e.walk(fetchPlan(), { batch: 16, first: 2, offset: 0, onNote: (m) => notes.push(m) })) for (const r of page) rows.push(JSON.parse(fetchMembers.item(r)));
      expect(rows).toEqual(want);
      expect(notes).toEqual(["reading the rest through the server's DuckDB: a page needed more than its own DuckDB's 1MB"]);
    } finally {
      await e.close();
    }
  });

  it('holds its snapshot until the walk ends, even when the engine is retired meanwhile', async () => {
    const e = await Engine.open(fx.db, { dataset: membersDataset });
    const pages = e.walk(fetchPlan(), { batch: 100, offset: 0 });
    const first = await pages.next();
    expect(first.done).toBe(false);
    e.retire();
    let n = (first.value as unknown[]).length;
    for (let p = await pages.next(); !p.done; p = await pages.next()) n += p.value.length;
    expect(n).toBe(fx.members.length);
    await e.released;
  });
});

describe('the warm-up before a snapshot serves', () => {
  it('reads the first page of /fetch/ once, as its first request would, before the holder swaps the engine in', async () => {
    const seen: QueryInfo[] = [];
    const errors: unknown[] = [];
    const order: string[] = [];
    const warm = streamsWarmUp('members', STREAM_ENDPOINTS, (e) => errors.push(e));
    const holder = new EngineHolder(fx.db, { dataset: membersDataset, onQuery: (q) => seen.push(q) }, undefined, async (e) => {
      order.push(`warm, serving: ${holder.current() === undefined ? 'none' : 'another'}`);
      await warm(e);
    });
    try {
      await holder.reload();
      order.push(`served: ${holder.current() === undefined ? 'none' : 'one'}`);
      expect(order).toEqual(['warm, serving: none', 'served: one']);
      expect(errors).toEqual([]);
      // One page of FETCH_FIRST members (+1, whether another follows), the first request's SQL.
      expect(seen.map((q) => [q.kind, q.params])).toEqual([['Fetch (warm-up)', [fetchMembers.first! + 1, 0]]]);
      const r = await app.inject({ method: 'GET', url: '/fetch/?limit=3' });
      expect(r.statusCode).toBe(200);
    } finally {
      await holder.close();
    }
    // Another dataset's snapshot: nothing to read; a failure is told, not thrown.
    await streamsWarmUp('blog', STREAM_ENDPOINTS, (e) => errors.push(e))(engine);
    expect(errors).toEqual([]);
    const closed = await Engine.open(fx.db, { dataset: membersDataset });
    await closed.close();
    await warm(closed);
    expect(errors.length).toBe(1);
  });
});

describe("the members snapshot's DuckDB", () => {
  it('groups with DuckDB\'s own perfect hash threshold (the dataset\'s perfectHashBits), where other datasets keep the engine\'s 20', async () => {
    const setting = async (db: { query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }> }) => Number((await db.query("SELECT current_setting('perfect_ht_threshold') AS v")).rows[0]!['v']);
    expect(membersDataset.perfectHashBits).toBe(12);
    expect(await setting(engine.db as never)).toBe(12);
    const plain = await Database.open(':memory:');
    try {
      expect(await setting(plain)).toBe(20);
    } finally {
      plain.close();
    }
  });
});
