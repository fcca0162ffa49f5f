// Also bought by customer over all time from the pairs stored for the 32 products with the
// most buyers and, for the others, the distinct (product, customer) lines
// (PairsDef.partial, basket-pairs.ts): answered by an engine reading them, by one reading
// the fact table alone (rollups: false), and by the brute-force reference over the source's
// lines (plain SQL over the Parquet files: market-fixture.ts), all three alike: popular
// (stored) and rare (counted per question) products, one never sold, one whose only buyer
// bought nothing else (beside a cancelled and a pending order, which do not count), ties,
// limits and min_together.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { CompileOptions } from '../engine/query/compile-plan.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import type { BasketPlan } from '../engine/query/nodes.ts';
import { useMarketApp, usePlainMarket } from './market-fixture.ts';
import { AS_OF } from './market-endpoints.ts';
import { alsoBoughtReference } from './market-fixed-references.ts';
import type { AlsoRow } from './market-fixed-references.ts';
import { COUNTED } from './market-reference.ts';

// Customer 1004 bought product 1006 alone in a counted order; their cancelled and pending
// orders hold 1001 and 1003, which must not join 1006's basket.
const MORE = {
  customer: `SELECT id, name, city, email, phone, created_at::TIMESTAMP AS created_at FROM (VALUES
    (1004, 'One Thing Only', 'Lyon', 'o@example.com', '4', '2018-06-01 00:00:00')) t(id, name, city, email, phone, created_at)`,
  product: `SELECT id, name, category_id, price::DECIMAL(12,2) AS price, rating::DECIMAL(3,2) AS rating, is_active, created_at::TIMESTAMP AS created_at FROM (VALUES
    (1006, 'Bought alone', 12, '3.00', NULL, true, '2018-01-01 00:00:00')) t(id, name, category_id, price, rating, is_active, created_at)`,
  order: `SELECT id, customer_id, status, created_at::TIMESTAMP AS created_at FROM (VALUES
    (100008, 1004, 'delivered', '2026-05-01 10:00:00'),
    (100009, 1004, 'cancelled', '2026-05-02 10:00:00'),
    (100010, 1004, 'pending', '2026-05-03 10:00:00')) t(id, customer_id, status, created_at)`,
  order_item: `SELECT id, order_id, product_id, quantity::INTEGER AS quantity, unit_price::DECIMAL(12,2) AS unit_price FROM (VALUES
    (1000009, 100008, 1006, 1, '3.00'),
    (1000010, 100009, 1001, 2, '0.10'),
    (1000011, 100010, 1003, 1, '5.00')) t(id, order_id, product_id, quantity, unit_price)`,
};

const m = useMarketApp('malsocust-', 5000, 5, { cacheEntries: 0, threads: 1 }, MORE);
const plain = usePlainMarket(m);
/** The products whose pairs the snapshot stores (their (x, x) rows). */
let stored: Set<number>;

beforeAll(async () => {
  const db = await Database.open(m.fx.db, { readOnly: true });
  try {
    stored = new Set((await db.query(`SELECT x FROM pairs_counted_customer_product WHERE x = y`)).rows.map((r) => Number(r['x'])));
  } finally {
    db.close();
  }
});

const fields = fieldsFrom(marketplaceDataset.catalog, marketplaceDataset.catalog.root);
const sql = (p: BasketPlan, o: CompileOptions) => compilePlan(p, marketplaceDataset, fields, o).sql;

/** Per product, its counted buyers (the source's lines). */
function buyers(): Map<number, Set<unknown>> {
  const out = new Map<number, Set<unknown>>();
  for (const l of m.fx.lines) {
    if (!COUNTED.has(l['order__status'] as string)) continue;
    const p = Number(l['product']);
    if (!out.has(p)) out.set(p, new Set());
    out.get(p)!.add(l['order__customer']);
  }
  return out;
}

describe('also bought by customer from stored pairs and distinct lines', () => {
  const basket = (basis: string, window: BasketPlan['window'], filter?: BasketPlan['filter']): BasketPlan => ({
    kind: 'basket', dataset: 'marketplace', window, filter, basis, item: 'product', of: 1, minTogether: 1, decimals: 4, labels: [{ name: 'name', path: 'product__name' }], limit: 10,
  });
  const all = { start: null, end: '2030-01-01 00:00:00.000000' };

  it('reads them over all time of the counted lines only', () => {
    const fast = sql(basket('order__customer', all), plain.features);
    expect(fast).toContain('"pairs_counted_customer_product"');
    expect(fast).toContain('"lines_counted_product_customer"');
    expect(fast).toContain('"rollup_counted_product_buyers_all"');
    expect(fast).not.toContain('"fact_order_item"');
    expect(sql(basket('order', all), plain.features)).not.toContain('_customer_product');
    expect(sql(basket('order__customer', { start: '2026-01-01 00:00:00.000000', end: '2030-01-01 00:00:00.000000' }), plain.features)).toContain('"fact_order_item"');
    expect(sql(basket('order__customer', all, { kind: 'leaf', field: 'quantity', operator: 'gt', value: 1 } as BasketPlan['filter']), plain.features)).toContain('"fact_order_item"');
    expect(sql(basket('order__customer', all), { rollups: false })).not.toContain('pairs_counted');
    // A snapshot with the pairs but not their lines table (or the reverse) reads the fact table.
    expect(sql(basket('order__customer', all), { ...plain.features, pairTables: new Set(['pairs_counted_order_product']) })).toContain('"fact_order_item"');
  });

  it('stores the pairs of the 32 products with the most buyers (ties by id), and only theirs', () => {
    const per = buyers();
    const want = [...per].sort((a, b) => b[1].size - a[1].size || a[0] - b[0]).slice(0, 32).map(([p]) => p).sort((a, b) => a - b);
    expect([...stored].sort((a, b) => a - b)).toEqual(want);
    // Both ways are in use on this fixture.
    expect(per.size - stored.size, `${stored.size} of ${per.size}`).toBeGreaterThan(20);
  });

  it('answers as the plain plan and the reference do, for stored, counted, unsold and alone products', async () => {
    const per = buyers();
    const byBuyers = [...per].sort((a, b) => b[1].size - a[1].size || a[0] - b[0]).map(([p]) => p);
    const counted = byBuyers.filter((p) => !stored.has(p));
    const products = [...[...stored].slice(0, 4), ...counted.slice(0, 3), ...counted.slice(-3), 1002, 1005, 1006];
    let rows = 0;
    let ties = 0;
    for (const id of products) {
      for (const extra of [{}, { limit: 3 }, { min_together: 2, limit: 100 }, { limit: 1 }, { limit: 100 }]) {
        const payload = { basis: 'customer', ...extra };
        const res = async (app: FastifyInstance) => {
          const r = await app.inject({ method: 'POST', url: `/api/v1/marketplace/products/${id}/also-bought`, payload: { as_of: AS_OF, ...payload } });
          expect(r.statusCode, `${id} ${JSON.stringify(payload)}: ${r.body.slice(0, 300)}`).toBe(200);
          return r.json() as { data: AlsoRow[] };
        };
        const fast = await res(m.app);
        expect(fast, `${id} ${JSON.stringify(payload)}`).toEqual(await res(plain.app));
        const want = alsoBoughtReference(m.fx.lines, id, { as_of: AS_OF, basis: 'customer', ...extra });
        expect(fast.data, `${id} ${JSON.stringify(payload)}`).toEqual(want);
        rows += want.length;
        ties += want.filter((w, j) => j > 0 && w.together === want[j - 1]!.together).length;
      }
    }
    expect(rows).toBeGreaterThan(100);
    expect(ties).toBeGreaterThan(10);
    // Never sold, and bought alone (its buyer's cancelled and pending lines not counted).
    for (const id of [1005, 1006]) {
      const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/products/${id}/also-bought?as_of=${AS_OF}` });
      expect(r.json().data, String(id)).toEqual([]);
    }
  });

  it('answers as the plain plan on a snapshot that lacks one of the tables (older, or partly built), never a 500', async () => {
    const per = buyers();
    const counted = [...per.keys()].filter((p) => !stored.has(p));
    const ids = [[...stored][0]!, counted[0]!];
    for (const table of ['lines_counted_product_customer', 'pairs_counted_customer_product', 'rollup_counted_product_buyers_all']) {
      const dir = tempDir('malsocust-old-');
      const file = join(dir.path, 'old.duckdb');
      copyFileSync(m.fx.db, file);
      const db = await Database.open(file);
      await db.exec(`DROP TABLE ${table}`);
      db.close();
      const engine = await Engine.open(file, { dataset: marketplaceDataset, cacheEntries: 0, threads: 1 });
      const app = await buildApp({ engine: () => undefined, engines: (n) => (n === 'marketplace' ? engine : undefined), limits: STEADY_LIMITS });
      try {
        for (const id of ids) {
          const url = `/api/v1/marketplace/products/${id}/also-bought?as_of=${AS_OF}`;
          const got = await app.inject({ method: 'GET', url });
          expect(got.statusCode, `without ${table}, product ${id}: ${got.body.slice(0, 200)}`).toBe(200);
          expect(got.json(), `without ${table}, product ${id}`).toEqual((await plain.app.inject({ method: 'GET', url })).json());
        }
      } finally {
        await app.close();
        await engine.close();
        dir.cleanup();
      }
    }
  });
});
