import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('gen-');
afterAll(() => dir.cleanup());

const VIEWS = 50_000;
let db: Database;
const file = (run: string, table: string) => join(dir.path, run, `${table}.parquet`);
const one = async (sql: string, params: (string | number)[] = []) => (await db.query(sql, params)).rows[0]!;

beforeAll(async () => {
  await generate({ views: VIEWS, seed: 11, out: join(dir.path, 'a'), end: END });
  await generate({ views: VIEWS, seed: 11, out: join(dir.path, 'b'), end: END });
  await generate({ views: VIEWS, seed: 12, out: join(dir.path, 'c'), end: END });
  // Under a memory limit (100M views are generated so: the sort spills to disk).
  await generate({ views: VIEWS, seed: 11, out: join(dir.path, 'd'), end: END, memoryLimit: '64MB' });
  db = await Database.open(':memory:');
});
afterAll(() => db?.close());

describe('generator', () => {
  it('writes one Parquet file per table', () => {
    expect(readdirSync(join(dir.path, 'a')).sort()).toEqual(['blog.parquet', 'blog_view.parquet', 'country.parquet', 'user.parquet']);
  });

  it('is deterministic for a seed: the same bytes', () => {
    for (const t of ['country', 'user', 'blog', 'blog_view']) {
      expect(readFileSync(file('a', t)).equals(readFileSync(file('b', t))), t).toBe(true);
    }
  });

  it('leaves no --out folder it made when DuckDB refuses to open (a memory limit it cannot read)', async () => {
    const out = join(dir.path, 'refused', 'inner');
    await expect(generate({ views: VIEWS, seed: 11, out, end: END, memoryLimit: 'lots' })).rejects.toThrow();
    expect(existsSync(join(dir.path, 'refused'))).toBe(false);
  });

  it('gives the same bytes under a memory limit, and leaves no spill folder behind', () => {
    expect(readdirSync(join(dir.path, 'd')).sort()).toEqual(['blog.parquet', 'blog_view.parquet', 'country.parquet', 'user.parquet']);
    for (const t of ['country', 'user', 'blog', 'blog_view']) {
      expect(readFileSync(file('a', t)).equals(readFileSync(file('d', t))), t).toBe(true);
    }
  });

  it('differs for another seed', () => {
    expect(readFileSync(file('a', 'blog_view')).equals(readFileSync(file('c', 'blog_view')))).toBe(false);
  });

  it('has the requested number of views, ids 1..N in time order', async () => {
    const r = await one(
      `SELECT count(*) AS n, min(id) AS lo, max(id) AS hi, bool_and(ok) AS ordered FROM (
         SELECT id, viewed_at >= lag(viewed_at, 1, viewed_at) OVER (ORDER BY id) AS ok FROM read_parquet($1))`,
      [file('a', 'blog_view')],
    );
    expect(r).toEqual({ n: VIEWS, lo: 1, hi: VIEWS, ordered: true });
  });

  it('has about 5% anonymous and 2% country-less views', async () => {
    const r = await one(
      `SELECT avg((user_id IS NULL)::INT) AS anon, avg((country_id IS NULL)::INT) AS nocountry FROM read_parquet($1)`,
      [file('a', 'blog_view')],
    );
    expect(r['anon']).toBeGreaterThan(0.04);
    expect(r['anon']).toBeLessThan(0.06);
    expect(r['nocountry']).toBeGreaterThan(0.015);
    expect(r['nocountry']).toBeLessThan(0.025);
  });

  it('gives blogs power-law popularity: the top blog far above the median one', async () => {
    const r = await one(
      `SELECT max(n) AS top, median(n) AS med, count(*) AS blogs FROM (SELECT blog_id, count(*) AS n FROM read_parquet($1) GROUP BY 1)`,
      [file('a', 'blog_view')],
    );
    expect(Number(r['top'])).toBeGreaterThan(20 * Number(r['med']));
  });

  it('spans about two years with growth, and never views a blog before it exists', async () => {
    const r = await one(
      `SELECT min(viewed_at) AS lo, max(viewed_at) AS hi,
              count(*) FILTER (WHERE viewed_at >= $2::TIMESTAMP - INTERVAL 180 DAY) AS recent,
              count(*) FILTER (WHERE viewed_at < $2::TIMESTAMP - INTERVAL 540 DAY) AS old,
              count(*) FILTER (WHERE v.viewed_at < b.created_at) AS early
       FROM read_parquet($1) v JOIN read_parquet($3) b ON b.id = v.blog_id`,
      [file('a', 'blog_view'), END.toISOString(), file('a', 'blog')],
    );
    expect((r['hi'] as Date).getTime()).toBeLessThan(END.getTime());
    expect(END.getTime() - (r['lo'] as Date).getTime()).toBeGreaterThan(500 * 86_400_000);
    expect(Number(r['recent'])).toBeGreaterThan(3 * Number(r['old']));
    expect(Number(r['early'])).toBe(0);
  });

  it('spreads a popular blog\'s views over its life, not a few days (streams are independent)', async () => {
    const r = await one(
      `SELECT min(days) AS fewest FROM (
         SELECT blog_id, count(DISTINCT date_trunc('day', viewed_at)) AS days FROM read_parquet($1)
         WHERE blog_id IN (SELECT blog_id FROM read_parquet($1) GROUP BY 1 ORDER BY count(*) DESC LIMIT 10) GROUP BY 1)`,
      [file('a', 'blog_view')],
    );
    expect(Number(r['fewest'])).toBeGreaterThan(20);
  });

  it('has a weekly rhythm: weekdays busier than weekends', async () => {
    const r = await one(
      `SELECT count(*) FILTER (WHERE dayofweek(viewed_at) IN (0, 6)) / 2 AS weekend,
              count(*) FILTER (WHERE dayofweek(viewed_at) NOT IN (0, 6)) / 5 AS weekday FROM read_parquet($1)`,
      [file('a', 'blog_view')],
    );
    expect(Number(r['weekday'])).toBeGreaterThan(1.2 * Number(r['weekend']));
  });

  it('has awkward titles and skewed countries', async () => {
    const t = await one(
      `SELECT count(*) FILTER (WHERE title LIKE '%\\%%' ESCAPE '\\') AS pct, count(*) FILTER (WHERE title LIKE '%\\_%' ESCAPE '\\') AS us,
              count(*) FILTER (WHERE title LIKE '%''%') AS quote, count(*) FILTER (WHERE regexp_matches(title, '[^\\x00-\\x7F]')) AS nonascii
       FROM read_parquet($1)`,
      [file('a', 'blog')],
    );
    for (const k of ['pct', 'us', 'quote', 'nonascii']) expect(Number(t[k]), k).toBeGreaterThan(0);
    const c = await one(
      `SELECT max(n) AS top, min(n) AS bottom FROM (SELECT country_id, count(*) AS n FROM read_parquet($1) WHERE country_id IS NOT NULL GROUP BY 1)`,
      [file('a', 'blog_view')],
    );
    expect(Number(c['top'])).toBeGreaterThan(10 * Number(c['bottom']));
  });
});
