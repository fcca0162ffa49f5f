import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { importSnapshot } from '../data/import.ts';
import { ImportError } from '../data/source.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { parquetReference } from './reference.ts';
import { expectSnapshotMatchesSource } from './snapshot-check.ts';

const dir = tempDir('imp-');
afterAll(() => dir.cleanup());
let parquet: string;
let snap: string;
let scratch: Database;

beforeAll(async () => {
  ({ parquet, db: snap } = await generatedSnapshot(dir.path, 20_000));
  scratch = await Database.open(':memory:');
});
afterAll(() => scratch?.close());

/** A copy of the generated folder with one table rewritten by `sql` over `src`. */
async function variant(name: string, table: string, sql: string, rename?: string): Promise<string> {
  const out = join(dir.path, name);
  mkdirSync(out);
  for (const f of readdirSync(parquet)) if (f !== `${table}.parquet`) copyFileSync(join(parquet, f), join(out, f));
  await scratch.query(`COPY (${sql.replaceAll('src', 'read_parquet($1)')}) TO $2 (FORMAT parquet)`, [
    join(parquet, `${table}.parquet`),
    join(out, `${rename ?? table}.parquet`),
  ]);
  return out;
}

/** A copy of the generated folder with some tables rewritten, each by SQL over `src`. */
async function patched(name: string, patches: Record<string, string>): Promise<string> {
  const out = join(dir.path, name);
  mkdirSync(out);
  for (const t of ['country', 'user', 'blog', 'blog_view']) {
    const sql = (patches[t] ?? 'SELECT * FROM src').replaceAll('src', 'read_parquet($1)');
    await scratch.query(`COPY (${sql}) TO $2 (FORMAT parquet)`, [join(parquet, `${t}.parquet`), join(out, `${t}.parquet`)]);
  }
  return out;
}

// Nulls in every nullable column, empty strings, control characters, backslashes, a literal
// \N, quotes, commas and non-ASCII text in every text column, microseconds in every
// timestamp, and views that share their exact time with others.
const ODD = `CASE id % 9 WHEN 0 THEN 'tab' || chr(9) || 'here' WHEN 1 THEN 'line' || chr(10) || 'break' WHEN 2 THEN 'back\\slash'
  WHEN 3 THEN '\\N' WHEN 4 THEN 'quote " and '' and , comma' WHEN 5 THEN '' WHEN 6 THEN 'ÉTÉ à Paris — 日本 🎉' WHEN 7 THEN '%_' END`;
const AWKWARD: Record<string, string> = {
  country: `SELECT id, CASE WHEN id % 5 = 1 THEN name || ' ' || COALESCE(${ODD}, 'ü') ELSE name END AS name, CASE WHEN id % 7 = 2 THEN NULL ELSE code END AS code FROM src`,
  user: `SELECT id, CASE WHEN id % 3 = 0 THEN username || COALESCE(${ODD}, '') || id ELSE username END AS username,
    CASE WHEN id % 4 = 0 THEN NULL WHEN id % 4 = 1 THEN ${ODD} ELSE first_name END AS first_name,
    CASE WHEN id % 5 = 0 THEN NULL WHEN id % 5 = 1 THEN '' WHEN id % 5 = 2 THEN ${ODD} ELSE last_name END AS last_name,
    CASE WHEN id % 6 = 0 THEN NULL ELSE date_joined + to_microseconds(id % 999983) END AS date_joined FROM src`,
  blog: `SELECT id, COALESCE(${ODD}, title) AS title, author_id, CASE WHEN id % 8 = 0 THEN NULL ELSE country_id END AS country_id,
    created_at + to_microseconds(id * 7919 % 1000000) AS created_at FROM src`,
  blog_view: `SELECT id, blog_id, user_id, country_id,
    CASE WHEN id % 10 = 0 THEN date_trunc('minute', viewed_at) ELSE viewed_at + to_microseconds(id * 104729 % 1000000) END AS viewed_at, duration FROM src`,
};

async function failure(source: string, db = join(dir.path, 'failed.duckdb')): Promise<string> {
  try {
    await importSnapshot({ source, dbPath: db });
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return (e as Error).message;
  }
  throw new Error('import succeeded');
}

describe('parquet import', () => {
  it('loads every table with the source row counts', async () => {
    const db = await Database.open(snap, { readOnly: true });
    try {
      for (const t of ['country', 'user', 'blog', 'blog_view']) {
        const [a, b] = await Promise.all([
          db.query(`SELECT count(*) AS n FROM "${t}"`),
          scratch.query(`SELECT count(*) AS n FROM read_parquet($1)`, [join(parquet, `${t}.parquet`)]),
        ]);
        expect(a.rows[0]!['n'], t).toBe(b.rows[0]!['n']);
      }
    } finally {
      db.close();
    }
  });

  it('holds exactly the source rows: the four tables, every fact column, rollup and blog set', async () => {
    const ref = await parquetReference(parquet);
    try {
      await expectSnapshotMatchesSource(snap, ref, { blogSets: true });
    } finally {
      ref.close();
    }
  });

  it('stores the fact table sorted by time', async () => {
    const db = await Database.open(snap, { readOnly: true });
    try {
      const sorted = await db.query(`SELECT bool_and(ok) AS ok, count(*) AS n FROM (SELECT viewed_at >= lag(viewed_at, 1, viewed_at) OVER () AS ok FROM fact_view)`);
      expect(sorted.rows[0]).toEqual({ ok: true, n: 20_000 });
    } finally {
      db.close();
    }
  });

  it('keeps nulls, awkward text and microseconds exactly as the source has them', async () => {
    const out = await patched('awkward', AWKWARD);
    const target = join(dir.path, 'awkward.duckdb');
    await importSnapshot({ source: out, dbPath: target });
    const ref = await parquetReference(out);
    try {
      // The patches took: the comparison covers each awkward case.
      const { rows } = await ref.query(`SELECT
          (SELECT count(*) FROM "user" WHERE first_name IS NULL) AS null_names, (SELECT count(*) FROM "user" WHERE last_name = '') AS empty_names,
          (SELECT count(*) FROM "user" WHERE date_joined IS NULL) AS null_joined, (SELECT count(*) FROM country WHERE code IS NULL) AS null_codes,
          (SELECT count(*) FROM blog WHERE title = '\\N' OR title = '' OR contains(title, chr(9)) OR contains(title, chr(10))) AS odd_titles,
          (SELECT count(*) FROM blog WHERE country_id IS NULL) AS null_blog_countries,
          (SELECT count(*) FROM blog_view WHERE microsecond(viewed_at) % 1000 <> 0) AS micro_views`);
      for (const [k, v] of Object.entries(rows[0]!)) expect(Number(v), k).toBeGreaterThan(0);
      await expectSnapshotMatchesSource(target, ref, { blogSets: true });
    } finally {
      ref.close();
    }
  });

  it('accepts the Django file names and never loads extra columns', async () => {
    const out = await variant('django', 'user', `SELECT *, 'pbkdf2_sha256$secret' AS password, 'a@b.c' AS email FROM src`, 'auth_user');
    for (const [from, to] of [['blog_view', 'analytics_app_blogview'], ['blog', 'analytics_app_blog'], ['country', 'analytics_app_country']])
      renameSync(join(out, `${from}.parquet`), join(out, `${to}.parquet`));
    const target = join(dir.path, 'django.duckdb');
    const meta = await importSnapshot({ source: out, dbPath: target });
    const users = await scratch.query(`SELECT count(*) AS n FROM read_parquet($1)`, [join(parquet, 'user.parquet')]);
    expect(meta.rows['user']).toBe(users.rows[0]!['n']);
    const db = await Database.open(target, { readOnly: true });
    try {
      const cols = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'user'`);
      expect(cols.rows.map((r) => r['column_name'])).toEqual(['id', 'username', 'first_name', 'last_name', 'date_joined']);
      const leaked = await db.query(`SELECT count(*) AS n FROM duckdb_columns() WHERE column_name IN ('password', 'email')`);
      expect(leaked.rows[0]!['n']).toBe(0);
    } finally {
      db.close();
    }
  });

  it('names a missing file', async () => {
    const out = join(dir.path, 'missing');
    mkdirSync(out);
    for (const f of ['country', 'user', 'blog_view']) copyFileSync(join(parquet, `${f}.parquet`), join(out, `${f}.parquet`));
    expect(await failure(out)).toMatch(/table 'blog': no file .*analytics_app_blog\.parquet, blog\.parquet/);
  });

  it('names a column of the wrong type', async () => {
    const out = await variant('wrongtype', 'blog_view', `SELECT * REPLACE (CAST(duration AS VARCHAR) || 's' AS duration) FROM src`);
    expect(await failure(out)).toMatch(/table 'blog_view' \(.*blog_view\.parquet\): column 'duration' has type VARCHAR, expected INTEGER/);
  });

  it('names a missing column', async () => {
    const out = await variant('nocol', 'country', `SELECT * EXCLUDE (code) FROM src`);
    expect(await failure(out)).toMatch(/table 'country' .*missing column 'code'/);
  });

  it('names the row of a null in a required column, a broken reference, a duplicate id and a bad duration', async () => {
    const nul = await variant('null', 'blog', `SELECT * REPLACE (CASE WHEN id = 5 THEN NULL ELSE title END AS title) FROM src`);
    expect(await failure(nul)).toMatch(/table 'blog' \(.*blog\.parquet, row 5\), column 'title': null in a required column/);
    const ref = await variant('ref', 'blog_view', `SELECT * REPLACE (CASE WHEN id = 3 THEN 999999999 ELSE blog_id END AS blog_id) FROM src`);
    expect(await failure(ref)).toMatch(/table 'blog_view' \(.*row 3\), column 'blog_id': 999999999 references no row of table 'blog'/);
    const dup = await variant('dup', 'country', `SELECT * REPLACE (CASE WHEN id = 4 THEN 2 ELSE id END AS id, CASE WHEN id = 4 THEN 'X1' ELSE code END AS code) FROM src`);
    expect(await failure(dup)).toMatch(/table 'country' \(.*row 4\), column 'id': duplicate value '2' \(first at row 2\)/);
    const dur = await variant('dur', 'blog_view', `SELECT * REPLACE (CASE WHEN id = 9 THEN 0 ELSE duration END AS duration) FROM src`);
    expect(await failure(dur)).toMatch(/table 'blog_view' \(.*row 9\), column 'duration': 0 is below the minimum 1/);
  });

  it('leaves the previous snapshot byte-for-byte as it was after a failed import', async () => {
    const target = join(dir.path, 'keep.duckdb');
    await importSnapshot({ source: parquet, dbPath: target });
    const before = readFileSync(target);
    const broken = await variant('broken', 'blog_view', `SELECT * REPLACE (CASE WHEN id = 100 THEN NULL ELSE viewed_at END AS viewed_at) FROM src`);
    expect(await failure(broken, target)).toMatch(/column 'viewed_at': null in a required column/);
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(readdirSync(dir.path).filter((f) => f.startsWith('keep.duckdb.'))).toEqual([]);
    expect(existsSync(target)).toBe(true);
  });
});
