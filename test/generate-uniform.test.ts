// The generator's uniform shape (even traffic), checked with plain SQL over the Parquet files
// it writes, beside the skewed shape of the same seed: the same sizes rule for a seed, but no
// blog, viewer, country, month or weekday stands out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { sizesFor } from '../data/dimensions.ts';
import { COUNTRIES } from '../data/countries.ts';
import { END, tempDir } from './helpers.ts';
import { runCli } from './cli-run.ts';

const dir = tempDir('gen-uniform-');
afterAll(() => dir.cleanup());

const VIEWS = 60_000;
const SIZES = sizesFor(VIEWS, 'uniform');
const DAY_MS = 86_400_000;
let db: Database;
const file = (run: string, table: string) => join(dir.path, run, `${table}.parquet`);
const one = async (sql: string, params: (string | number)[] = []) => (await db.query(sql, params)).rows[0]!;
const views = (run: string) => file(run, 'blog_view');

beforeAll(async () => {
  await generate({ views: VIEWS, seed: 5, out: join(dir.path, 'a'), end: END, shape: 'uniform' });
  await generate({ views: VIEWS, seed: 5, out: join(dir.path, 'b'), end: END, shape: 'uniform' });
  await generate({ views: VIEWS, seed: 6, out: join(dir.path, 'c'), end: END, shape: 'uniform' });
  await generate({ views: VIEWS, seed: 5, out: join(dir.path, 'skewed'), end: END, shape: 'skewed' });
  db = await Database.open(':memory:');
});
afterAll(() => db?.close());

describe('sizesFor, uniform', () => {
  it('scales the issue\'s counts with N: per 10M views 300,000 blogs, 200,000 users, 200 countries', () => {
    expect(sizesFor(10_000_000, 'uniform')).toMatchObject({ blogs: 300_000, users: 200_000, countries: 200 });
    expect(sizesFor(1_000_000, 'uniform')).toMatchObject({ blogs: 30_000, users: 20_000, countries: 20 });
    // No more countries than the table holds, and never fewer than a handful of anything.
    expect(sizesFor(100_000_000, 'uniform').countries).toBe(COUNTRIES.length);
    expect(sizesFor(1000, 'uniform')).toMatchObject({ countries: 8, users: 50, blogs: 30 });
  });
});

describe('generator, uniform shape', () => {
  it('is deterministic for a seed (the same bytes) and differs for another', () => {
    for (const t of ['country', 'user', 'blog', 'blog_view']) {
      expect(readFileSync(file('a', t)).equals(readFileSync(file('b', t))), t).toBe(true);
    }
    expect(readFileSync(views('a')).equals(readFileSync(views('c')))).toBe(false);
  });

  it('has the sizes of sizesFor, ids 1..N in time order', async () => {
    const r = await one(
      `SELECT (SELECT count(*) FROM read_parquet($1)) AS countries, (SELECT count(*) FROM read_parquet($2)) AS users,
              (SELECT count(*) FROM read_parquet($3)) AS blogs,
              (SELECT count(*) FROM read_parquet($4)) AS views, (SELECT max(id) FROM read_parquet($4)) AS hi,
              (SELECT bool_and(ok) FROM (SELECT viewed_at >= lag(viewed_at, 1, viewed_at) OVER (ORDER BY id) AS ok FROM read_parquet($4))) AS ordered`,
      [file('a', 'country'), file('a', 'user'), file('a', 'blog'), views('a')],
    );
    expect(r).toEqual({ countries: SIZES.countries, users: SIZES.users, blogs: SIZES.blogs, views: VIEWS, hi: VIEWS, ordered: true });
  });

  it('keeps every reference in range', async () => {
    const r = await one(
      `SELECT count(*) FILTER (WHERE blog_id NOT BETWEEN 1 AND $2) AS blog,
              count(*) FILTER (WHERE user_id NOT BETWEEN 1 AND $3) AS "user",
              count(*) FILTER (WHERE country_id NOT BETWEEN 1 AND $4) AS country,
              count(*) FILTER (WHERE duration < 1) AS duration
       FROM read_parquet($1)`,
      [views('a'), SIZES.blogs, SIZES.users, SIZES.countries],
    );
    expect(r).toEqual({ blog: 0, user: 0, country: 0, duration: 0 });
    const b = await one(
      `SELECT count(*) FILTER (WHERE author_id NOT BETWEEN 1 AND $2) AS author, count(*) FILTER (WHERE country_id NOT BETWEEN 1 AND $3) AS country
       FROM read_parquet($1)`,
      [file('a', 'blog'), SIZES.authors, SIZES.countries],
    );
    expect(b).toEqual({ author: 0, country: 0 });
  });

  it('puts every view in the two years before the end, after its blog was created in the year before', async () => {
    const r = await one(
      `SELECT min(v.viewed_at) AS lo, max(v.viewed_at) AS hi, count(*) FILTER (WHERE v.viewed_at <= b.created_at) AS early,
              min(b.created_at) AS first_blog, max(b.created_at) AS last_blog
       FROM read_parquet($1) v JOIN read_parquet($2) b ON b.id = v.blog_id`,
      [views('a'), file('a', 'blog')],
    );
    const at = (k: string) => (r[k] as Date).getTime();
    const twoYears = END.getTime() - 2 * 365 * DAY_MS;
    expect(at('lo')).toBeGreaterThanOrEqual(twoYears);
    expect(at('lo')).toBeLessThan(twoYears + DAY_MS);
    expect(at('hi')).toBeLessThan(END.getTime());
    expect(at('hi')).toBeGreaterThan(END.getTime() - DAY_MS);
    expect(Number(r['early'])).toBe(0);
    expect(at('last_blog')).toBeLessThan(twoYears);
    expect(at('first_blog')).toBeGreaterThanOrEqual(END.getTime() - 3 * 365 * DAY_MS);
  });

  it('has about 5% anonymous and 2% country-less views', async () => {
    const r = await one(`SELECT avg((user_id IS NULL)::INT) AS anon, avg((country_id IS NULL)::INT) AS nocountry FROM read_parquet($1)`, [views('a')]);
    expect(r['anon']).toBeGreaterThan(0.045);
    expect(r['anon']).toBeLessThan(0.055);
    expect(r['nocountry']).toBeGreaterThan(0.016);
    expect(r['nocountry']).toBeLessThan(0.024);
  });

  it('is even: the busiest blog, viewer and country barely above the mean, unlike the skewed shape', async () => {
    const busiest = async (run: string, key: string) => {
      const r = await one(
        `SELECT max(n) / sum(n) AS top, count(*) AS keys FROM (SELECT ${key}, count(*) AS n FROM read_parquet($1) WHERE ${key} IS NOT NULL GROUP BY 1)`,
        [views(run)],
      );
      return { top: Number(r['top']), mean: 1 / Number(r['keys']) };
    };
    for (const key of ['blog_id', 'user_id', 'country_id']) {
      // ~33 views per blog, ~48 per viewer, ~7,350 per country: the busiest within a few
      // standard deviations of the mean. The skewed shape has other counts (fewer blogs,
      // more countries), so the two compare by the busiest key's share over the mean share.
      const u = await busiest('a', key);
      expect(u.top, key).toBeLessThan(2 * u.mean);
      const s = await busiest('skewed', key);
      expect(s.top / s.mean, key).toBeGreaterThan(4 * (u.top / u.mean));
    }
  });

  it('is even over time: no growth, no weekly rhythm', async () => {
    const r = await one(
      `SELECT max(n) / min(n) AS months FROM (SELECT date_trunc('month', viewed_at) AS m, count(*) AS n FROM read_parquet($1)
         WHERE viewed_at >= $2::TIMESTAMP - INTERVAL 700 DAY GROUP BY 1 HAVING m >= $2::TIMESTAMP - INTERVAL 700 DAY AND m < date_trunc('month', $2::TIMESTAMP))`,
      [views('a'), END.toISOString()],
    );
    expect(Number(r['months'])).toBeLessThan(1.25);
    const w = await one(
      `SELECT count(*) FILTER (WHERE dayofweek(viewed_at) IN (0, 6)) / 2 AS weekend,
              count(*) FILTER (WHERE dayofweek(viewed_at) NOT IN (0, 6)) / 5 AS weekday FROM read_parquet($1)`,
      [views('a')],
    );
    expect(Number(w['weekday']) / Number(w['weekend'])).toBeGreaterThan(0.93);
    expect(Number(w['weekday']) / Number(w['weekend'])).toBeLessThan(1.07);
  });
});

describe('npm run generate -- --shape', () => {
  it('uniform writes the uniform shape\'s sizes', async () => {
    const out = join(dir.path, 'cli');
    const r = await runCli('data/generate-cli.ts', ['--views', '1000', '--shape', 'uniform', '--out', out, '--end', '2026-11-01'], { DEBUG: undefined });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/generated 1000 views \(uniform\), 30 blogs, 50 users, 8 countries/);
    const n = await one(`SELECT count(*) AS n FROM read_parquet($1)`, [file('cli', 'blog')]);
    expect(n['n']).toBe(30);
  });
});
