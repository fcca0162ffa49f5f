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
import { holds } from './filter-semantics.ts';
import type { Json } from './filter-semantics.ts';
import { rng } from './helpers.ts';
import { OPS, randomTree } from './filter-trees.ts';

const TREES = 2_200;
const fields = buildFields(blogCatalog);
const fx = useFilterFixture('fdiff-', 3000);

describe('filter differential', () => {
  it(`${TREES} random trees select exactly what the spec's semantics select`, async () => {
    const r = rng(20261121);
    const seenOps = new Set<string>();
    const seenFields = new Set<string>();
    let nonTrivial = 0;
    for (let i = 0; i < TREES; i++) {
      const t = randomTree(r, fx.rows);
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
