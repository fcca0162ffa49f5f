// Data for the analytics tests: generated traffic patched to hold namesakes (two users
// called Ann Lee, two countries called Georgia), users with no name, a calendar month with
// no views at all, anonymous and country-less views, and views after the tests' as_of.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { END } from './helpers.ts';

export const AS_OF = '2026-09-15T12:00:00Z';
/** No view at all in this UTC month. */
export const EMPTY_MONTH = '2026-03';

export interface AnalyticsFixture {
  readonly db: string;
  /** The Parquet folder the snapshot was imported from: what references read. */
  readonly source: string;
  /** Users, countries and blogs that views point at, by popularity rank (1 = most viewed). */
  readonly rank: Record<string, number>;
}

export async function analyticsFixture(dir: string, views = 6000): Promise<AnalyticsFixture> {
  const raw = join(dir, 'raw');
  await generate({ views, seed: 5, out: raw, end: END });
  const out = join(dir, 'patched');
  mkdirSync(out);
  const scratch = await Database.open(':memory:');
  const rank: Record<string, number> = {};
  try {
    for (const [letter, col] of [['U', 'user_id'], ['C', 'country_id'], ['A', 'author_id']] as const) {
      const src = col === 'author_id'
        ? `SELECT b.author_id FROM read_parquet($1) v JOIN read_parquet($2) b ON b.id = v.blog_id`
        : `SELECT ${col} FROM read_parquet($1) WHERE $2 <> ''`;
      const { rows } = await scratch.query(
        `SELECT ${col} AS id FROM (${src}) WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 6`,
        [join(raw, 'blog_view.parquet'), join(raw, 'blog.parquet')],
      );
      rows.forEach((r, i) => (rank[`${letter}${i + 1}`] = r['id'] as number));
    }
    const sub = (sql: string) => sql.replace(/\{([UCA]\d)\}/g, (_, k: string) => String(rank[k]));
    const patch: Record<string, string> = {
      user: sub(`SELECT id, username,
          CASE WHEN id IN ({U2}, {U3}, {A2}) THEN 'Ann' WHEN id = {U4} THEN NULL WHEN id = {U5} THEN '  ' ELSE first_name END AS first_name,
          CASE WHEN id IN ({U2}, {U3}, {A2}) THEN 'Lee' WHEN id = {U4} THEN NULL WHEN id = {U5} THEN '' ELSE last_name END AS last_name,
          date_joined FROM src`),
      country: sub(`SELECT id, CASE WHEN id IN ({C2}, {C3}) THEN 'Georgia' ELSE name END AS name, code FROM src`),
      blog_view: `SELECT * FROM src WHERE strftime(viewed_at, '%Y-%m') <> '${EMPTY_MONTH}'`,
    };
    for (const t of ['country', 'user', 'blog', 'blog_view']) {
      const sql = (patch[t] ?? 'SELECT * FROM src').replaceAll('src', 'read_parquet($1)');
      await scratch.query(`COPY (${sql}) TO $2 (FORMAT parquet)`, [join(raw, `${t}.parquet`), join(out, `${t}.parquet`)]);
    }
  } finally {
    scratch.close();
  }
  const db = join(dir, 'analytics.duckdb');
  await importSnapshot({ source: out, dbPath: db });
  return { db, source: out, rank };
}
