// The marketplace benchmark's PostgreSQL: the Django shop_* schema and its indexes
// (data/marketplace/pg-load.ts), loaded from the very Parquet files the engine's snapshot was
// imported from, ANALYZE'd, and reused by a later run while a fingerprint of it still matches
// the files. Also the ids the variants ask about, read from the same files.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../engine/db.ts';
import { djangoPeer, fromParquet, rowText } from '../django-peer.ts';
import { SHOP_TABLES, loadShopSchema } from '../../data/marketplace/pg-load.ts';
import type { Reporter } from '../../data/progress-report.ts';
import type { MarketMeasureContext } from './measure.ts';
import type { MarketIds } from './variants.ts';

const COUNTED = `status IN ('paid', 'shipped', 'delivered')`;

// Every table's size, keys and sums, and the names: the same text from DuckDB over the files
// and from PostgreSQL over its tables.
const fingerprint = (t: Record<'customer' | 'category' | 'product' | 'order' | 'item', string>) => `SELECT
  (SELECT count(*) || ':' || sum(order_id) || ':' || sum(product_id) || ':' || sum(quantity) || ':' || CAST(sum(unit_price) AS VARCHAR) || ':' || max(id) FROM ${t.item}) AS items,
  (SELECT count(*) || ':' || sum(customer_id) || ':' || sum(CASE WHEN ${COUNTED} THEN id ELSE 0 END) || ':' || max(id) FROM ${t.order}) AS orders,
  (SELECT count(*) || ':' || sum(category_id) || ':' || CAST(sum(price) AS VARCHAR) || ':' || md5(string_agg(id || ':' || name, ',' ORDER BY id)) FROM ${t.product}) AS products,
  (SELECT count(*) || ':' || md5(string_agg(id || ':' || name || ':' || COALESCE(city, ''), ',' ORDER BY id)) FROM ${t.customer}) AS customers,
  (SELECT md5(string_agg(id || ':' || name || ':' || COALESCE(CAST(parent_id AS VARCHAR), ''), ',' ORDER BY id)) FROM ${t.category}) AS categories`;

const FILES = { customer: 'customer', category: 'category', product: 'product', order: 'order', item: 'order_item' } as const;
const fromFiles = <T>(parquet: string, work: (db: Database, t: Record<keyof typeof FILES, string>) => Promise<T>): Promise<T> => fromParquet(parquet, FILES, work);

/** The top spender, the product in the most counted orders, the number of products; and
 *  the rows of each table. */
export function dataFacts(parquet: string): Promise<{ ids: MarketIds; rows: Record<string, number> }> {
  return fromFiles(parquet, async (db, t) => {
    const n = (await db.query(`SELECT (SELECT count(*) FROM ${t.customer}) AS customer, (SELECT count(*) FROM ${t.category}) AS category,
      (SELECT count(*) FROM ${t.product}) AS product, (SELECT count(*) FROM ${t.order}) AS "order", (SELECT count(*) FROM ${t.item}) AS order_item`)).rows[0]!;
    const rows = Object.fromEntries(Object.entries(n).map(([k, v]) => [k, Number(v)]));
    const row = (
      await db.query(`SELECT
      (SELECT o.customer_id FROM ${t.item} i JOIN ${t.order} o ON o.id = i.order_id WHERE ${COUNTED} GROUP BY 1 ORDER BY sum(i.quantity * i.unit_price) DESC, 1 LIMIT 1) AS customer,
      (SELECT i.product_id FROM ${t.item} i JOIN ${t.order} o ON o.id = i.order_id WHERE ${COUNTED} GROUP BY 1 ORDER BY count(DISTINCT o.id) DESC, 1 LIMIT 1) AS product,
      (SELECT count(*) FROM ${t.product}) AS products`)
    ).rows[0]!;
    return { ids: { customer: Number(row['customer']), product: Number(row['product']), products: Number(row['products']) }, rows };
  });
}

export interface MarketPeerOptions {
  /** False with --no-pg. */
  readonly use: boolean;
  readonly schema: string;
  readonly parquet: string;
  /** Where the load's intermediate CSV files go. */
  readonly workDir: string;
}

/** PostgreSQL holding the data set in `schema` (loaded unless it already matches), or
 *  undefined without PostgreSQL. The caller ends the client. */
export function marketPgPeer(progress: Reporter, o: MarketPeerOptions): Promise<MarketMeasureContext['pg']> {
  const s = (table: string) => `${o.schema}.${table}`;
  return djangoPeer(progress, {
    use: o.use,
    schema: o.schema,
    ours: () => fromFiles(o.parquet, async (db, t) => rowText((await db.query(fingerprint(t))).rows[0]!)),
    theirs: (client) =>
      client.query(fingerprint({ customer: s('shop_customer'), category: s('shop_category'), product: s('shop_product'), order: s('shop_order'), item: s('shop_orderitem') })).then((r) => rowText(r.rows[0] as object)),
    load: async (client) => {
      progress.phase(`PostgreSQL: loading schema ${o.schema} (shop_*)`);
      await loadShopSchema(o.schema, o.parquet, o.workDir);
      for (const t of SHOP_TABLES) rmSync(join(o.workDir, `${t}.load.csv`), { force: true });
      progress.phase('PostgreSQL: ANALYZE');
      for (const t of SHOP_TABLES) await client.query(`ANALYZE ${s(t)}`);
    },
  });
}
