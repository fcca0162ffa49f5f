// Synthetic data shaped like real blog traffic, written as one Parquet file per table.
// The dimension tables come from faker (dimensions.ts); the views are generated in one
// DuckDB statement from counter-based hashes, so 10M rows take seconds and the same seed
// gives the same bytes whatever the thread count.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import { ident } from '../engine/sql.ts';
import { U, ZIPF, bindNamed } from './hash-sql.ts';
import { makeDimensions, sizesFor } from './dimensions.ts';
import type { Shape, Sizes } from './dimensions.ts';
import { SYNTHETIC_COPY_OPTION } from './generate-marker.ts';
import { silent } from './progress.ts';
import type { Progress } from './progress.ts';

export interface GenerateOptions {
  readonly views: number;
  readonly seed: number;
  readonly out: string;
  /** The instant the data ends at (exclusive); every view is before it. */
  readonly end: Date;
  /** How the traffic is spread (dimensions.ts); default `skewed`. */
  readonly shape?: Shape | undefined;
  /** Told of each step: the small tables, the views, each file written (rows). */
  readonly progress?: Progress;
  /** DuckDB's memory limit ('8GB'; default DuckDB's, 80% of the machine's memory): beyond
   *  it the views' sort spills to a folder in `out`, removed at the end. */
  readonly memoryLimit?: string | undefined;
}

export interface GenerateResult {
  readonly sizes: Sizes;
  readonly views: number;
  readonly files: readonly string[];
}

const SKEWED_VIEWS_SQL = `
CREATE TABLE blog_view AS
WITH r AS (
  SELECT i, ${U(1)} AS u_blog, ${U(2)} AS u_anon, ${U(3)} AS u_user, ${U(4)} AS u_country,
         ${U(5)} AS u_time, ${U(6)} AS u_week, ${U(7)} AS u_duration, ${U(8)} AS u_nocountry,
         ${U(9)} AS u_home
  FROM range($views) t(i)
), picked AS (
  SELECT r.*, ${ZIPF('u_blog', '$blogs', 1000003)} AS blog_id,
         CASE WHEN u_anon < 0.05 THEN NULL ELSE ${ZIPF('u_user', '$users', 999983)} END AS user_id
  FROM r
), placed AS (
  SELECT p.*, b.created_at,
         -- u^0.75 skews views towards the end of each blog's life: traffic grows over time.
         make_timestamp((epoch(b.created_at) + floor((epoch($end::TIMESTAMP) - epoch(b.created_at)) * pow(u_time, 0.75)))::BIGINT * 1000000) AS t0,
         CASE WHEN u_nocountry < 0.02 THEN NULL
              WHEN p.user_id IS NOT NULL AND u_home < 0.9 AND u.home_country_id IS NOT NULL THEN u.home_country_id
              ELSE least($countries, floor(exp(u_country * ln($countries + 1)))::BIGINT) END AS country_id
  FROM picked p JOIN blog b ON b.id = p.blog_id LEFT JOIN gen_user u ON u.id = p.user_id
), weekly AS (
  -- The weekly rhythm: a third of weekend views move to a weekday of the week before.
  SELECT *, CASE WHEN dayofweek(t0) IN (0, 6) AND u_week < 0.35 AND t0 - to_days(7) >= created_at
                 THEN t0 - to_days((CASE dayofweek(t0) WHEN 6 THEN 1 ELSE 2 END + floor(u_week / 0.35 * 5))::INTEGER)
                 ELSE t0 END AS viewed_at
  FROM placed
)
SELECT row_number() OVER (ORDER BY viewed_at, i) AS id, blog_id, user_id, country_id, viewed_at,
       floor(exp(u_duration * 7.0))::INTEGER AS duration
FROM weekly
ORDER BY id`;

// Even traffic: blog, viewer and country drawn uniformly and independently, the instant
// uniformly over the two years before the end (every blog exists by then, dimensions.ts);
// 5% anonymous and 2% without a country, as in the skewed shape.
const UNIFORM_VIEWS_SQL = `
CREATE TABLE blog_view AS
WITH r AS (
  SELECT i, ${U(1)} AS u_blog, ${U(2)} AS u_anon, ${U(3)} AS u_user, ${U(4)} AS u_country,
         ${U(5)} AS u_time, ${U(7)} AS u_duration, ${U(8)} AS u_nocountry
  FROM range($views) t(i)
), placed AS (
  SELECT i, least($blogs, floor(u_blog * $blogs)::BIGINT + 1) AS blog_id,
         CASE WHEN u_anon < 0.05 THEN NULL ELSE least($users, floor(u_user * $users)::BIGINT + 1) END AS user_id,
         CASE WHEN u_nocountry < 0.02 THEN NULL ELSE least($countries, floor(u_country * $countries)::BIGINT + 1) END AS country_id,
         make_timestamp((epoch($end::TIMESTAMP) - floor(u_time * 2 * 365 * 86400) - 1)::BIGINT * 1000000) AS viewed_at,
         floor(exp(u_duration * 7.0))::INTEGER AS duration
  FROM r
)
SELECT row_number() OVER (ORDER BY viewed_at, i) AS id, blog_id, user_id, country_id, viewed_at, duration
FROM placed
ORDER BY id`;

const endTs = (col: string) => `($end::TIMESTAMP - to_seconds(${col}))`;

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const progress = options.progress ?? silent;
  const shape = options.shape ?? 'skewed';
  const sizes = sizesFor(options.views, shape);
  // Made in JavaScript in one go: no count to show while it runs, the rows once it is done.
  progress.phase('making countries, users and blogs');
  const dims = makeDimensions(sizes, options.seed, shape);
  // The first folder this made (undefined: --out was there already).
  const made = mkdirSync(options.out, { recursive: true });
  // Spilled sort runs go beside the output, not into the working folder (DuckDB's default
  // for ':memory:'), and are removed with the database.
  const spill = join(options.out, '.generate.tmp');
  const db = await Database.open(':memory:', { connections: 1, tempDirectory: spill, ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}) }).catch((e: unknown) => {
    // Refused before writing anything (a memory limit DuckDB does not take): leave no
    // empty --out folder behind.
    if (made) rmSync(made, { recursive: true, force: true });
    throw e;
  });
  const end = options.end.toISOString().replace('T', ' ').replace('Z', '');
  const bind = bindNamed;
  try {
    await db.exec(`
      CREATE TABLE gen_country (id BIGINT, name VARCHAR, code VARCHAR);
      CREATE TABLE gen_user (id BIGINT, username VARCHAR, first_name VARCHAR, last_name VARCHAR, joined_before BIGINT, home_country_id BIGINT);
      CREATE TABLE gen_blog (id BIGINT, title VARCHAR, author_id BIGINT, country_id BIGINT, created_before BIGINT);`);
    await db.append('gen_country', dims.country);
    await db.append('gen_user', dims.user.map((u) => [...u, dims.homeCountry[u[0]] ?? null]));
    await db.append('gen_blog', dims.blog);

    const names = { end, seed: options.seed, views: options.views, blogs: sizes.blogs, users: sizes.users, countries: dims.country.length };
    for (const sql of [
      `CREATE TABLE country AS SELECT id, name, code FROM gen_country ORDER BY id`,
      `CREATE TABLE "user" AS SELECT id, username, first_name, last_name, ${endTs('joined_before')} AS date_joined FROM gen_user ORDER BY id`,
      `CREATE TABLE blog AS SELECT id, title, author_id, country_id, ${endTs('created_before')} AS created_at FROM gen_blog ORDER BY id`,
    ]) {
      const [text, params] = bind(sql, names);
      await db.query(text, params);
    }
    progress.tick(dims.country.length + dims.user.length + dims.blog.length);
    // Each of the steps below is one DuckDB statement whose long part is a sort, which DuckDB
    // gives no estimate of: the steps show their time so far, and their rows once done.
    progress.phase('making views');
    const [viewsText, viewsParams] = bind(shape === 'uniform' ? UNIFORM_VIEWS_SQL : SKEWED_VIEWS_SQL, names);
    await db.query(viewsText, viewsParams);
    progress.tick(options.views);

    const files: string[] = [];
    const rows: Record<string, number> = { country: dims.country.length, user: sizes.users, blog: sizes.blogs, blog_view: options.views };
    for (const table of ['country', 'user', 'blog', 'blog_view']) {
      const file = join(options.out, `${table}.parquet`);
      progress.phase(`writing ${table}.parquet`);
      const tmp = `${file}.tmp`;
      rmSync(tmp, { force: true });
      // A fixed row-group size keeps the bytes independent of the thread count; the footer
      // marks the data as synthetic (generate-marker.ts).
      const copy = `COPY (SELECT * FROM ${ident(table)} ORDER BY id) TO $1 (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, ${SYNTHETIC_COPY_OPTION})`;
      await db.query(copy, [tmp]);
      progress.tick(rows[table]!);
      renameSync(tmp, file);
      files.push(file);
    }
    progress.done();
    return { sizes, views: options.views, files };
  } finally {
    db.close();
    rmSync(spill, { recursive: true, force: true });
  }
}
