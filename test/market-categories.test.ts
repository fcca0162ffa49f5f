// GET/POST /api/v1/marketplace/categories against a brute-force reference: revenue and units
// per category from the source's lines (market-fixture.ts), shares of the window's revenue
// rounded half up in BigInt arithmetic, and subtree revenue by walking each category's
// parents up the tree read from the source's category.parquet (plain SQL, not the
// snapshot). The fixture's seed gives categories 1 and 9 sales of their own, so that the
// four-level branch 1041 ('Sweets 100%_"x"') -> 38 (no sales) -> 9 -> 1 is summed through a
// category without sales. Also: windows in zones, filters, CSV and Arrow, the SQL of the
// plan's subtree (a recursive CTE over the declared acyclic relation), bad parameters.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { categories } from '../engine/datasets/marketplace/categories.ts';
import type { AggregatePlan } from '../engine/query/nodes.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import type { Answer } from './query-reference.ts';
import { useMarketApp } from './market-fixture.ts';
import type { LineRow } from './market-fixture.ts';
import { AS_OF, FILTERS, documented } from './market-endpoints.ts';
import type { WindowMembers } from './market-endpoints.ts';
import { categoriesReference, categoryChain } from './market-fixed-references.ts';

const m = useMarketApp('mcategories-', 1500, 16);
/** Each category's parent, from the source file. */
const parentOf = new Map<number, number | null>();

beforeAll(async () => {
  const db = await Database.open(':memory:');
  try {
    const rows = (await db.query(`SELECT id, parent_id FROM read_parquet($1)`, [join(m.fx.source, 'category.parquet')])).rows;
    for (const r of rows) parentOf.set(Number(r['id']), r['parent_id'] === null ? null : Number(r['parent_id']));
  } finally {
    db.close();
  }
}, 120_000);

type Row = Record<string, string | number | null>;

const chain = (id: number) => categoryChain(parentOf, id);
const reference = (w: WindowMembers, where?: (l: LineRow) => boolean): Row[] => categoriesReference(m.fx.lines, parentOf, w, where);

const get = (query = '') => m.app.inject({ method: 'GET', url: `/api/v1/marketplace/categories?as_of=${AS_OF}&${query}` });

describe('GET/POST /api/v1/marketplace/categories', () => {
  it('answers revenue, units, shares and subtree revenue as the reference does, in windows and zones', async () => {
    const valid = await documented(m.app, '/api/v1/marketplace/categories');
    const windows: WindowMembers[] = [{}, { range: 'month' }, { range: 'year' }, { start: '2025-12-01', end: '2026-06-01', tz: 'America/New_York' }, { start: '2019-05-01', end: '2019-06-01', tz: 'Europe/Berlin' }, { start: '2019-05-01', end: '2019-06-01' }];
    let rows = 0;
    for (const w of windows) {
      const q = new URLSearchParams({ ...(w.range ? { range: w.range } : {}), ...(w.start ? { start: w.start, end: w.end!, ...(w.tz ? { tz: w.tz } : {}) } : {}) });
      const r = await get(q.toString());
      expect(r.statusCode, r.body).toBe(200);
      const want = reference(w);
      expect(r.json().data, q.toString()).toEqual(want);
      expect(valid(r.json())).toEqual([]);
      rows += want.length;
    }
    expect(rows).toBeGreaterThan(40);
  });

  it('sums a subtree at any depth, through a category with no sales of its own', async () => {
    const data = (await get()).json().data as Row[];
    const byId = new Map(data.map((r) => [r['id'] as number, r]));
    // The branch 1 -> 9 -> 38 -> 1041: 38 sells nothing (no row), 1041 sells the sweets.
    expect(chain(1041)).toEqual([1041, 38, 9, 1]);
    expect(byId.has(38)).toBe(false);
    const sweets = byId.get(1041)!;
    expect(sweets).toMatchObject({ name: 'Sweets 100%_"x"', parent_id: 38, revenue: '0.60', quantity: 5, subtree_revenue: '0.60' });
    const nine = byId.get(9)!;
    const one = byId.get(1)!;
    const cents = (v: unknown) => BigInt(String(v).replace('.', ''));
    // 9's subtree: itself, 38 (nothing), 1041, and 39 (if it sold).
    const underNine = [9, 39, 1041].reduce((s, id) => s + (byId.has(id) ? cents(byId.get(id)!['revenue']) : 0n), 0n);
    expect(cents(nine['subtree_revenue'])).toBe(underNine);
    // 1's subtree holds 9's and every other child's.
    const underOne = data.filter((r) => chain(r['id'] as number).includes(1)).reduce((s, r) => s + cents(r['revenue']), 0n);
    expect(cents(one['subtree_revenue'])).toBe(underOne);
    expect(cents(one['subtree_revenue'])).toBeGreaterThan(cents(one['revenue']) + cents(nine['revenue']));
    // Roots' subtrees add up to the window's revenue.
    const roots = data.filter((r) => r['parent_id'] === null);
    const whole = data.reduce((s, r) => s + cents(r['revenue']), 0n);
    const rootsWithSales = new Set(roots.map((r) => r['id']));
    const orphans = data.filter((r) => !rootsWithSales.has(chain(r['id'] as number).at(-1)!)).reduce((s, r) => s + cents(r['revenue']), 0n);
    expect(roots.reduce((s, r) => s + cents(r['subtree_revenue']), 0n) + orphans).toBe(whole);
  });

  it('takes filters, by GET and POST; shares are of the filtered revenue', async () => {
    for (const f of FILTERS) {
      const want = reference({ tz: 'Asia/Tokyo' }, f.where);
      const post = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/categories', payload: { as_of: AS_OF, tz: 'Asia/Tokyo', filters: f.json } });
      expect(post.statusCode, post.body).toBe(200);
      expect(post.json().data, JSON.stringify(f.json)).toEqual(want);
      expect((await get(`tz=Asia/Tokyo&filters=${encodeURIComponent(JSON.stringify(f.json))}`)).json().data).toEqual(want);
    }
    // One category only: 100 percent of the (filtered) window.
    const sweets = (await get(`filters=${encodeURIComponent(JSON.stringify({ field: 'product__category', op: 'eq', value: 1041 }))}`)).json().data as Row[];
    expect(sweets).toEqual([{ id: 1041, name: 'Sweets 100%_"x"', parent_id: 38, revenue: '0.60', quantity: 5, share: 100, subtree_revenue: '0.60' }]);
    const none = await get(`filters=${encodeURIComponent(JSON.stringify({ field: 'order__customer__name', op: 'eq', value: 'Pending Only' }))}`);
    expect(none.json().data).toEqual([]);
  });

  it('writes the same rows in CSV and Arrow (money as Decimal128 of scale 2)', async () => {
    const json = (await get()).json() as { data: Row[] };
    const types: Record<string, Answer['columns'][number]['type']> = {
      id: 'integer', name: 'text', parent_id: 'integer', revenue: 'decimal', quantity: 'integer', share: 'number', subtree_revenue: 'decimal',
    };
    const answer = { columns: Object.entries(types).map(([name, type]) => ({ name, type })), data: json.data } as unknown as Answer;
    const csv = await get('format=csv');
    expect(csv.headers['content-disposition']).toMatch(/marketplace-categories-2027-01-01\.csv/);
    expectCsvEqualsJson(csv.body, answer, 'categories CSV');
    await expectArrowEqualsJson((await get('format=arrow')).rawPayload, answer, 'categories Arrow');
  });

  it('compiles the subtree to a recursive CTE over the declared acyclic relation; misuse is refused', () => {
    const fields = fieldsFrom(marketplaceDataset.catalog, 'order_item');
    const plan = categories.ask({ tz: 'UTC' }, { start: null, end: '2027-01-01 00:00:00' } as never, { parseFilter: () => undefined, fields }) as AggregatePlan;
    const { sql } = compilePlan(plan, marketplaceDataset, fields);
    expect(sql).toMatch(/^WITH RECURSIVE base AS/);
    expect(sql).toContain('UNION SELECT tree.a, x."id" FROM tree JOIN "category" x ON x."parent_id" = tree.d');
    expect(sql).toContain('LEFT JOIN sub ON sub.sub_key = base.g0');
    const bad = (subtree: AggregatePlan['subtree'], dimensions = plan.dimensions) => () => compilePlan({ ...plan, dimensions, subtree }, marketplaceDataset, fields);
    expect(bad({ relation: 'category', sums: [{ measure: 'revenue', name: 's' }] })).toThrow(/not an acyclic relation/);
    expect(bad({ relation: 'parent', sums: [{ measure: 'orders', name: 's' }] })).toThrow(/not an additive measure/);
    expect(bad({ relation: 'parent', sums: [{ measure: 'revenue', name: 's' }] }, ['product'])).toThrow(/not an acyclic relation/);
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    for (const [q, path] of [['range=fortnight', '/range'], ['format=xml', '/format'], ['start=2020-13-01', '/start']] as const) {
      const r = await get(q);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().details[0].path, q).toBe(path);
    }
    const f = await m.app.inject({ method: 'POST', url: '/api/v1/marketplace/categories', payload: { filters: { field: 'product__category__parent__parent__name', op: 'eq', value: 'x' } } });
    expect(f.statusCode).toBe(400);
    expect(f.json().details[0].path).toBe('/filters/field');
  });
});
