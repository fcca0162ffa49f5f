// Each operator: the SQL and parameters it compiles to, then the rows it selects on a
// snapshot with nulls and awkward strings, against a predicate written here by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { buildFields } from '../engine/fields.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { compileFilter } from '../engine/filter/compile.ts';
import { Params } from '../engine/params.ts';
import { filterFixture } from './filter-fixture.ts';
import type { ViewRow } from './filter-fixture.ts';
import { tempDir } from './helpers.ts';

const fields = buildFields(blogCatalog);
const dir = tempDir('fop-');
let db: Database;
let rows: ViewRow[];

beforeAll(async () => {
  const f = await filterFixture(dir.path);
  rows = f.rows;
  db = await Database.open(f.db, { readOnly: true });
});
afterAll(() => {
  db?.close();
  dir.cleanup();
});

function compile(filter: unknown): { sql: string; params: unknown[] } {
  const node = parseFilter(filter, blogCatalog, fields)!;
  const p = new Params();
  return { sql: compileFilter(node, fields, p), params: p.values };
}

async function ids(sql: string, params: unknown[]): Promise<number[]> {
  const r = await db.query(`SELECT id FROM fact_view WHERE ${sql} ORDER BY id`, params as never[]);
  return r.rows.map((x) => x['id'] as number);
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : null);

interface Case {
  name: string;
  filter: unknown;
  sql: string;
  params: unknown[];
  expect: (r: ViewRow) => boolean;
}

const cases: Case[] = [
  { name: 'eq integer', filter: { field: 'duration', op: 'eq', value: 1 }, sql: `("duration" = $1::BIGINT)`, params: [1], expect: (r) => r['duration'] === 1 },
  { name: 'eq 0 is a real value', filter: { field: 'duration', op: 'eq', value: 0 }, sql: `("duration" = $1::BIGINT)`, params: [0], expect: () => false },
  { name: 'exact is eq', filter: { field: 'user', operator: 'exact', value: 7 }, sql: `("user_id" = $1::BIGINT)`, params: [7], expect: (r) => r['user'] === 7 },
  { name: 'ne is true on null', filter: { field: 'country', op: 'ne', value: 2 }, sql: `(NOT COALESCE("country_id" = $1::BIGINT, false))`, params: [2], expect: (r) => r['country'] !== 2 },
  { name: 'eq empty string', filter: { field: 'user__first_name', op: 'eq', value: '' },
    sql: `("user_id" IN (SELECT id FROM "user" WHERE "first_name" = $1::VARCHAR))`, params: [''], expect: (r) => r['user__first_name'] === '' },
  { name: 'eq is case-sensitive', filter: { field: 'blog__title', op: 'eq', value: 'été à paris — été' },
    sql: `("blog_id" IN (SELECT id FROM "blog" WHERE "title" = $1::VARCHAR))`, params: ['été à paris — été'], expect: () => false },
  { name: 'iexact folds case', filter: { field: 'blog__title', op: 'iexact', value: 'été à paris — été' },
    sql: `("blog_id" IN (SELECT id FROM "blog" WHERE lower("title") = lower($1::VARCHAR)))`, params: ['été à paris — été'], expect: (r) => lower(r['blog__title']) === 'été à paris — été' },
  { name: 'gt timestamp with offset', filter: { field: 'viewed_at', op: 'gt', value: '2026-06-01T02:00:00+02:00' },
    sql: `("viewed_at" > $1::TIMESTAMP)`, params: ['2026-06-01 00:00:00.000000'], expect: (r) => (r['viewed_at'] as string) > '2026-06-01 00:00:00.000000' },
  { name: 'gte date only', filter: { field: 'blog__created_at', op: 'gte', value: '2026-01-01' },
    sql: `("blog_created_at" >= $1::TIMESTAMP)`, params: ['2026-01-01 00:00:00.000000'], expect: (r) => (r['blog__created_at'] as string) >= '2026-01-01 00:00:00.000000' },
  { name: 'lt text orders by bytes', filter: { field: 'country__name', op: 'lt', value: 'C' },
    sql: `("country_id" IN (SELECT id FROM "country" WHERE "name" < $1::VARCHAR))`, params: ['C'],
    expect: (r) => r['country__name'] !== null && Buffer.compare(Buffer.from(r['country__name'] as string), Buffer.from('C')) < 0 },
  { name: 'lte integer', filter: { field: 'id', op: 'lte', value: 10 }, sql: `("id" <= $1::BIGINT)`, params: [10], expect: (r) => (r['id'] as number) <= 10 },
  { name: 'in', filter: { field: 'blog__author', op: 'in', value: [1, 2, 3] }, sql: `("author_id" IN ($1::BIGINT, $2::BIGINT, $3::BIGINT))`, params: [1, 2, 3],
    expect: (r) => [1, 2, 3].includes(r['blog__author'] as number) },
  { name: 'not_in is true on null', filter: { field: 'country__code', op: 'not_in', value: ['X1'] },
    sql: `(NOT COALESCE("country_id" IN (SELECT id FROM "country" WHERE "code" IN ($1::VARCHAR)), false))`, params: ['X1'], expect: (r) => r['country__code'] !== 'X1' },
  { name: 'between is inclusive', filter: { field: 'duration', op: 'between', value: [5, 7] }, sql: `("duration" BETWEEN $1::BIGINT AND $2::BIGINT)`, params: [5, 7],
    expect: (r) => (r['duration'] as number) >= 5 && (r['duration'] as number) <= 7 },
  { name: 'contains: % and _ are literal', filter: { field: 'blog__title', op: 'contains', value: '%c_' },
    sql: `("blog_id" IN (SELECT id FROM "blog" WHERE contains(lower("title"), lower($1::VARCHAR))))`, params: ['%c_'],
    expect: (r) => (r['blog__title'] as string).includes('%c_') },
  { name: 'icontains: backslash is literal, case folds', filter: { field: 'blog__title', op: 'icontains', value: 'A\\B%' },
    sql: `("blog_id" IN (SELECT id FROM "blog" WHERE contains(lower("title"), lower($1::VARCHAR))))`, params: ['A\\B%'],
    expect: (r) => lower(r['blog__title'])!.includes('a\\b%') },
  { name: 'not_contains is true on null', filter: { field: 'user__last_name', op: 'not_contains', value: 'a' },
    sql: `(NOT COALESCE("user_id" IN (SELECT id FROM "user" WHERE contains(lower("last_name"), lower($1::VARCHAR))), false))`, params: ['a'],
    expect: (r) => !(lower(r['user__last_name']) ?? '').includes('a') || r['user__last_name'] === null },
  { name: 'startswith quote', filter: { field: 'user__username', op: 'startswith', value: "O'B" },
    sql: `("user_id" IN (SELECT id FROM "user" WHERE starts_with(lower("username"), lower($1::VARCHAR))))`, params: ["O'B"],
    expect: (r) => (lower(r['user__username']) ?? '').startsWith("o'b") },
  { name: 'istartswith non-ASCII', filter: { field: 'user__username', op: 'istartswith', value: 'æøå' },
    sql: `("user_id" IN (SELECT id FROM "user" WHERE starts_with(lower("username"), lower($1::VARCHAR))))`, params: ['æøå'],
    expect: (r) => (lower(r['user__username']) ?? '').startsWith('æøå') },
  { name: 'endswith', filter: { field: 'blog__country__name', op: 'endswith', value: 'IA' },
    sql: `("blog_country_id" IN (SELECT id FROM "country" WHERE ends_with(lower("name"), lower($1::VARCHAR))))`, params: ['IA'],
    expect: (r) => (lower(r['blog__country__name']) ?? '').endsWith('ia') },
  { name: 'iendswith', filter: { field: 'blog__author__last_name', op: 'iendswith', value: 'N' },
    sql: `("author_id" IN (SELECT id FROM "user" WHERE ends_with(lower("last_name"), lower($1::VARCHAR))))`, params: ['N'],
    expect: (r) => (lower(r['blog__author__last_name']) ?? '').endsWith('n') },
  { name: 'regex is case-sensitive', filter: { field: 'country__name', op: 'regex', value: '^[A-C].*a$' },
    sql: `("country_id" IN (SELECT id FROM "country" WHERE regexp_matches("name", $1::VARCHAR)))`, params: ['^[A-C].*a$'],
    expect: (r) => r['country__name'] !== null && /^[A-C].*a$/.test(r['country__name'] as string) },
  { name: 'isnull true on a viewer field counts anonymous views', filter: { field: 'user__first_name', op: 'isnull', value: true },
    sql: `(NOT COALESCE("user_id" IN (SELECT id FROM "user" WHERE "first_name" IS NOT NULL), false))`, params: [], expect: (r) => r['user__first_name'] === null },
  { name: 'isnull false', filter: { field: 'country__code', op: 'isnull', value: false },
    sql: `("country_id" IN (SELECT id FROM "country" WHERE "code" IS NOT NULL))`, params: [], expect: (r) => r['country__code'] !== null },
  { name: 'isnull on a key', filter: { field: 'user', op: 'isnull', value: true }, sql: `(NOT COALESCE("user_id" IS NOT NULL, false))`, params: [], expect: (r) => r['user'] === null },
  { name: 'relation__id is the key', filter: { field: 'blog__country__id', op: 'gte', value: 2 }, sql: `("blog_country_id" >= $1::BIGINT)`, params: [2],
    expect: (r) => r['blog__country'] !== null && (r['blog__country'] as number) >= 2 },
  { name: 'old form and/or/not', filter: { operator: 'and', conditions: [
      { operator: 'or', conditions: [{ field: 'country', op: 'eq', value: 1 }, { field: 'country', op: 'eq', value: 2 }] },
      { operator: 'not', conditions: [{ field: 'duration', op: 'lt', value: 10 }, { field: 'user', op: 'isnull', value: true }] } ] },
    sql: `((("country_id" = $1::BIGINT) OR ("country_id" = $2::BIGINT)) AND (NOT (("duration" < $3::BIGINT) OR (NOT ("user_id" IS NOT NULL)))))`,
    params: [1, 2, 10], expect: (r) => (r['country'] === 1 || r['country'] === 2) && !((r['duration'] as number) < 10 || r['user'] === null) },
  { name: 'compact form, mixed with the old', filter: { or: [{ not: { field: 'duration', op: 'gte', value: 3 } }, { operator: 'and', conditions: [{ field: 'blog', op: 'eq', value: 1 }] }] },
    sql: `((NOT ("duration" >= $1::BIGINT)) OR (("blog_id" = $2::BIGINT)))`, params: [3, 1], expect: (r) => (r['duration'] as number) < 3 || r['blog'] === 1 },
  { name: 'empty and is true, empty or is false', filter: { and: [{ and: [] }, { not: { or: [] } }] }, sql: `(TRUE AND (NOT FALSE))`, params: [], expect: () => true },
];

describe('operators', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { sql, params } = compile(c.filter);
      expect(sql).toBe(c.sql);
      expect(params).toEqual(c.params);
      const want = rows.filter(c.expect).map((r) => r['id']);
      expect(await ids(sql, params)).toEqual(want);
    });
  }

  it('selects something for most cases (the fixture is not degenerate)', () => {
    const empty = cases.filter((c) => !rows.some(c.expect)).map((c) => c.name);
    expect(empty).toEqual(['eq 0 is a real value', 'eq is case-sensitive']);
  });
});
