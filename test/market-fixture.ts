// The marketplace data the query tests ask about: a small generated data set (power-law
// popularity, pending and cancelled orders, null ratings and cities, awkward names, a
// three-level category branch) with hand-made rows added to its Parquet files for what a
// random draw may miss: lines of 0.10 and 0.20 whose sum must be "0.30", a big pending
// order and a customer whose orders are all pending or cancelled (none may count), two
// products tied in revenue, quantity and orders, a four-level category, a product never
// sold, and orders in 2019 with empty months between them (one on 2019-04-30 23:30 UTC,
// which is May in Berlin). Imported the ordinary way; the flat lines the reference reads
// come from plain SQL over the Parquet files, never from the snapshot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import type { EngineOptions } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { importSnapshot } from '../data/import.ts';
import { generateMarketplace } from '../data/marketplace/generate.ts';
import { buildApp } from '../server/app.ts';
import { snapshotFeatures } from '../engine/features.ts';
import type { CompileOptions } from '../engine/query/compile-plan.ts';
import { END, STEADY_LIMITS, tempDir } from './helpers.ts';

const EXTRA: Record<string, string> = {
  category: `SELECT * FROM (VALUES (1041, 'Sweets 100%_"x"', 38)) t(id, name, parent_id)`,
  customer: `SELECT id, name, city, email, phone, created_at::TIMESTAMP AS created_at FROM (VALUES
    (1001, 'Zoë O''Brien_100%', NULL, 'z@example.com', '1', '2018-06-01 00:00:00'),
    (1002, 'Ünïcödé Tester', 'São Paulo', 'u@example.com', '2', '2018-06-01 00:00:00'),
    (1003, 'Pending Only', 'Nowhere', 'p@example.com', '3', '2018-06-01 00:00:00')) t(id, name, city, email, phone, created_at)`,
  product: `SELECT id, name, category_id, price::DECIMAL(12,2) AS price, rating::DECIMAL(3,2) AS rating, is_active, created_at::TIMESTAMP AS created_at FROM (VALUES
    (1001, 'Penny sweet', 1041, '0.10', '4.50', true, '2018-01-01 00:00:00'),
    (1002, 'Two-penny sweet', 1041, '0.20', NULL, true, '2018-01-01 00:00:00'),
    (1003, 'Tie A', 12, '5.00', '3.00', true, '2018-01-01 00:00:00'),
    (1004, 'Tie B', 12, '5.00', '3.00', false, '2018-01-01 00:00:00'),
    (1005, 'Never sold', 12, '9.99', NULL, false, '2018-01-01 00:00:00')) t(id, name, category_id, price, rating, is_active, created_at)`,
  order: `SELECT id, customer_id, status, created_at::TIMESTAMP AS created_at FROM (VALUES
    (100001, 1001, 'paid', '2026-03-15 10:00:00'),
    (100002, 1001, 'pending', '2026-03-16 09:00:00'),
    (100003, 1003, 'cancelled', '2026-04-01 08:00:00'),
    (100004, 1003, 'pending', '2026-04-02 08:00:00'),
    (100005, 1002, 'delivered', '2019-01-10 12:00:00'),
    (100006, 1002, 'shipped', '2019-04-20 23:30:00'),
    (100007, 1002, 'paid', '2019-04-30 23:30:00')) t(id, customer_id, status, created_at)`,
  order_item: `SELECT id, order_id, product_id, quantity::INTEGER AS quantity, unit_price::DECIMAL(12,2) AS unit_price FROM (VALUES
    (1000001, 100001, 1001, 1, '0.10'),
    (1000002, 100001, 1002, 1, '0.20'),
    (1000003, 100002, 1003, 100, '1000.00'),
    (1000004, 100003, 1004, 3, '5.00'),
    (1000005, 100004, 1001, 7, '0.10'),
    (1000006, 100005, 1003, 2, '5.00'),
    (1000007, 100006, 1004, 2, '5.00'),
    (1000008, 100007, 1001, 3, '0.10')) t(id, order_id, product_id, quantity, unit_price)`,
};

/** One order line with everything a question may read, keyed by field path from the root. */
export type LineRow = Record<string, string | number | boolean | null>;

export interface MarketFixture {
  readonly db: string;
  readonly source: string;
  readonly lines: LineRow[];
}

// Plain joins over the source files: every line with its order, customer, product, category
// and parent category; money and ratings as exact text, the time as epoch microseconds.
const LINES_SQL = (f: (t: string) => string) => `
SELECT i.id, i.quantity, i.unit_price::VARCHAR AS unit_price, o.id AS "order", o.status AS order__status,
       epoch_us(o.created_at) AS _at, c.id AS order__customer, c.name AS order__customer__name, c.city AS order__customer__city,
       p.id AS product, p.name AS product__name, p.price::VARCHAR AS product__price, p.rating::VARCHAR AS product__rating,
       p.is_active AS product__is_active, k.id AS product__category, k.name AS product__category__name,
       k.parent_id AS product__category__parent, pk.name AS product__category__parent__name
FROM ${f('order_item')} i JOIN ${f('order')} o ON o.id = i.order_id JOIN ${f('customer')} c ON c.id = o.customer_id
JOIN ${f('product')} p ON p.id = i.product_id JOIN ${f('category')} k ON k.id = p.category_id LEFT JOIN ${f('category')} pk ON pk.id = k.parent_id
ORDER BY i.id`;

/** Rows a test adds to the source beside EXTRA's, per table (a SELECT of its columns). */
export type MoreRows = Readonly<Record<string, string>>;

export async function marketFixture(dir: string, orders = 1500, seed = 21, more: MoreRows = {}): Promise<MarketFixture> {
  const gen = join(dir, 'gen');
  const source = join(dir, 'parquet');
  mkdirSync(source, { recursive: true });
  await generateMarketplace({ orders, seed, out: gen, end: END });
  const scratch = await Database.open(':memory:');
  try {
    for (const [table, extra] of Object.entries(EXTRA)) {
      const added = more[table] === undefined ? '' : ` UNION ALL ${more[table]}`;
      await scratch.query(`COPY (SELECT * FROM read_parquet($1) UNION ALL ${extra}${added} ORDER BY id) TO $2 (FORMAT parquet)`, [join(gen, `${table}.parquet`), join(source, `${table}.parquet`)]);
    }
    const db = join(dir, 'market.duckdb');
    await importSnapshot({ source, dbPath: db, dataset: marketplaceDataset });
    const lines = (await scratch.query(LINES_SQL((t) => `read_parquet('${join(source, `${t}.parquet`)}')`))).rows.map((r) => ({ ...r, _at: Number(r['_at']) }) as LineRow);
    return { db, source, lines };
  } finally {
    scratch.close();
  }
}

export interface MarketApp {
  readonly fx: MarketFixture;
  readonly engine: Engine;
  readonly app: FastifyInstance;
}

/** The fixture in `dir`, an engine over its snapshot and the app serving it (inject). */
export async function openMarket(dir: string, orders?: number, seed?: number, options: Omit<EngineOptions, 'dataset'> = {}, more?: MoreRows): Promise<MarketApp> {
  const fx = await marketFixture(dir, orders, seed, more);
  const engine = await Engine.open(fx.db, { ...options, dataset: marketplaceDataset });
  try {
    const app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'marketplace' ? engine : undefined), limits: STEADY_LIMITS });
    return { fx, engine, app };
  } catch (e) {
    await engine.close();
    throw e;
  }
}

/** The fixture served by an app, for a test file or block: built before its tests, closed
 *  and removed after them (also when they fail). Members are set once beforeAll has run. */
export function useMarketApp(prefix: string, orders?: number, seed?: number, options?: Omit<EngineOptions, 'dataset'>, more?: MoreRows): MarketApp {
  const dir = tempDir(prefix);
  const state = {} as { fx: MarketFixture; engine: Engine; app: FastifyInstance };
  beforeAll(async () => {
    Object.assign(state, await openMarket(dir.path, orders, seed, options, more));
  });
  afterAll(async () => {
    try {
      await state.app?.close();
      await state.engine?.close();
    } finally {
      dir.cleanup();
    }
  });
  return state;
}

export interface PlainMarket {
  readonly engine: Engine;
  readonly app: FastifyInstance;
  /** The snapshot's features (what the fast plans may read), as the engine over it sees them. */
  readonly features: CompileOptions;
}

/** Beside a fixture's app: an engine over the same snapshot reading the fact table alone
 *  (rollups: false), its app, and the snapshot's features, for differential tests of the
 *  accelerators. Opened before the file's tests (after `m`'s), closed after them. */
export function usePlainMarket(m: MarketApp): PlainMarket {
  const state = {} as { engine: Engine; app: FastifyInstance; features: CompileOptions };
  beforeAll(async () => {
    state.engine = await Engine.open(m.fx.db, { dataset: marketplaceDataset, cacheEntries: 0, rollups: false, threads: 1 });
    state.app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'marketplace' ? state.engine : undefined), limits: STEADY_LIMITS });
    const db = await Database.open(m.fx.db, { readOnly: true });
    try {
      state.features = await snapshotFeatures(db, marketplaceDataset.catalog, true);
    } finally {
      db.close();
    }
  });
  afterAll(async () => {
    await state.app?.close();
    await state.engine?.close();
  });
  return state;
}
