// A synthetic marketplace (SPEC-marketplace section 5), written as one Parquet file per
// table. Categories, customers and products come from faker (tables.ts); orders and their
// lines are each generated in one DuckDB statement from counter-based hashes, so a million
// orders take seconds and the same seed and end give the same bytes.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../engine/db.ts';
import { SYNTHETIC_COPY_OPTION } from '../generate-marker.ts';
import { U, ZIPF, bindNamed } from '../hash-sql.ts';
import { silent } from '../progress.ts';
import type { Progress } from '../progress.ts';
import { makeTables, marketSizes } from './tables.ts';
import type { MarketSizes } from './tables.ts';

export interface MarketGenerateOptions {
  readonly orders: number;
  readonly seed: number;
  readonly out: string;
  /** Every order is placed before this instant. */
  readonly end: Date;
  readonly progress?: Progress;
}

export interface MarketGenerateResult {
  readonly sizes: MarketSizes;
  /** Rows written per table. */
  readonly rows: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

export const MARKET_TABLES = ['category', 'customer', 'product', 'order', 'order_item'] as const;

// A customer places orders between signing up and the end, more of them lately (u^0.75:
// the marketplace grows); customers are picked Zipf-like, so a few spend most. Statuses:
// ~8% pending, ~4% cancelled, the rest paid, shipped or delivered. Each order has 1 to 8
// lines, small baskets commonest (u^1.2).
const ORDERS_SQL = `
CREATE TABLE "order" AS
WITH r AS (
  SELECT i, ${U(1)} AS u_customer, ${U(2)} AS u_time, ${U(3)} AS u_status, ${U(4)} AS u_lines
  FROM range($orders) t(i)
), placed AS (
  SELECT r.*, c.id AS customer_id,
         make_timestamp((epoch(c.created_at) + floor((epoch($end::TIMESTAMP) - epoch(c.created_at)) * pow(u_time, 0.75)))::BIGINT * 1000000) AS created_at
  FROM r JOIN customer c ON c.id = ${ZIPF('u_customer', '$customers', 1000003)}
)
SELECT row_number() OVER (ORDER BY created_at, i) AS id, customer_id,
       CASE WHEN u_status < 0.08 THEN 'pending' WHEN u_status < 0.12 THEN 'cancelled' WHEN u_status < 0.30 THEN 'paid'
            WHEN u_status < 0.50 THEN 'shipped' ELSE 'delivered' END AS status,
       created_at, i AS gen_i, (1 + floor(8 * pow(u_lines, 1.2)))::INTEGER AS gen_lines
FROM placed
ORDER BY id`;

// Lines: a product picked Zipf-like among those ever sold (popularity follows a power law;
// the last ids never sell), mostly one of it; the price paid is mostly today's price, and
// sometimes a discount, an older higher price, or a free item. Line k of the order made from
// counter i draws from counter i * 8 + k, on streams of its own.
const ITEMS_SQL = `
CREATE TABLE order_item AS
WITH lines AS (
  SELECT id AS order_id, gen_i * 8 + k AS j, k FROM (SELECT id, gen_i, unnest(range(gen_lines)) AS k FROM "order")
), r AS (
  SELECT order_id, k, ${U(11, 'j')} AS u_product, ${U(12, 'j')} AS u_quantity, ${U(13, 'j')} AS u_price FROM lines
), picked AS (
  SELECT r.*, p.id AS product_id, p.price FROM r JOIN product p ON p.id = ${ZIPF('u_product', '$sold', 999983)}
)
SELECT row_number() OVER (ORDER BY order_id, k) AS id, order_id, product_id,
       (CASE WHEN u_quantity < 0.70 THEN 1 WHEN u_quantity < 0.88 THEN 2 WHEN u_quantity < 0.95 THEN 3
             ELSE 4 + floor((u_quantity - 0.95) * 140) END)::INTEGER AS quantity,
       CASE WHEN u_price < 0.003 THEN 0.00::DECIMAL(12,2)
            WHEN u_price < 0.12 THEN CAST(price * 0.80 AS DECIMAL(12,2))
            WHEN u_price < 0.17 THEN CAST(price * 1.10 AS DECIMAL(12,2))
            ELSE price END AS unit_price
FROM picked
ORDER BY id`;

const endTs = (col: string) => `($end::TIMESTAMP - to_seconds(${col}))`;

// The files' columns (customers' email and phone are written too: the importer must never
// read them, and a test proves it does not).
const OUTPUT: Readonly<Record<(typeof MARKET_TABLES)[number], string>> = {
  category: 'SELECT id, name, parent_id FROM category',
  customer: 'SELECT id, name, city, email, phone, created_at FROM customer',
  product: 'SELECT id, name, category_id, price, rating, is_active, created_at FROM product',
  order: 'SELECT id, customer_id, status, created_at FROM "order"',
  order_item: 'SELECT id, order_id, product_id, quantity, unit_price FROM order_item',
};

export async function generateMarketplace(options: MarketGenerateOptions): Promise<MarketGenerateResult> {
  const progress = options.progress ?? silent;
  const sizes = marketSizes(options.orders);
  progress.phase('making categories, customers and products');
  const t = makeTables(sizes, options.seed);
  const db = await Database.open(':memory:', { connections: 1 });
  const end = options.end.toISOString().replace('T', ' ').replace('Z', '');
  const names = { end, seed: options.seed, orders: options.orders, customers: sizes.customers, sold: sizes.sold };
  const run = async (sql: string) => {
    const [text, params] = bindNamed(sql, names);
    await db.query(text, params);
  };
  try {
    await db.exec(`
      CREATE TABLE gen_category (id BIGINT, name VARCHAR, parent_id BIGINT);
      CREATE TABLE gen_customer (id BIGINT, name VARCHAR, city VARCHAR, email VARCHAR, phone VARCHAR, created_before BIGINT);
      CREATE TABLE gen_product (id BIGINT, name VARCHAR, category_id BIGINT, price VARCHAR, rating VARCHAR, is_active BIGINT, created_before BIGINT);`);
    await db.append('gen_category', t.category);
    await db.append('gen_customer', t.customer);
    await db.append('gen_product', t.product);
    await run(`CREATE TABLE category AS SELECT id, name, parent_id FROM gen_category ORDER BY id`);
    await run(`CREATE TABLE customer AS SELECT id, name, city, email, phone, ${endTs('created_before')} AS created_at FROM gen_customer ORDER BY id`);
    await run(
      `CREATE TABLE product AS SELECT id, name, category_id, CAST(price AS DECIMAL(12,2)) AS price, CAST(rating AS DECIMAL(3,2)) AS rating, ` +
        `is_active = 1 AS is_active, ${endTs('created_before')} AS created_at FROM gen_product ORDER BY id`,
    );
    progress.tick(t.category.length + t.customer.length + t.product.length);
    // One statement each, whose long part is a sort: the steps count their rows once done.
    progress.phase('making orders');
    await run(ORDERS_SQL);
    progress.tick(options.orders);
    progress.phase('making order items');
    await run(ITEMS_SQL);
    const items = Number((await db.query('SELECT count(*) AS n FROM order_item')).rows[0]?.['n'] ?? 0);
    progress.tick(items);

    mkdirSync(options.out, { recursive: true });
    const rows: Record<string, number> = { category: t.category.length, customer: t.customer.length, product: t.product.length, order: options.orders, order_item: items };
    const files: string[] = [];
    for (const table of MARKET_TABLES) {
      const file = join(options.out, `${table}.parquet`);
      progress.phase(`writing ${table}.parquet`);
      const tmp = `${file}.tmp`;
      rmSync(tmp, { force: true });
      // A fixed row-group size keeps the bytes independent of the thread count; the footer
      // marks the data as synthetic (generate-marker.ts).
      await db.query(`COPY (${OUTPUT[table]} ORDER BY id) TO $1 (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, ${SYNTHETIC_COPY_OPTION})`, [tmp]);
      progress.tick(rows[table]!);
      renameSync(tmp, file);
      files.push(file);
    }
    progress.done();
    return { sizes, rows, files };
  } finally {
    db.close();
  }
}
