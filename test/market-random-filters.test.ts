// Random filters over every filter root of the marketplace (SPEC-marketplace section 3), each
// through the HTTP API of an endpoint rooted there, against brute force over the source's
// Parquet files: the fields and operators come from GET /api/v1/meta?dataset=marketplace
// &root=TABLE, the trees from filter-trees.ts (and / or / not in both spellings, lists,
// ranges, one-to-many paths, isnull on nulls, awkward text with %, _, \, quotes and
// non-ASCII, decimals at cent and half-cent edges and as JSON numbers, booleans, instants a
// second or a day off, with offsets or as dates); the rows a tree selects from catalog-
// semantics.ts's evaluator over the source rows (never the snapshot), and each endpoint's
// answer from the references (market-reference.ts, market-lists-reference.ts,
// market-fixed-references.ts) given that selection. A failure names the endpoint, the case
// and the tree; MARKET_RANDOM_SEED=<n> replays another seed.
import { beforeAll, describe, expect, it } from 'vitest';
import { marketplaceCatalog } from '../engine/datasets/marketplace/declaration.ts';
import { SPEC_OPERATORS } from './spec-operators.ts';
import type { FieldType } from '../engine/catalog.ts';
import { rng } from './helpers.ts';
import { CatalogWorld } from './catalog-semantics.ts';
import type { Json, Kind, Value } from './catalog-semantics.ts';
import { catalogSource } from './catalog-source.ts';
import { fieldTree, valueNear } from './filter-trees.ts';
import type { TreeField, ValuePools } from './filter-trees.ts';
import { useMarketApp } from './market-fixture.ts';
import { ROOT_PROBES } from './market-random-probes.ts';
import type { ProbeContext } from './market-random-probes.ts';
import { readSource } from './market-lists-reference.ts';

const SEED = Number(process.env['MARKET_RANDOM_SEED'] ?? 20261117);
const PER_ROOT = 300;
// One DuckDB thread: many small queries, on a machine other tests share.
const m = useMarketApp('mrandom-', 300, 9, { threads: 1 });

/** A filter root as meta lists it (?root=TABLE): its fields with their operators. */
interface MetaRoot {
  root: string;
  fields: (TreeField & { type: FieldType; nullable: boolean })[];
}
let tables: string[];
let roots: MetaRoot[];
let world: CatalogWorld;
let ctx: ProbeContext;

beforeAll(async () => {
  const meta = async (query: string) => (await m.app.inject({ url: `/api/v1/meta?dataset=marketplace${query}` })).json() as { root: string; roots: string[]; fields: MetaRoot['fields'] };
  tables = (await meta('')).roots;
  roots = [];
  for (const root of Object.keys(ROOT_PROBES)) roots.push({ root, fields: (await meta(`&root=${root}`)).fields });
  world = new CatalogWorld(marketplaceCatalog, await catalogSource(marketplaceCatalog, m.fx.source));
  const parentOf = new Map(world.data['category']!.map((c) => [c['id'] as number, c['parent_id'] as number | null]));
  ctx = { app: m.app, lines: m.fx.lines, src: await readSource(m.fx), parentOf };
});

const POOLS: ValuePools = {
  text: ['%', '_', '\\', "'", '"', '', 'é', 'Ü', 'ö', 'São', '日本', "O'B", '100%_', '%_"', 'paid', 'PAID', 'Sweets', ' ', 'e', 'ZOË'],
  integers: [0, -1, 1, 12, 38, 1001, 1004, 100001, 1000001],
  decimals: ['0', '0.00', '0.01', '0.1', '0.10', '0.30', '0.005', '-0.01', '3', '4.995', '5', '5.00', '9.99', '1999.995', '2000.00', '4.50'],
  instant: Date.UTC(2019, 3, 30, 23, 30),
};
const PATTERNS = ['^[A-M]', 'a.c', '\\d', '(?i)sweet', 'et$', '[%_]', "'", '^$', '\\\\', 'ü|ö|ë', '^(paid|shipped)$', '(?i)^p', '[[:upper:]]{2}', '%'];

/** Every operator of every type a root has, each on a random field of that type. */
function coverage(root: MetaRoot, r: () => number): { field: TreeField; op: string }[] {
  const out: { field: TreeField; op: string }[] = [];
  for (const type of new Set(root.fields.map((f) => f.type))) {
    const fields = root.fields.filter((f) => f.type === type);
    for (const op of SPEC_OPERATORS[type]) out.push({ field: fields[Math.floor(r() * fields.length)]!, op });
  }
  return out;
}

/** A random tree over a root's fields (as meta lists them), with values near the data's;
 *  its first leaves from `cover`. */
function treeFrom(root: MetaRoot, r: () => number, cover: { field: TreeField; op: string }[]): Json {
  const rows = world.data[root.root]!;
  const sample = (f: TreeField): Json => {
    const { kind, values } = world.resolve(root.root, rows[Math.floor(r() * rows.length)]!, f.path);
    const v: Value = values.length ? values[Math.floor(r() * values.length)]! : null;
    return valueNear(r, kind as Kind, v, POOLS);
  };
  return fieldTree(r, { fields: root.fields, sample, patterns: PATTERNS, longLists: true, cover });
}

/** The fields and operators a tree names. */
function leaves(t: Json, out: { field: string; op: string }[] = []): { field: string; op: string }[] {
  if (Array.isArray(t)) for (const x of t) leaves(x, out);
  else if (t !== null && typeof t === 'object') {
    if (typeof t['field'] === 'string') out.push({ field: t['field'], op: (t['operator'] ?? t['op']) as string });
    else for (const [k, v] of Object.entries(t)) if (k !== 'value') leaves(v, out);
  }
  return out;
}

describe('random filters over every root of the marketplace, through the HTTP API', () => {
  it('meta lists each root the endpoints filter from, with the operators of SPEC.md for each type', () => {
    expect(tables).toEqual(expect.arrayContaining(Object.keys(ROOT_PROBES)));
    for (const r of roots) {
      expect(r.fields.length, r.root).toBeGreaterThan(5);
      for (const f of r.fields) expect([...f.operators].sort(), `${r.root} ${f.path}`).toEqual([...SPEC_OPERATORS[f.type]].sort());
    }
    // Paths through many-to-one chains and one-to-many relations, from each root.
    expect(roots[0]!.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['product__category__parent__name', 'order__items__product__name']));
    expect(roots.find((r) => r.root === 'order')!.fields.map((f) => f.path)).toContain('items__product__name');
    expect(roots.find((r) => r.root === 'customer')!.fields.map((f) => f.path)).toContain('orders__items__product__price');
  });

  // The roots at once: while one waits for DuckDB, another evaluates its trees.
  for (const root of Object.keys(ROOT_PROBES)) {
    it.concurrent(`${PER_ROOT} random filters from ${root} answer what brute force over the source answers`, async () => {
      const meta = roots.find((r) => r.root === root)!;
      const probes = ROOT_PROBES[root]!;
      const r = rng(SEED + root.length * 7919);
      const seenOps = new Set<string>();
      const seenFields = new Set<string>();
      const probed = new Map<string, number>();
      const cover = coverage(meta, r);
      let nonTrivial = 0;
      let manyNonTrivial = 0;
      const all = world.data[root]!.length;
      for (let i = 0; i < PER_ROOT; i++) {
        const tree = treeFrom(meta, r, cover);
        const named = leaves(tree);
        const types = new Map(meta.fields.map((f) => [f.path, f.type]));
        for (const l of named) {
          seenOps.add(`${types.get(l.field)} ${l.op}`);
          seenFields.add(l.field);
        }
        const selected = world.selected(tree, root);
        const trivial = selected.size === 0 || selected.size === all;
        if (!trivial) nonTrivial++;
        if (!trivial && named.some((l) => /(^|__)(orders|items)(__|$)/.test(l.field))) manyNonTrivial++;
        const probe = probes[i % probes.length]!;
        probed.set(probe.name, (probed.get(probe.name) ?? 0) + 1);
        await probe.check(ctx, { tree, selected, r, get: i % 2 === 0, label: `seed ${SEED} ${root} #${i} ${probe.name}: ${JSON.stringify(tree)}` });
      }
      // Every operator of every type the root has, most paths, and selections that are
      // neither empty nor everything, through one-to-many paths too.
      for (const type of new Set(meta.fields.map((f) => f.type))) for (const op of SPEC_OPERATORS[type]) expect(seenOps, `${type} ${op}`).toContain(`${type} ${op}`);
      expect(seenFields.size).toBeGreaterThan(meta.fields.length * 0.85);
      expect(nonTrivial).toBeGreaterThan(PER_ROOT / 4);
      if (meta.fields.some((f) => /(^|__)(orders|items)(__|$)/.test(f.path))) expect(manyNonTrivial).toBeGreaterThan(PER_ROOT / 20);
      expect([...probed.keys()]).toEqual(probes.map((p) => p.name));
    }, 600_000);
  }
});
