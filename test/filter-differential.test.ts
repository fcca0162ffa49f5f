// 2,000+ random filter trees in both forms, over every field and operator, with values
// drawn from the data (nulls, unicode, quotes, %, _): the compiled SQL must select exactly
// the rows that a small evaluator of the spec's semantics (filter-semantics.ts) selects, over
// the source's rows.
import { describe, expect, it } from 'vitest';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { buildFields, filterableFields } from '../engine/fields.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { compileFilter } from '../engine/filter/compile.ts';
import { Params } from '../engine/params.ts';
import { useFilterFixture } from './filter-fixture.ts';
import { TYPES, holds, ms } from './filter-semantics.ts';
import type { Json } from './filter-semantics.ts';
import { rng } from './helpers.ts';

const TREES = 2_200;
const fields = buildFields(blogCatalog);
const fx = useFilterFixture('fdiff-', 3000);

// ---- random trees ------------------------------------------------------------------------


const OPS: Record<string, string[]> = {
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull'],
  timestamp: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull'],
  text: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull', 'contains', 'not_contains', 'icontains',
    'startswith', 'istartswith', 'endswith', 'iendswith', 'iexact', 'regex'],
};
const AWKWARD = ['%', '_', '\\', "'", '"', '', 'é', 'ÉTÉ', '日本', '%c_', 'a\\b', "o'b", 'æøå', ' ', '--', ';'];
const PATTERNS = ['^[A-M]', 'a.c', '\\d', '(?i)the', 'ing$', '[%_]', '日本', "'", '^$', 'e{2}', '[[:upper:]]{2}', '\\\\'];

function tree(r: () => number): Json {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const paths = Object.keys(TYPES);
  const sample = (field: string): Json => {
    const type = TYPES[field]!;
    const v = fx.rows[Math.floor(r() * fx.rows.length)]![field] ?? null;
    if (type === 'integer') return v !== null && r() < 0.8 ? (v as number) + pick([0, 0, 0, 1, -1]) : pick([0, -1, 1, 2, 999999]);
    if (type === 'timestamp') {
      const t = v !== null ? ms(v as string) + pick([0, 0, 1000, -1000, 86_400_000]) : Date.UTC(2026, 0, 1);
      const iso = new Date(t).toISOString();
      const form = r();
      if (form < 0.4) return iso;
      if (form < 0.7) return new Date(t + 2 * 3_600_000).toISOString().slice(0, 19) + '+02:00';
      return iso.slice(0, 10);
    }
    if (v === null || r() < 0.25) return pick(AWKWARD);
    const s = v as string;
    const form = r();
    if (form < 0.4) return s;
    if (form < 0.6) return s.toUpperCase();
    const a = Math.floor(r() * s.length);
    return s.slice(a, a + 1 + Math.floor(r() * 4));
  };
  const leaf = (): Json => {
    const field = pick(paths);
    const op = pick(OPS[TYPES[field]!]!);
    let value: Json;
    if (op === 'isnull') value = r() < 0.5;
    else if (op === 'regex') value = pick(PATTERNS);
    else if (op === 'in' || op === 'not_in') value = Array.from({ length: 1 + Math.floor(r() * 4) }, () => sample(field));
    else if (op === 'between') value = [sample(field), sample(field)];
    else value = sample(field);
    return r() < 0.5 ? { field, operator: op, value } : { field, op, value };
  };
  const node = (depth: number): Json => {
    if (depth >= 4 || r() < 0.45) return leaf();
    const kids = () => Array.from({ length: Math.floor(r() * 4) }, () => node(depth + 1));
    const form = r();
    if (form < 0.2) return { operator: pick(['and', 'or', 'not']), conditions: kids() };
    if (form < 0.4) return { and: kids() };
    if (form < 0.6) return { or: kids() };
    if (form < 0.75) return { not: node(depth + 1) };
    return { operator: pick(['and', 'or']), conditions: kids() };
  };
  return node(0);
}

describe('filter differential', () => {
  it(`${TREES} random trees select exactly what the spec's semantics select`, async () => {
    const r = rng(20261121);
    const seenOps = new Set<string>();
    const seenFields = new Set<string>();
    let nonTrivial = 0;
    for (let i = 0; i < TREES; i++) {
      const t = tree(r);
      JSON.stringify(t, (k, v) => {
        if (k === 'operator' || k === 'op') seenOps.add(v as string);
        if (k === 'field') seenFields.add(v as string);
        return v;
      });
      // Half arrive as URL-decoded text, half as a JSON body member.
      const node = parseFilter(i % 2 ? JSON.stringify(t) : t, blogCatalog, fields)!;
      const p = new Params();
      const sql = compileFilter(node, fields, p);
      const got = (await fx.db.query(`SELECT id FROM fact_view WHERE ${sql} ORDER BY id`, p.values)).rows.map((x) => x['id']);
      const want = fx.rows.filter((row) => holds(t as { [k: string]: Json }, row)).map((row) => row['id']);
      if (got.length !== want.length || got.some((g, j) => g !== want[j])) {
        expect({ tree: t, sql, params: p.values, got: got.length, want: want.length }).toBeUndefined();
      }
      if (want.length > 0 && want.length < fx.rows.length) nonTrivial++;
    }
    // Every path of the filter language (the map also holds dimension-only paths).
    expect(seenFields.size).toBe(filterableFields(fields).length);
    for (const ops of Object.values(OPS)) for (const op of ops) expect(seenOps.has(op), op).toBe(true);
    // Most trees select some rows but not all: the comparison is not between empty sets.
    expect(nonTrivial).toBeGreaterThan(TREES / 3);
  });
});
