// An independent answer to one question, for tests that must tell snapshots apart: views
// and distinct blogs per viewer country before `end`, computed by plain SQL over a
// snapshot's source Parquet files (not over any snapshot).
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import type { AnalyticsResult } from '../engine/index.ts';

export type CountryRow = { id: number; x: string; y: number; z: number };

/** The engine's question for the same answer (blog-views by country, every view before `end`). */
export const countryQuestion = (end: Date) => ({ as_of: end.toISOString(), object_type: 'country', range: 'all', limit: 1000 });

export async function countryReference(parquet: string, end: Date): Promise<CountryRow[]> {
  const db = await Database.open(':memory:');
  try {
    const { rows } = await db.query(
      `SELECT c.id, c.name AS x, count(DISTINCT v.blog_id) AS y, count(*) AS z
       FROM read_parquet($1) v JOIN read_parquet($2) c ON c.id = v.country_id
       WHERE v.viewed_at < $3::TIMESTAMPTZ::TIMESTAMP GROUP BY c.id, c.name ORDER BY z DESC, c.id`,
      [join(parquet, 'blog_view.parquet'), join(parquet, 'country.parquet'), end.toISOString()],
    );
    return rows as CountryRow[];
  } finally {
    db.close();
  }
}

/** The rows of an answer (what the reference gives). */
export const rowsOf = (r: AnalyticsResult): unknown => (r.kind === 'grouped' ? r.rows : r);
