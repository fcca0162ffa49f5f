// A small snapshot with the awkward cases filters must get right: null names and codes,
// empty strings, quotes, LIKE wildcards, backslashes and non-ASCII text in every text
// dimension, anonymous and country-less views. Plus every view as a plain JS object keyed
// by filter path, read with plain joins from the source files (never from the snapshot),
// for evaluators.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { afterAll, beforeAll } from 'vitest';
import { END, tempDir } from './helpers.ts';
import { parquetReference } from './reference.ts';
import { flatViews } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';

export type { ViewRow } from './flat-views.ts';

// {U2} is the id of the second most active viewer, {B3} of the third most viewed blog, {C4}
// of the fourth busiest country: the patched rows are ones that views point at.
const PATCH: Record<string, string> = {
  user: `SELECT id,
           CASE id WHEN {U2} THEN 'o''brien_%\\x' WHEN {U3} THEN 'ÆØÅ-ünï' WHEN {U4} THEN 'Robert''); DROP TABLE blog;--' ELSE username END AS username,
           CASE WHEN id IN ({U5}, {U6}) THEN NULL WHEN id % 17 = 0 THEN NULL WHEN id IN ({U7}, {U8}) OR id % 23 = 0 THEN '' WHEN id = {U9} THEN 'Zoë' ELSE first_name END AS first_name,
           CASE WHEN id = {U6} OR id % 19 = 0 THEN NULL WHEN id = {U9} THEN 'D''Angelo' ELSE last_name END AS last_name,
           date_joined FROM src`,
  country: `SELECT id, CASE id WHEN {C3} THEN 'Côte d''Ivoire' WHEN {C4} THEN '100%_Land' ELSE name END AS name,
           CASE WHEN id = {C2} THEN NULL ELSE code END AS code FROM src`,
  blog: `SELECT id, CASE id WHEN {B2} THEN '' WHEN {B3} THEN 'a\\b%c_d' WHEN {B4} THEN 'ÉTÉ à Paris — été' ELSE title END AS title,
           author_id, country_id, created_at FROM src`,
};

async function ranks(db: Database, file: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [letter, col] of [['U', 'user_id'], ['B', 'blog_id'], ['C', 'country_id']] as const) {
    const { rows } = await db.query(`SELECT ${col} AS id FROM read_parquet($1) WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 9`, [file]);
    rows.forEach((r, i) => (out[`${letter}${i + 1}`] = r['id'] as number));
  }
  return out;
}

export async function filterFixture(dir: string, views = 4000): Promise<{ db: string; rows: ViewRow[] }> {
  const raw = join(dir, 'raw');
  await generate({ views, seed: 3, out: raw, end: END });
  const patched = join(dir, 'patched');
  mkdirSync(patched);
  const scratch = await Database.open(':memory:');
  try {
    const rank = await ranks(scratch, join(raw, 'blog_view.parquet'));
    for (const t of ['country', 'user', 'blog', 'blog_view']) {
      const sql = (PATCH[t] ?? 'SELECT * FROM src').replace(/\{([UBC]\d)\}/g, (_, k: string) => String(rank[k]));
      await scratch.query(`COPY (${sql.replaceAll('src', 'read_parquet($1)')}) TO $2 (FORMAT parquet)`, [join(raw, `${t}.parquet`), join(patched, `${t}.parquet`)]);
    }
  } finally {
    scratch.close();
  }
  const db = join(dir, 'filters.duckdb');
  await importSnapshot({ source: patched, dbPath: db });
  const ref = await parquetReference(patched);
  try {
    return { db, rows: await flatViews(ref) };
  } finally {
    ref.close();
  }
}

/** The fixture for a test file or block: built before its tests, opened read-only,
 *  removed after them. Fields are set once beforeAll has run. */
export function useFilterFixture(prefix: string, views: number): { db: Database; rows: ViewRow[] } {
  const dir = tempDir(prefix);
  const state = {} as { db: Database; rows: ViewRow[] };
  beforeAll(async () => {
    const f = await filterFixture(dir.path, views);
    state.rows = f.rows;
    state.db = await Database.open(f.db, { readOnly: true });
  });
  afterAll(() => {
    state.db?.close();
    dir.cleanup();
  });
  return state;
}
