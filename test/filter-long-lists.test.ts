// Long `in` / `not_in` lists (up to the spec's 1,000 items) compile to ONE list parameter,
// and select exactly what the spec's two-valued semantics select: checked row by row
// against a plain JavaScript evaluator over the fixture's views (nulls, empty strings,
// quotes, %, _, backslashes, non-ASCII text), and end to end through the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBlog } from '../engine/index.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { buildFields } from '../engine/fields.ts';
import { compileFilter } from '../engine/filter/compile.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { Params } from '../engine/params.ts';
import { filterFixture } from './filter-fixture.ts';
import type { ViewRow } from './filter-fixture.ts';
import { rng, tempDir } from './helpers.ts';

const fields = buildFields(blogCatalog);
const dir = tempDir('flong-');
let db: Database;
let engine: Engine;
let rows: ViewRow[];

beforeAll(async () => {
  const f = await filterFixture(dir.path, 3000);
  rows = f.rows;
  db = await Database.open(f.db, { readOnly: true });
  engine = await Engine.open(f.db, { cacheEntries: 0 });
});
afterAll(() => {
  engine?.close();
  db?.close();
  dir.cleanup();
});

type Scalar = string | number;

function compile(filter: unknown): { sql: string; params: unknown[] } {
  const node = parseFilter(filter, blogCatalog, fields)!;
  const p = new Params();
  return { sql: compileFilter(node, fields, p), params: p.values };
}

async function ids(sql: string, params: unknown[]): Promise<number[]> {
  const r = await db.query(`SELECT id FROM fact_view WHERE ${sql} ORDER BY id`, params as never[]);
  return r.rows.map((x) => x['id'] as number);
}

async function selected(filter: unknown): Promise<number[]> {
  const { sql, params } = compile(filter);
  return ids(sql, params);
}

const ints = (n: number, from = 1_000_000) => Array.from({ length: n }, (_, i) => from + i);

describe('compiled SQL', () => {
  it('a 1,000-item integer list is one BIGINT[] parameter, in and not_in', () => {
    const list = ints(1000, 1);
    expect(compile({ field: 'user', op: 'in', value: list })).toEqual({ sql: `("user_id" = ANY($1::BIGINT[]))`, params: [list] });
    expect(compile({ field: 'user', op: 'not_in', value: list })).toEqual({ sql: `(NOT COALESCE("user_id" = ANY($1::BIGINT[]), false))`, params: [list] });
    expect(compile({ field: 'blog', op: 'in', value: list })).toEqual({ sql: `("blog_id" = ANY($1::BIGINT[]))`, params: [list] });
  });

  it('a 1,000-item text list on a dimension field is one VARCHAR[] parameter inside the semi-join', () => {
    const list = Array.from({ length: 1000 }, (_, i) => `c${i}'%_\\`);
    expect(compile({ field: 'country__code', op: 'in', value: list })).toEqual({
      sql: `("country_id" IN (SELECT id FROM "country" WHERE "code" = ANY($1::VARCHAR[])))`,
      params: [list],
    });
  });

  it('a long timestamp list is one TIMESTAMP[] parameter of canonical UTC values', () => {
    const list = Array.from({ length: 1000 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const { sql, params } = compile({ field: 'viewed_at', op: 'in', value: list });
    expect(sql).toBe(`("viewed_at" = ANY($1::TIMESTAMP[]))`);
    expect(params).toEqual([list.map((d) => `${d} 00:00:00.000000`)]);
  });

  it('the list parameter stands beside the other parameters, in order', () => {
    const list = ints(6);
    const { sql, params } = compile({ and: [{ field: 'duration', op: 'gt', value: 3 }, { field: 'country', op: 'not_in', value: list }, { field: 'id', op: 'lt', value: 9 }] });
    expect(sql).toBe(`(("duration" > $1::BIGINT) AND (NOT COALESCE("country_id" = ANY($2::BIGINT[]), false)) AND ("id" < $3::BIGINT))`);
    expect(params).toEqual([3, list, 9]);
  });
});

// ---- the answers, against the spec's semantics written here --------------------------

const TYPES: Record<string, string> = {};
for (const [path, f] of fields) TYPES[path] = f.type;

/** The canonical form a value is compared in (timestamps as instants). */
const canon = (field: string, v: Scalar): Scalar => (TYPES[field] === 'timestamp' ? Date.parse(String(v).includes(' ') ? String(v).replace(' ', 'T') + 'Z' : String(v)) : v);

const canonSets = new WeakMap<readonly Scalar[], Set<Scalar>>();

/** Whether the row's field is one of the list's values: never for a null field. */
function member(field: string, row: ViewRow, list: readonly Scalar[]): boolean {
  const v = row[field] ?? null;
  if (v === null) return false;
  let set = canonSets.get(list);
  if (!set) canonSets.set(list, (set = new Set(list.map((x) => canon(field, x)))));
  return set.has(canon(field, v));
}

const AWKWARD = ['%', '_', '\\', "'", '"', '', ' ', 'é', 'ÉTÉ', '日本', '%c_', 'a\\b', "o'b", 'æøå', '--', ';', '[x]', 'a,b', '{}', 'NULL', 'null'];

/** A long list for a field: values seen in the data (a sample of distinct ones), awkward
 *  strings for text, then values that match nothing, up to `size` items and within the
 *  filter language's 16 KiB (or `bytes`). */
function longList(field: string, r: () => number, size: number, bytes = 16 * 1024 - 64): Scalar[] {
  const type = TYPES[field]!;
  const seen = [...new Set(rows.map((x) => x[field]).filter((v): v is Scalar => v !== null && v !== undefined))];
  const picked = seen.filter(() => r() < 0.3).slice(0, Math.floor(size / 3));
  const out: Scalar[] = type === 'timestamp' ? picked.map((v) => new Date(canon(field, v) as number).toISOString().replace('.000Z', 'Z')) : [...picked];
  if (type === 'text') out.push(...AWKWARD);
  for (let i = 0; out.length < size; i++) out.push(type === 'integer' ? 5_000_000 + i : type === 'text' ? `~${i}` : new Date(Date.UTC(2001, 0, 1) + i * 1000).toISOString().replace('.000Z', 'Z'));
  // Shuffled, so that the matching values are not all at the front.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  while (Buffer.byteLength(JSON.stringify({ field, op: 'not_in', value: out })) > bytes) out.pop();
  return out;
}

describe('answers', () => {
  const FIELDS = ['id', 'duration', 'user', 'country', 'blog', 'blog__author', 'blog__country', 'user__username', 'user__first_name', 'user__last_name',
    'country__name', 'country__code', 'blog__title', 'blog__country__code', 'viewed_at', 'blog__created_at'];

  it('every field, in and not_in over long lists, alone and nested: exactly the reference rows', async () => {
    const r = rng(20261123);
    let nonTrivial = 0;
    for (const field of FIELDS) {
      const list = longList(field, r, 1000);
      expect(list.length, field).toBeGreaterThan(4);
      // Two lists in one filter share its 16 KiB.
      const some = longList(field, r, 1000, 9 * 1024);
      const other = longList(field, r, 300, 6 * 1024);
      const leaf = (op: string, value: Scalar[]) => ({ field, op, value });
      const cases: [unknown, (row: ViewRow) => boolean][] = [
        [leaf('in', list), (x) => member(field, x, list)],
        [leaf('not_in', list), (x) => !member(field, x, list)],
        [{ not: leaf('in', list) }, (x) => !member(field, x, list)],
        [{ or: [leaf('in', other), { and: [{ field: 'duration', op: 'gte', value: 30 }, leaf('not_in', some)] }] },
          (x) => member(field, x, other) || ((x['duration'] as number) >= 30 && !member(field, x, some))],
      ];
      for (const [filter, holds] of cases) {
        const { sql, params } = compile(filter);
        expect(sql, field).toMatch(/= ANY\(\$\d+::(BIGINT|VARCHAR|TIMESTAMP)\[\]\)/);
        const want = rows.filter(holds).map((x) => x['id'] as number);
        const got = await ids(sql, params);
        if (got.length !== want.length || got.some((g, i) => g !== want[i])) expect({ field, filter: JSON.stringify(filter).slice(0, 300), got: got.length, want: want.length }).toBeUndefined();
        if (want.length > 0 && want.length < rows.length) nonTrivial++;
      }
    }
    // Most cases select some rows but not all (nulls on both sides of not_in included).
    expect(nonTrivial).toBeGreaterThan(FIELDS.length * 3);
  });

  it('not_in on a nullable field keeps the null rows; in never selects them', async () => {
    for (const field of ['user', 'country', 'user__first_name', 'country__code']) {
      const nulls = rows.filter((x) => x[field] === null).map((x) => x['id'] as number);
      expect(nulls.length, field).toBeGreaterThan(0);
      const list = longList(field, rng(7), 50);
      const kept = new Set(await selected({ field, op: 'not_in', value: list }));
      const matched = new Set(await selected({ field, op: 'in', value: list }));
      expect(nulls.every((id) => kept.has(id)), field).toBe(true);
      expect(nulls.some((id) => matched.has(id)), field).toBe(false);
      expect(matched.size, field).toBeGreaterThan(0);
    }
  });

  it('through the engine (rollups and blog sets where it uses them): blog-views by viewer under a 1,000-item filter', async () => {
    const r = rng(99);
    for (const field of ['country', 'blog', 'user__username']) {
      const list = longList(field, r, 1000);
      for (const op of ['in', 'not_in']) {
        const filter = engine.parseFilter({ field, op, value: list });
        const got = await askBlog(engine, { kind: 'blog-views', objectType: 'user', window: { start: null, end: '2099-01-01 00:00:00.000000' }, filter, limit: 1000, offset: 0 });
        const groups = new Map<number, { blogs: Set<number>; z: number }>();
        for (const x of rows) {
          if (x['user'] === null || member(field, x, list) !== (op === 'in')) continue;
          const g = groups.get(x['user'] as number) ?? { blogs: new Set(), z: 0 };
          g.blogs.add(x['blog'] as number);
          g.z++;
          groups.set(x['user'] as number, g);
        }
        const want = [...groups].map(([id, g]) => ({ id, y: g.blogs.size, z: g.z })).sort((a, b) => b.z - a.z || a.id - b.id);
        if (got.kind !== 'grouped') throw new Error(got.kind);
        expect(got.total, `${field} ${op}`).toBe(want.length);
        expect(got.rows.map(({ id, y, z }) => ({ id, y, z })), `${field} ${op}`).toEqual(want.slice(0, 1000));
      }
    }
  });
});
