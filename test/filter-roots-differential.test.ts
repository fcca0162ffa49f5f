// Random filter trees (and / or / not, both JSON forms) over every filterable path of every
// root of the toy dataset: the fact root (order lines, read through the fact table), orders
// and customers, with many-to-one chains, one-to-many relations and computed columns, and
// values of every type drawn from the data (ties, nulls, awkward strings, decimals in other
// spellings, UUIDs in uppercase). The compiled SQL must select exactly the rows the
// brute-force evaluator (toy-semantics.ts) selects from the same rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { buildFields, filterableFields } from '../engine/fields.ts';
import type { FieldMap } from '../engine/fields.ts';
import { compileFilter } from '../engine/filter/compile.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { Params } from '../engine/params.ts';
import { rng } from './helpers.ts';
import { fieldTree, valueNear } from './filter-trees.ts';
import type { TreeField, ValuePools } from './filter-trees.ts';
import { toyCatalog, toyData, toyDatabase } from './toy-dataset.ts';
import type { ToyRow } from './toy-dataset.ts';
import { ToyWorld } from './toy-semantics.ts';
import type { Json, Kind } from './toy-semantics.ts';
import { SPEC_OPERATORS } from './spec-operators.ts';

const TREES_PER_ROOT = 400;
const data = toyData();
const world = new ToyWorld(data);
let db: Database;
beforeAll(async () => {
  db = await toyDatabase(data);
});
afterAll(() => db?.close());

const ROOTS = {
  order_item: { from: 'fact_item', key: 'item_id', fields: buildFields(toyCatalog) },
  order: { from: '"order"', key: 'id', fields: buildFields(toyCatalog, 'order') },
  customer: { from: 'customer', key: 'id', fields: buildFields(toyCatalog, 'customer') },
} as const satisfies Record<string, { from: string; key: string; fields: FieldMap }>;
type Root = keyof typeof ROOTS;

const OPS: Readonly<Record<Kind, readonly string[]>> = SPEC_OPERATORS;
const AWKWARD = ['%', '_', '\\', "'", '"', '', 'é', 'ÉTÉ', '日本', "o'b", ' / ', '?', 'paris', 'Widget', '50%'];
const PATTERNS = ['^[A-M]', 'a.c', '\\d', '(?i)paris', 'et$', '[%_]', '日本', "'", '^$', '\\\\', ' / \\?$'];
const POOLS: ValuePools = {
  text: AWKWARD,
  integers: [0, -1, 1, 1000, 1010],
  decimals: ['0', '-5', '0.105', '100', '0.3', '19.990', '-0.01', '9999999999.99', '1234567890.12'],
  days: ['2024-02-29', '1999-12-31', '2000-01-01', '2024-03-01', '2023-12-31'],
  instant: Date.UTC(2024, 1, 29),
  uuids: data.customer.map((c) => c['id'] as string),
};

/** A random tree over every filterable path from `root`, with values near the data's. */
function tree(root: Root, r: () => number): Json {
  const rows: ToyRow[] = data[root];
  const fields: TreeField[] = filterableFields(ROOTS[root].fields).map((f) => ({ path: f.path, type: f.type, operators: OPS[world.resolve(root, rows[0]!, f.path).kind] }));
  const sample = (f: TreeField): Json => {
    const { kind, values } = world.resolve(root, rows[Math.floor(r() * rows.length)]!, f.path);
    const v = values.length ? values[Math.floor(r() * values.length)]! : null;
    return valueNear(r, kind, v, POOLS);
  };
  return fieldTree(r, { fields, sample, patterns: PATTERNS, longLists: true });
}

describe('filter differential over every root of the toy dataset', () => {
  for (const root of Object.keys(ROOTS) as Root[]) {
    it(`${TREES_PER_ROOT} random trees from ${root} select exactly what the evaluator selects`, async () => {
      const { from, key, fields } = ROOTS[root];
      const r = rng(14_000 + root.length);
      const seenOps = new Set<string>();
      const seenFields = new Set<string>();
      let nonTrivial = 0;
      for (let i = 0; i < TREES_PER_ROOT; i++) {
        const t = tree(root, r);
        JSON.stringify(t, (k, v) => {
          if (k === 'operator' || k === 'op') seenOps.add(v as string);
          if (k === 'field') seenFields.add(v as string);
          return v;
        });
        const node = parseFilter(i % 2 ? JSON.stringify(t) : t, toyCatalog, fields)!;
        const p = new Params();
        const sql = compileFilter(node, fields, p);
        const got = (await db.query(`SELECT ${key} AS k FROM ${from} WHERE ${sql}`, p.values)).rows.map((x) => x['k'] as string | number).sort();
        const want = data[root].filter((row) => world.holds(t as { [k: string]: Json }, root, row)).map((row) => row[key] as string | number).sort();
        if (got.length !== want.length || got.some((g, j) => g !== want[j])) {
          expect({ tree: t, sql, params: p.values, got, want }).toBeUndefined();
        }
        if (want.length > 0 && want.length < data[root].length) nonTrivial++;
      }
      // Most filterable paths appear (there are many more paths than leaves per tree).
      expect(seenFields.size).toBeGreaterThan(filterableFields(fields).length * 0.6);
      for (const op of OPS.text) expect(seenOps.has(op), op).toBe(true);
      expect(nonTrivial).toBeGreaterThan(TREES_PER_ROOT / 3);
    });
  }

  it('the trees reach every type, one-to-many paths, computed columns and two-hop chains', () => {
    const fields = [...Object.values(ROOTS)].flatMap((x) => filterableFields(x.fields));
    expect(new Set(fields.map((f) => f.type))).toEqual(new Set(['integer', 'text', 'timestamp', 'date', 'boolean', 'decimal', 'uuid']));
    expect(fields.some((f) => f.many)).toBe(true);
    expect(fields.some((f) => f.storage.value.kind === 'expr')).toBe(true);
    expect(fields.some((f) => f.storage.hops.length >= 2 && f.storage.hops.every((h) => h.kind === 'many-to-one'))).toBe(true);
  });
});
