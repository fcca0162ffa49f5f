// The marketplace's Django tables (app `shop`: shop_customer, shop_category, shop_product,
// shop_order, shop_orderitem) in a real PostgreSQL, with Django's types and the indexes its
// ORM queries use, loaded from a generated Parquet folder: the import tests' source (and the
// benchmark's peer). Customers carry e-mail, phone and password columns, which the importer
// must never read.
import { loadDjangoSchema } from '../django-load.ts';
import type { DjangoExport, DjangoSchema } from '../django-load.ts';

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
const EXPORTS: readonly DjangoExport[] = [
  ['shop_customer', 'customer', `SELECT id, name, email, phone, 'pbkdf2_sha256$600000$' || md5(id::VARCHAR) AS password, city, created_at FROM read_parquet($1)`],
  ['shop_category', 'category', `SELECT id, name, parent_id FROM read_parquet($1)`],
  ['shop_product', 'product', `SELECT id, name, category_id, price, rating, is_active, created_at FROM read_parquet($1)`],
  ['shop_order', 'order', `SELECT id, customer_id, status, created_at FROM read_parquet($1)`],
  ['shop_orderitem', 'order_item', `SELECT id, order_id, product_id, quantity, unit_price FROM read_parquet($1)`],
];

export const SHOP_TABLES = EXPORTS.map(([t]) => t);

const APP: DjangoSchema = {
  ddl: shopDdl,
  exports: EXPORTS,
};

/** Creates the schema (dropping an old one of that name) and loads it from a Parquet folder
 *  of this dataset; `workDir` holds the intermediate CSV files. */
export const loadShopSchema = (schema: string, parquetDir: string, workDir: string): Promise<void> => loadDjangoSchema(APP, schema, parquetDir, workDir);
