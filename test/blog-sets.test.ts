// Blog sets are bitstrings over the blog id range: built only where that range is compact,
// offset by the smallest id, and answering exactly as the plain two-phase count either way,
// and as the JavaScript reference computes from the source files. First-seen counts
// (previous view of the same viewer and blog) are compared here too.
import { mkdirSync } from 'node:fs';
import { askBlog, compileBlog } from '../engine/index.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { blogCatalog, blogDataset } from '../engine/datasets/blog/declaration.ts';
import { buildFields } from '../engine/fields.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { distinctSetsFit } from '../engine/layout.ts';
import { strategyFor } from '../engine/query/compile-keyed.ts';
import type { AggregatePlan } from '../engine/query/nodes.ts';
import { blogPlan } from '../engine/index.ts';
import type { QuerySpec } from '../engine/index.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { END, tempDir } from './helpers.ts';
import { expectSameAnswer, referenceAnswer } from './analytics-reference.ts';
import type { SourceRows } from './analytics-reference.ts';
import type { Json } from './filter-semantics.ts';
import { flatBlogs, flatViews } from './flat-views.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('sets-');

/** The generated data with every blog id mapped by `idSql` (over `id`, in SQL): the
 *  snapshot imported from it, and the folder. */
async function shifted(name: string, idSql: string): Promise<{ path: string; source: string }> {
  const raw = join(dir.path, 'raw');
  const out = join(dir.path, name);
  mkdirSync(out);
  const db = await Database.open(':memory:');
  try {
    const map = (col: string) => idSql.replaceAll('id', col);
    const tables: Record<string, string> = {
      country: 'SELECT * FROM src',
      user: 'SELECT * FROM src',
      blog: `SELECT * REPLACE (${map('id')} AS id) FROM src`,
      blog_view: `SELECT * REPLACE (${map('blog_id')} AS blog_id) FROM src`,
    };
    for (const [t, sql] of Object.entries(tables)) {
      await db.query(`COPY (${sql.replace('src', 'read_parquet($1)')}) TO $2 (FORMAT parquet)`, [join(raw, `${t}.parquet`), join(out, `${t}.parquet`)]);
    }
  } finally {
    db.close();
  }
  const path = join(dir.path, `${name}.duckdb`);
  await importSnapshot({ source: out, dbPath: path });
  return { path, source: out };
}

interface Snap {
  fast: Engine;
  raw: Engine;
  /** The source folder's rows, for the reference. */
  rows: SourceRows;
  /** The source folder in a DuckDB of its own. */
  ref: Database;
}
let offset: Snap;
let sparse: Snap;

beforeAll(async () => {
  await generate({ views: 6000, seed: 11, out: join(dir.path, 'raw'), end: END });
  const open = async ({ path, source }: { path: string; source: string }): Promise<Snap> => {
    const ref = await parquetReference(source);
    return {
      fast: await Engine.open(path, { cacheEntries: 0 }), raw: await Engine.open(path, { cacheEntries: 0, rollups: false }),
      rows: { views: await flatViews(ref), blogs: await flatBlogs(ref) }, ref,
    };
  };
  offset = await open(await shifted('offset', '(id + 70000)'));
  // One blog id far from the others: bitstrings over that range would be huge.
  sparse = await open(await shifted('sparse', 'CASE WHEN id = 7 THEN 9000000000 ELSE id END'));
});
afterAll(() => {
  for (const e of [offset, sparse]) {
    e?.fast.close();
    e?.raw.close();
    e?.ref.close();
  }
  dir.cleanup();
});

const WINDOWS = [
  { start: null, end: '2026-11-01 00:00:00.000000' },
  { start: '2025-11-17 08:30:00.000000', end: '2026-10-20 13:00:00.250000' },
  { start: '2026-10-03 00:00:00.000000', end: '2026-10-04 00:00:00.000000' },
];
const FILTERS: (Json | undefined)[] = [
  undefined,
  { field: 'country__code', op: 'ne', value: 'XX' },
  { field: 'blog__title', op: 'contains', value: 'a' },
  { field: 'duration', op: 'gte', value: 60 },
  // Several viewer countries: the viewer's pairs (a blog seen from two is one blog).
  { field: 'country', op: 'in', value: [1, 2, 3] },
];
/** One viewer country (the busiest of the shortest window, so no answer is empty): per
 *  viewer, the (viewer, viewer country, blog) first-seen column. */
const oneCountry = (id: number): Json[] => [
  { field: 'country', op: 'eq', value: id },
  { and: [{ field: 'country', op: 'eq', value: id }, { field: 'user', op: 'isnull', value: false }] },
];

async function compare(e: Snap): Promise<string[]> {
  const sqls: string[] = [];
  const busy = await e.ref.query(
    `SELECT country_id AS c FROM blog_view WHERE viewed_at >= $1::TIMESTAMP AND viewed_at < $2::TIMESTAMP AND user_id IS NOT NULL AND country_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    [WINDOWS[2]!.start, WINDOWS[2]!.end],
  );
  for (const window of WINDOWS) {
    for (const f of [...FILTERS, ...oneCountry(Number(busy.rows[0]!['c']))]) {
      for (const objectType of ['country', 'user'] as const) {
        const spec: QuerySpec = { kind: 'blog-views', objectType, window, filter: e.fast.parseFilter(f), limit: 1000, offset: 0 };
        sqls.push(compileBlog(e.fast, spec).sql);
        const got = await askBlog(e.fast, spec);
        expect(got, JSON.stringify(spec)).toEqual(await askBlog(e.raw, spec));
        expectSameAnswer(got, referenceAnswer(spec, f, e.rows), `reference: ${JSON.stringify(spec)}`);
        if (got.kind === 'grouped') expect(got.rows.length).toBeGreaterThan(0);
      }
    }
  }
  return sqls;
}

describe('how distinct blogs are counted', () => {
  const fields = buildFields(blogCatalog);
  // The groupings of the fixed endpoints, as their plans (legacy.ts) ask them.
  const OF = { viewer_country: ['blog-views', 'country'], viewer: ['blog-views', 'user'], author: ['top', 'user'], blog: ['top', 'blog'] } as const;
  const plan = (grouping: keyof typeof OF, filter?: unknown, start: string | null = null): AggregatePlan => {
    const [kind, type] = OF[grouping];
    const window = { start, end: '2026-11-01 00:00:00.000000' };
    const f = parseFilter(filter, blogCatalog, fields, '/filters');
    const spec: QuerySpec = kind === 'top' ? { kind, topType: type, window, filter: f, limit: 10 } : { kind, objectType: type as 'country' | 'user', window, filter: f, limit: 10, offset: 0 };
    return blogPlan(spec) as AggregatePlan;
  };
  const all = { idRanges: { blog: { min: 1, max: 100 } }, firstSeen: true };
  it('picks the way each plan can be exact with, from what the snapshot has', () => {
    // With no lower bound (or no view at or after the end), the rollups' first- (last-)ever
    // counts: a few integers per country and bucket, less than a bitstring each.
    expect(strategyFor(plan('viewer_country'), blogDataset, fields, all)).toBe('first-seen');
    const mid = '2026-06-01 12:00:00.000000';
    expect(strategyFor(plan('viewer_country', undefined, mid), blogDataset, fields, all)).toBe('distinct-sets');
    const span = { min: '2025-01-01 00:00:00.000000', max: '2026-10-31 23:59:59.000000' };
    expect(strategyFor(plan('viewer_country', undefined, mid), blogDataset, fields, { ...all, span })).toBe('distinct-sets');
    expect(strategyFor(plan('viewer_country', undefined, mid), blogDataset, fields, { ...all, span, lastSeen: new Set(['prev_country_blog_at']) })).toBe('first-seen');
    expect(strategyFor(plan('viewer_country', undefined, mid), blogDataset, fields, { ...all, span: { ...span, max: '2026-11-01 00:00:00.000000' }, lastSeen: new Set(['prev_country_blog_at']) })).toBe('distinct-sets');
    expect(strategyFor(plan('viewer_country', { field: 'duration', op: 'gt', value: 5 }), blogDataset, fields, all)).toBe('distinct-sets');
    // Without stored sets: the (viewer country, blog) first-seen column where the filter is
    // constant within a pair, sets built on the fly where it is not, pairs without a range.
    const unstored = { ...all, setTables: new Set<string>() };
    expect(strategyFor(plan('viewer_country'), blogDataset, fields, { firstSeen: true })).toBe('first-seen');
    expect(strategyFor(plan('viewer_country'), blogDataset, fields, unstored)).toBe('first-seen');
    expect(strategyFor(plan('viewer_country', { field: 'blog__title', op: 'contains', value: 'a' }), blogDataset, fields, all)).toBe('first-seen');
    expect(strategyFor(plan('viewer_country', { field: 'duration', op: 'gt', value: 5 }), blogDataset, fields, unstored)).toBe('distinct-sets');
    expect(strategyFor(plan('viewer_country', { field: 'duration', op: 'gt', value: 5 }), blogDataset, fields, { firstSeen: true })).toBe('pairs');
    expect(strategyFor(plan('viewer'), blogDataset, fields, all)).toBe('first-seen');
    // Constant within a (viewer, blog) pair: the viewer's and the blog's fields.
    expect(strategyFor(plan('viewer', { and: [{ field: 'user__username', op: 'startswith', value: 'a' }, { field: 'blog__author__id', op: 'eq', value: 3 }] }), blogDataset, fields, all)).toBe('first-seen');
    // Not constant within a (viewer, blog) pair: the view's duration or time. The viewer's
    // country is, within a (viewer, viewer country, blog) triple: its own first-seen column.
    for (const field of ['duration', 'viewed_at', 'id'])
      expect(strategyFor(plan('viewer', { field, op: 'isnull', value: false }), blogDataset, fields, all), field).toBe('pairs');
    const byCountry = plan('viewer', { field: 'country__code', op: 'eq', value: 'US' }, '2026-06-01 12:00:00.000000');
    expect(strategyFor(byCountry, blogDataset, fields, all)).toBe('first-seen');
    expect(strategyFor(plan('viewer', { and: [{ field: 'country__code', op: 'eq', value: 'US' }, { field: 'duration', op: 'gt', value: 5 }] }), blogDataset, fields, all)).toBe('pairs');
    for (const f of [{ field: 'country__code', op: 'ne', value: 'US' }, { field: 'country', op: 'in', value: [1, 2] }, { or: [{ field: 'country', op: 'eq', value: 1 }, { field: 'country', op: 'eq', value: 2 }] }])
      expect(strategyFor(plan('viewer', f), blogDataset, fields, all), JSON.stringify(f)).toBe('pairs');
    // A snapshot from before that column: the viewer's pairs.
    expect(strategyFor(byCountry, blogDataset, fields, { ...all, firstSeen: new Set(['prev_user_blog_at', 'prev_country_blog_at']) })).toBe('pairs');
    expect(strategyFor(plan('viewer'), blogDataset, fields, { idRanges: all.idRanges })).toBe('pairs');
    expect(strategyFor(plan('author'), blogDataset, fields, all)).toBe('pairs');
    expect(strategyFor(plan('blog'), blogDataset, fields, all)).toBe('count');
    expect(strategyFor(plan('viewer_country'), blogDataset, fields, { ...all, rollups: false })).toBe('pairs');
  });
});

describe('blog sets', () => {
  it('are built only while the bitstrings stay small', () => {
    // 10M skewed views: 50,000 blogs, 60 countries, two years: ~280 MB, less than the fact table.
    expect(distinctSetsFit({ min: 1, max: 50_000 }, 60, 730, 10_000_000)).toBe(true);
    expect(distinctSetsFit({ min: 1, max: 50_000 }, 60, 730, 1_000_000)).toBe(false);
    // Tiny data: sets of a few kilobytes are built though larger than the 42 rows.
    expect(distinctSetsFit({ min: 1, max: 15 }, 8, 400, 42)).toBe(true);
    // 10M even views: 300,000 blogs over 200 countries: 5.6 GB.
    expect(distinctSetsFit({ min: 1, max: 300_000 }, 200, 730, 10_000_000)).toBe(false);
    expect(distinctSetsFit({ min: 1, max: 10_000_000 }, 60, 730, 10_000_000)).toBe(false);
    expect(distinctSetsFit({ min: 5, max: 4 }, 60, 730, 10_000_000)).toBe(false);
  });

  it('over an id range that does not start at 1 answer as the two-phase count', async () => {
    const sqls = await compare(offset);
    expect(sqls.some((s) => s.includes('blogset_country_month'))).toBe(true);
    expect(sqls.some((s) => s.includes('bitstring_agg("blog_id", 70001,'))).toBe(true);
    expect(sqls.some((s) => s.includes('prev_user_blog_at'))).toBe(true);
    expect(sqls.some((s) => s.includes('prev_user_country_blog_at'))).toBe(true);
  });

  it('count a pair once when its previous view is exactly at the window start', async () => {
    // Windows starting on a view that has a later view of the same viewer and blog (and of
    // the same country and blog): that later view is not a first in the window.
    const { rows } = await offset.ref.query(
      `SELECT strftime(viewed_at, '%Y-%m-%d %H:%M:%S.%f') AS s FROM blog_view v
       WHERE user_id IS NOT NULL AND EXISTS (SELECT 1 FROM blog_view w WHERE w.user_id = v.user_id AND w.blog_id = v.blog_id AND w.viewed_at > v.viewed_at)
       ORDER BY viewed_at LIMIT 8`,
    );
    expect(rows.length).toBe(8);
    for (const r of rows) {
      for (const objectType of ['country', 'user'] as const) {
        const spec: QuerySpec = { kind: 'blog-views', objectType, window: { start: String(r['s']), end: '2026-11-01 00:00:00.000000' }, filter: undefined, limit: 1000, offset: 0 };
        const got = await askBlog(offset.fast, spec);
        expect(got, JSON.stringify(spec)).toEqual(await askBlog(offset.raw, spec));
        expectSameAnswer(got, referenceAnswer(spec, undefined, offset.rows), `reference: ${JSON.stringify(spec)}`);
      }
    }
    // The same for a viewer's blogs from one viewer country: a later view of the same
    // viewer, blog and country, and views of the same viewer and blog from other countries.
    const triples = await offset.ref.query(
      `SELECT strftime(viewed_at, '%Y-%m-%d %H:%M:%S.%f') AS s, country_id AS c FROM blog_view v
       WHERE user_id IS NOT NULL AND country_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM blog_view w WHERE w.user_id = v.user_id AND w.blog_id = v.blog_id AND w.country_id = v.country_id AND w.viewed_at > v.viewed_at)
       ORDER BY viewed_at LIMIT 8`,
    );
    expect(triples.rows.length).toBe(8);
    for (const r of triples.rows) {
      const f = { field: 'country', op: 'eq', value: Number(r['c']) };
      const spec: QuerySpec = { kind: 'blog-views', objectType: 'user', window: { start: String(r['s']), end: '2026-11-01 00:00:00.000000' }, filter: offset.fast.parseFilter(f), limit: 1000, offset: 0 };
      expect(compileBlog(offset.fast, spec).sql).toContain('prev_user_country_blog_at');
      const got = await askBlog(offset.fast, spec);
      expect(got, JSON.stringify(spec)).toEqual(await askBlog(offset.raw, spec));
      expectSameAnswer(got, referenceAnswer(spec, f, offset.rows), `reference: ${JSON.stringify(spec)}`);
    }
  });

  it('are left out for sparse ids, and the answers stay the same', async () => {
    const tables = (await sparse.fast.db.query(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'blogset%'`)).rows;
    expect(tables).toEqual([]);
    const sqls = await compare(sparse);
    expect(sqls.some((s) => s.includes('bitstring'))).toBe(false);
  });
});
