// Rollups chosen by cost: on evenly spread traffic the import leaves out the day and month
// grains that would hold about as many rows as the fact table (and builds those that
// shrink, the `all` grains and the key-ordered ones), and every answer stays the fact
// table's and the JavaScript reference's over the source files.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBlog, compileBlog } from '../engine/index.ts';
import type { QuerySpec } from '../engine/index.ts';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { formatUtc } from '../engine/values.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { SHRINK, alwaysBuilt } from '../data/rollup-choice.ts';
import { END, rng, tempDir } from './helpers.ts';
import { expectSameAnswer, referenceAnswer } from './analytics-reference.ts';
import type { SourceRows } from './analytics-reference.ts';
import type { Json } from './filter-semantics.ts';
import { flatBlogs, flatViews } from './flat-views.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('choice-');
let fast: Engine;
let raw: Engine;
let source: SourceRows;
let tables: Set<string>;
const logged: string[] = [];

beforeAll(async () => {
  const parquet = join(dir.path, 'uniform');
  await generate({ views: 40_000, seed: 8, out: parquet, end: END, shape: 'uniform' });
  const db = join(dir.path, 'uniform.duckdb');
  await importSnapshot({ source: parquet, dbPath: db, chooseRollupsFrom: 0, log: (l) => logged.push(l) });
  fast = await Engine.open(db, { cacheEntries: 0 });
  raw = await Engine.open(db, { cacheEntries: 0, rollups: false });
  const ref = await parquetReference(parquet);
  try {
    source = { views: await flatViews(ref), blogs: await flatBlogs(ref) };
  } finally {
    ref.close();
  }
  const snap = await Database.open(db, { readOnly: true, connections: 1 });
  try {
    tables = new Set((await snap.query(`SELECT table_name FROM duckdb_tables()`)).rows.map((r) => String(r['table_name'])));
    // Each grain left out would have been big: its exact row count, from the fact table.
    for (const r of blogCatalog.rollups.flat()) {
      if (tables.has(r.name) || r.grain === 'all') continue;
      const cols = ['date_trunc($1, viewed_at)', ...r.columns.map((c) => `"${c}"`)].join(', ');
      const n = Number((await snap.query(`SELECT count(*) AS n FROM (SELECT DISTINCT ${cols} FROM fact_view)`, [r.grain])).rows[0]!['n']);
      expect(n, r.name).toBeGreaterThan(SHRINK * 0.8 * 40_000);
    }
  } finally {
    snap.close();
  }
});
afterAll(() => {
  fast?.close();
  raw?.close();
  dir.cleanup();
});

describe('rollups chosen by cost on even traffic', () => {
  it('builds the all grains, the totals and the small ones, and leaves the big day grains out', () => {
    for (const r of blogCatalog.rollups.flat().filter(alwaysBuilt)) expect(tables.has(r.name), r.name).toBe(true);
    for (const name of ['rollup_total_day', 'rollup_country_day', 'rollup_country_month']) expect(tables.has(name), name).toBe(true);
    for (const name of ['rollup_blog_day', 'rollup_user_day']) expect(tables.has(name), name).toBe(false);
    expect(logged.some((l) => l.startsWith('rollups not built') && l.includes('rollup_blog_day'))).toBe(true);
  });

  it('answers 150 random questions as the fact table and the reference do', async () => {
    const r = rng(20261123);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const FILTERS: (Json | undefined)[] = [
      undefined,
      { field: 'blog__title', op: 'icontains', value: 'e' },
      { field: 'country', op: 'ne', value: 3 },
      { field: 'duration', op: 'gt', value: 30 },
      { field: 'user__username', op: 'startswith', value: 'a' },
    ];
    const LO = Date.UTC(2024, 10, 1);
    const HI = END.getTime() + 86_400_000;
    let viaRollups = 0;
    for (let i = 0; i < 150; i++) {
      const a = LO + Math.floor(r() * (HI - LO));
      const b = Math.min(HI, a + Math.floor(r() ** 2 * 500 * 86_400_000));
      const window = r() < 0.25 ? { start: null, end: formatUtc(HI) } : { start: r() < 0.2 ? null : formatUtc(a, Math.floor(r() * 1000)), end: formatUtc(b) };
      const json = pick(FILTERS);
      const filter = fast.parseFilter(json);
      const kind = pick(['blog-views', 'top', 'performance'] as const);
      let spec: QuerySpec;
      if (kind === 'blog-views') spec = { kind, objectType: pick(['country', 'user'] as const), window, filter, limit: 1000, offset: 0 };
      else if (kind === 'top') spec = { kind, topType: pick(['user', 'country', 'blog'] as const), window, filter, limit: 100 };
      else spec = { kind, compare: pick(['day', 'week', 'month', 'year'] as const), userId: r() < 0.3 ? 1 : null, window, tz: 'UTC', filter };
      const sql = compileBlog(fast, spec).sql;
      // Never a table the import left out.
      for (const m of sql.matchAll(/"(rollup_\w+)"/g)) expect(tables.has(m[1]!), `${m[1]} in ${sql}`).toBe(true);
      if (/rollup_/.test(sql)) viaRollups++;
      const got = await askBlog(fast, spec);
      expect(got, JSON.stringify(spec)).toEqual(await askBlog(raw, spec));
      expectSameAnswer(got, referenceAnswer(spec, json, source), `reference: ${JSON.stringify(spec)}`);
    }
    expect(viaRollups).toBeGreaterThan(15);
  });
});
