// The importer's ClickHouse tables: on one server, created, loaded and switched in on chdb
// (a second load replaces the first by EXCHANGE TABLES, a failed one leaves it as it was);
// on a cluster, whose DDL chdb cannot run, the statements checked as text; the members
// dataset (UUID keys) through the importer's ClickHouse target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { marketplaceCatalog } from '../engine/datasets/marketplace/declaration.ts';
import { ClickHouse } from '../engine/clickhouse/backend.ts';
import { NEW, chTables, loadStatements } from '../data/clickhouse-ddl.ts';
import { importToClickHouse, loadIntoClickHouse } from '../data/clickhouse-load.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { membersFixture } from './members-fixture.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { Database } from '../engine/db.ts';
import { END, tempDir } from './helpers.ts';

describe('the ClickHouse tables of a cluster, as text', () => {
  const s = loadStatements(blogCatalog, { database: 'analytics', cluster: 'prod' });
  it('shards the fact rows by a hash of their key under a Distributed table, on every node', () => {
    expect(s.create).toContain(
      'CREATE TABLE "analytics"."fact_view_local__new" ON CLUSTER "prod" ("id" Int64, "viewed_at" DateTime64(6, \'UTC\'), "blog_id" Int64, "user_id" Nullable(Int64), "country_id" Nullable(Int64), "duration" Int32, "author_id" Int64, "blog_country_id" Nullable(Int64), "blog_created_at" DateTime64(6, \'UTC\')) ENGINE = MergeTree ORDER BY ("viewed_at", "id") SETTINGS allow_nullable_key = 1',
    );
    expect(s.insertInto['fact_view']).toBe('"analytics"."fact_view__feed"');
    expect(s.create.at(-1)).toMatch(/^CREATE TABLE "analytics"."fact_view__feed" ON CLUSTER "prod" .* ENGINE = Distributed\("prod", "analytics", "fact_view_local__new", cityHash64\("id"\)\)$/);
    expect(s.finish[0]).toMatch(/^CREATE OR REPLACE TABLE "analytics"."fact_view" ON CLUSTER "prod" .* ENGINE = Distributed\("prod", "analytics", "fact_view_local", cityHash64\("id"\)\)$/);
    expect(s.finish[1]).toBe('CREATE OR REPLACE VIEW "analytics"."blog_view" ON CLUSTER "prod" AS SELECT "id", "blog_id", "user_id", "country_id", "viewed_at", "duration" FROM "analytics"."fact_view"');
  });
  it('makes the dimension tables on every node and copies them whole to the others, credentials as parameters', () => {
    for (const t of ['country', 'user', 'blog', 'snapshot_meta']) {
      expect(s.create.some((x) => x.startsWith(`CREATE TABLE "analytics"."${t}${NEW}" ON CLUSTER "prod" `) && x.includes('ENGINE = MergeTree'))).toBe(true);
      expect(s.copyToNode[t]).toBe(`INSERT INTO FUNCTION remote({host:String}, {database:String}, {table:String}, {user:String}, {password:String}) SELECT * FROM "analytics"."${t}${NEW}"`);
    }
    expect(s.copyToNode['fact_view']).toBeUndefined();
  });
  it('switches every table in with one EXCHANGE on the cluster, RENAME where none was', () => {
    expect(s.switchIn(new Set(['country', 'user', 'blog', 'fact_view_local', 'snapshot_meta']))).toEqual([
      'EXCHANGE TABLES "analytics"."country__new" AND "analytics"."country", "analytics"."user__new" AND "analytics"."user", "analytics"."blog__new" AND "analytics"."blog", "analytics"."fact_view_local__new" AND "analytics"."fact_view_local", "analytics"."snapshot_meta__new" AND "analytics"."snapshot_meta" ON CLUSTER "prod"',
    ]);
    expect(s.switchIn(new Set())[0]).toMatch(/^RENAME TABLE "analytics"."country__new" TO "analytics"."country", .* ON CLUSTER "prod"$/);
    expect(s.finish.filter((x) => x.startsWith('DROP TABLE IF EXISTS')).length).toBe(6);
  });
  it('keeps decimals, booleans and nullable columns exact', () => {
    const product = chTables(marketplaceCatalog).find((t) => t.name === 'product')!;
    expect(product.columns).toContainEqual({ name: 'price', type: 'Decimal(12, 2)' });
    expect(product.columns).toContainEqual({ name: 'is_active', type: 'Bool' });
    expect(product.columns).toContainEqual({ name: 'rating', type: 'Nullable(Decimal(3, 2))' });
  });
});

describe('the ClickHouse tables of one server, on chdb', () => {
  const dir = tempDir('chddl-');
  let ch: ClickHouse;
  const snapshots: string[] = [];
  beforeAll(async () => {
    for (const [i, views] of [2000, 3000].entries()) {
      const parquet = join(dir.path, `p${i}`);
      await generate({ views, seed: 5 + i, out: parquet, end: END });
      const db = join(dir.path, `s${i}.duckdb`);
      await importSnapshot({ source: parquet, dbPath: db });
      snapshots.push(db);
    }
    ch = await ClickHouse.connect({ database: 'ddl_test' });
  }, 120_000);
  afterAll(() => dir.cleanup());

  const count = async (t: string) => Number((await ch.query(`SELECT count() AS n FROM "${t}"`)).rows[0]!['n']);
  const tables = async () => (await ch.query(`SELECT name, engine FROM system.tables WHERE database = 'ddl_test' ORDER BY name`)).rows.map((r) => `${String(r['name'])}:${String(r['engine'])}`);

  it('loads a snapshot, then replaces it whole, leaving no new-named tables behind', async () => {
    const first = await loadIntoClickHouse({ snapshot: snapshots[0]!, catalog: blogCatalog, ch });
    expect(await tables()).toEqual(['blog:MergeTree', 'blog_view:View', 'country:MergeTree', 'fact_view:MergeTree', 'snapshot_meta:MergeTree', 'user:MergeTree']);
    expect(await count('fact_view')).toBe(2000);
    expect(await count('blog_view')).toBe(2000);
    const second = await loadIntoClickHouse({ snapshot: snapshots[1]!, catalog: blogCatalog, ch });
    expect(second.snapshotId).not.toBe(first.snapshotId);
    expect(await count('fact_view')).toBe(3000);
    const meta = JSON.parse(String((await ch.query('SELECT meta FROM snapshot_meta')).rows[0]!['meta']));
    expect(meta.snapshotId).toBe(second.snapshotId);
    expect((await tables()).filter((t) => t.includes(NEW))).toEqual([]);
    // Values read back as DuckDB holds them (a sample of the fact rows, every column).
    const src = await Database.open(snapshots[1]!, { readOnly: true });
    try {
      const a = (await src.query('SELECT id, viewed_at, user_id, country_id, duration FROM fact_view ORDER BY id LIMIT 50')).rows;
      const b = (await ch.query('SELECT id, viewed_at, user_id, country_id, duration FROM fact_view ORDER BY id LIMIT 50')).rows;
      expect(b).toEqual(a);
    } finally {
      src.close();
    }
  }, 120_000);

  it('leaves the live tables as they were when a load fails', async () => {
    const before = await count('fact_view');
    await expect(loadIntoClickHouse({ snapshot: join(dir.path, 'missing.duckdb'), catalog: blogCatalog, ch })).rejects.toThrow();
    // An instant ClickHouse cannot hold is refused, not clamped.
    const old = join(dir.path, 'old.duckdb');
    copyFileSync(snapshots[0]!, old);
    const db = await Database.open(old);
    await db.exec(`UPDATE blog SET created_at = TIMESTAMP '1850-06-01 12:00:00' WHERE id = (SELECT min(id) FROM blog)`);
    db.close();
    await expect(loadIntoClickHouse({ snapshot: old, catalog: blogCatalog, ch })).rejects.toThrow(/blog\.created_at: 1 instants outside the years 1900 to 2299/);
    expect(await count('fact_view')).toBe(before);
    expect((await tables()).filter((t) => t.includes(NEW))).toEqual([]);
  }, 60_000);
});

describe('the members dataset through the importer\'s ClickHouse target, on chdb', () => {
  const dir = tempDir('chddl-members-');
  let ch: ClickHouse;
  afterAll(() => dir.cleanup());

  it('refuses a source with an instant before 1900 (a local mean time), loading nothing', async () => {
    ch = await ClickHouse.connect({ database: 'ddl_members' });
    const fx = await membersFixture(join(dir.path, 'all'), 40, 3);
    await expect(importToClickHouse({ source: fx.source, dataset: membersDataset, ch })).rejects.toThrow(/start_time: \d+ instants outside the years 1900 to 2299/);
    expect((await ch.query(`SELECT name FROM system.tables WHERE database = 'ddl_members'`)).rows).toEqual([]);
  }, 120_000);

  it('loads UUID keys as their canonical text, ordered as the text', async () => {
    const fx = await membersFixture(join(dir.path, 'from1900'), 40, 3, true);
    const meta = await importToClickHouse({ source: fx.source, dataset: membersDataset, ch });
    expect(meta.rows['member']).toBe(fx.members.length);
    const ids = (await ch.query('SELECT id FROM member ORDER BY id')).rows.map((r) => r['id']);
    // The source's ids (DuckDB's text: lower case), sorted as text.
    expect(ids).toEqual(fx.members.map((m) => m.id).sort());
    expect(ids.some((id) => /^[89a-f]/.test(String(id))) && ids.some((id) => /^[0-7]/.test(String(id)))).toBe(true);
    const periods = (await ch.query('SELECT id, member_id FROM fact_activity_period ORDER BY id')).rows.map((r) => [r['id'], r['member_id']]);
    expect(periods).toEqual([...fx.periods].sort((a, b) => a.id - b.id).map((p) => [p.id, p.member_id]));
    // A UUID parameter in any case finds the member.
    const upper = fx.members[0]!.id.toUpperCase();
    expect((await ch.query(`SELECT real_name FROM member WHERE id = toString({p1:UUID})`, [upper])).rows).toEqual([{ real_name: fx.members[0]!.real_name }]);
  }, 120_000);

  it('answers the statement after one refused while it ran (a refusal by throwIf) with its own rows only', async () => {
    await expect(ch.query(`SELECT nullIf(throwIf(number > 5, 'refused'), 0) AS r FROM numbers(10)`)).rejects.toThrow(/refused/);
    expect((await ch.query('SELECT count() AS n FROM member')).rows).toEqual([{ n: expect.anything() }]);
  });
});
