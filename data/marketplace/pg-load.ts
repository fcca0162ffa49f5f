// The marketplace's Django tables (app `shop`: shop_customer, shop_category, shop_product,
// shop_order, shop_orderitem) in a real PostgreSQL, with Django's types and the indexes its
// ORM queries use, loaded from a generated Parquet folder: the import tests' source (and the
// benchmark's peer). Customers carry e-mail, phone and password columns, which the importer
// must never read.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Database } from '../../engine/db.ts';
import { ident } from '../../engine/sql.ts';
import { PGURL } from '../pg-load.ts';

// Django's tables: bigint keys (BigAutoField), foreign keys indexed, PositiveIntegerField as
// an integer with a check, DecimalField(12, 2), DateTimeField as timestamptz; the order's
// status and time and the product's activity indexed (db_index=True), as the ORM's service
// functions filter on them.
export const shopDdl = (s: string) => `
CREATE SCHEMA ${s};
CREATE TABLE ${s}.shop_customer (id bigserial PRIMARY KEY, name varchar(200) NOT NULL, email varchar(254) NOT NULL,
  phone varchar(40) NOT NULL, password varchar(128) NOT NULL, city varchar(100) NULL, created_at timestamptz NOT NULL);
CREATE TABLE ${s}.shop_category (id bigserial PRIMARY KEY, name varchar(100) NOT NULL, parent_id bigint NULL REFERENCES ${s}.shop_category (id));
CREATE TABLE ${s}.shop_product (id bigserial PRIMARY KEY, name varchar(255) NOT NULL, category_id bigint NOT NULL REFERENCES ${s}.shop_category (id),
  price numeric(12,2) NOT NULL, rating numeric(3,2) NULL, is_active boolean NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE ${s}.shop_order (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES ${s}.shop_customer (id),
  status varchar(20) NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE ${s}.shop_orderitem (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES ${s}.shop_order (id),
  product_id bigint NOT NULL REFERENCES ${s}.shop_product (id), quantity integer NOT NULL CHECK (quantity >= 0), unit_price numeric(12,2) NOT NULL);
CREATE INDEX ON ${s}.shop_category (parent_id);
CREATE INDEX ON ${s}.shop_product (category_id);
CREATE INDEX ON ${s}.shop_product (is_active);
CREATE INDEX ON ${s}.shop_order (customer_id);
CREATE INDEX ON ${s}.shop_order (status);
CREATE INDEX ON ${s}.shop_order (created_at);
CREATE INDEX ON ${s}.shop_orderitem (order_id);
CREATE INDEX ON ${s}.shop_orderitem (product_id);
`;

// Django column order; values from the generated Parquet files, passwords made up here.
const EXPORTS: readonly [string, string, string][] = [
  ['shop_customer', 'customer', `SELECT id, name, email, phone, 'pbkdf2_sha256$600000$' || md5(id::VARCHAR) AS password, city, created_at FROM read_parquet($1)`],
  ['shop_category', 'category', `SELECT id, name, parent_id FROM read_parquet($1)`],
  ['shop_product', 'product', `SELECT id, name, category_id, price, rating, is_active, created_at FROM read_parquet($1)`],
  ['shop_order', 'order', `SELECT id, customer_id, status, created_at FROM read_parquet($1)`],
  ['shop_orderitem', 'order_item', `SELECT id, order_id, product_id, quantity, unit_price FROM read_parquet($1)`],
];

export const SHOP_TABLES = EXPORTS.map(([t]) => t);

/** Creates the schema (dropping an old one of that name) and loads it from a generated
 *  marketplace Parquet folder; `workDir` holds the intermediate CSV files. */
export async function loadShopSchema(schema: string, parquetDir: string, workDir: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name must be a plain identifier, got '${schema}'`);
  const db = await Database.open(':memory:');
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    await client.query(shopDdl(schema));
    await client.query(`SET TIME ZONE 'UTC'`);
    for (const [table, file, sql] of EXPORTS) {
      const csv = join(workDir, `${table}.load.csv`);
      await db.query(`COPY (${sql}) TO $2 (FORMAT csv, HEADER)`, [join(parquetDir, `${file}.parquet`), csv]);
      await pipeline(createReadStream(csv), client.query(copyFrom(`COPY ${schema}.${table} FROM STDIN WITH (FORMAT csv, HEADER)`)));
    }
  } finally {
    await client.end();
    db.close();
  }
}
