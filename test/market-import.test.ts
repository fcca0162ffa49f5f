// `npm run import -- SOURCE --dataset marketplace`: generated Parquet files under plain and
// Django names (`shop_orderitem`), CSV files, and, with a PostgreSQL server, a live Django
// schema and its pg_dump, each imported and compared table by table with the source files
// (plain SQL in a DuckDB of the test's own); customers' e-mail, phone and password never
// reach the snapshot (and a live import reads them under a role that may not); every check
// the spec names refuses a bad source with a message naming the table, row and value.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { importSnapshot } from '../data/import.ts';
import { generateMarketplace } from '../data/marketplace/generate.ts';
import { loadShopSchema, SHOP_TABLES } from '../data/marketplace/pg-load.ts';
import { ImportError } from '../data/source.ts';
import { dropSchema, PGURL, postgresForTests } from './pg-fixture.ts';
import { END, generatedSnapshot, tempDir } from './helpers.ts';
import { runCli } from './cli-run.ts';

const reachable = await postgresForTests('the marketplace PostgreSQL import tests');

const dir = tempDir('mimp-');
const gen = join(dir.path, 'gen');
const schema = `bae_market_${process.pid}`;
const TABLES = ['customer', 'category', 'product', 'order', 'order_item'] as const;
const DJANGO: Record<string, string> = { customer: 'shop_customer', category: 'shop_category', product: 'shop_product', order: 'shop_order', order_item: 'shop_orderitem' };
/** The declared columns, as the source files hold them. */
const COLUMNS: Record<string, string> = {
  customer: 'id, name, city, created_at',
  category: 'id, name, parent_id',
  product: 'id, name, category_id, price, rating, is_active, created_at',
  order: 'id, customer_id, status, created_at',
  order_item: 'id, order_id, product_id, quantity, unit_price',
};
const q = (t: string) => (t === 'order' ? '"order"' : t);
let scratch: Database;

beforeAll(async () => {
  await generateMarketplace({ orders: 600, seed: 3, out: gen, end: END });
  scratch = await Database.open(':memory:');
});
afterAll(async () => {
  scratch?.close();
  if (reachable) await dropSchema(schema).catch(() => {});
  dir.cleanup();
});

const importMarket = (source: string, name: string, extra: { schema?: string } = {}) =>
  importSnapshot({ source, dbPath: join(dir.path, `${name}.duckdb`), dataset: marketplaceDataset, ...extra });

/** Every table of the snapshot equals the generated files' declared columns, row for row. */
async function expectSnapshotMatchesSource(db: string): Promise<void> {
  const snap = await Database.open(db, { readOnly: true });
  try {
    for (const t of TABLES) {
      const file = join(gen, `${t}.parquet`);
      const r = (await snap.query(
        `SELECT (SELECT count(*) FROM ${q(t)}) AS n, (SELECT count(*) FROM read_parquet($1)) AS want,
           (SELECT count(*) FROM (SELECT ${COLUMNS[t]} FROM ${q(t)} EXCEPT ALL SELECT ${COLUMNS[t]} FROM read_parquet($1))) AS extra,
           (SELECT count(*) FROM (SELECT ${COLUMNS[t]} FROM read_parquet($1) EXCEPT ALL SELECT ${COLUMNS[t]} FROM ${q(t)})) AS missing`,
        [file],
      )).rows[0]!;
      expect(r, t).toEqual({ n: r['want'], want: r['want'], extra: 0, missing: 0 });
    }
    // No contact detail anywhere in the snapshot, under any name.
    const cols = (await snap.query(`SELECT table_name, column_name FROM duckdb_columns() WHERE column_name IN ('email', 'phone', 'password')`)).rows;
    expect(cols).toEqual([]);
    const at = (await snap.query(`SELECT count(*) AS n FROM customer WHERE name LIKE '%@%' OR city LIKE '%@%'`)).rows[0]!;
    expect(at['n']).toBe(0);
  } finally {
    snap.close();
  }
}

/** A copy of the generated folder under Django's names (or the plain ones), `change` naming a
 *  table whose file is rewritten through a SELECT over the original (as `src`). */
async function variant(name: string, change: Partial<Record<(typeof TABLES)[number], string>> = {}, names: Record<string, string> = DJANGO, ext = 'parquet'): Promise<string> {
  const out = join(dir.path, name);
  mkdirSync(out);
  for (const t of TABLES) {
    const target = join(out, `${names[t] ?? t}.${ext}`);
    const sql = change[t];
    if (sql === undefined && ext === 'parquet') copyFileSync(join(gen, `${t}.parquet`), target);
    else await scratch.query(`COPY (${sql ?? 'SELECT * FROM src'}) TO $2 (FORMAT ${ext}${ext === 'csv' ? ', HEADER' : ''})`.replace('src', 'read_parquet($1) src'), [join(gen, `${t}.parquet`), target]);
  }
  return out;
}

describe('marketplace import', () => {
  it('imports the generated Parquet files: every table as the source holds it, no contact details, the dataset and synthetic mark recorded', async () => {
    const meta = await importMarket(gen, 'plain');
    expect(meta.dataset).toBe('marketplace');
    expect(meta.synthetic).toBe(true);
    expect(Object.keys(meta.rows).sort()).toEqual([...TABLES].sort());
    await expectSnapshotMatchesSource(join(dir.path, 'plain.duckdb'));
    // Served as the marketplace; refused as the blog, and a blog snapshot refused as the marketplace.
    const e = await Engine.open(join(dir.path, 'plain.duckdb'), { dataset: marketplaceDataset });
    expect(e.meta.rows['order_item']).toBe(meta.rows['order_item']);
    await e.close();
    await expect(Engine.open(join(dir.path, 'plain.duckdb'))).rejects.toThrow(/holds the marketplace dataset, not blog/);
    const blog = await generatedSnapshot(join(dir.path, 'blog'), 2_000);
    await expect(Engine.open(blog.db, { dataset: marketplaceDataset })).rejects.toThrow(/holds the blog dataset, not marketplace/);
  });

  it('npm run import -- SOURCE --dataset marketplace writes <name>.duckdb in DATA_DIR by default', async () => {
    const data = join(dir.path, 'data-dir');
    const r = await runCli('data/import-cli.ts', [await variant('cli'), '--dataset', 'marketplace'], { DATA_DIR: data, ANALYTICS_DB: undefined, DEBUG: undefined });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^imported customer \\d+, category 40, product \\d+, order 600, order_item \\d+ into ${join(data, 'marketplace.duckdb')} in [\\d.]+ s \\(\\d+ order_item rows/s\\)$`, 'm'));
    await expectSnapshotMatchesSource(join(data, 'marketplace.duckdb'));
  });

  it('finds Django <app>_<model> names (shop_orderitem), in Parquet and in CSV', async () => {
    await importMarket(await variant('django'), 'django');
    await expectSnapshotMatchesSource(join(dir.path, 'django.duckdb'));
    const csv = await variant('csv', {}, DJANGO, 'csv');
    expect(readdirSync(csv).sort()).toEqual(['shop_category.csv', 'shop_customer.csv', 'shop_order.csv', 'shop_orderitem.csv', 'shop_product.csv']);
    await importMarket(csv, 'csv');
    await expectSnapshotMatchesSource(join(dir.path, 'csv.duckdb'));
  });

  it('refuses two tables that could hold one (shop_order and legacy_order), naming both', async () => {
    const out = await variant('two-orders');
    copyFileSync(join(out, 'shop_order.parquet'), join(out, 'legacy_order.parquet'));
    await expect(importMarket(out, 'two-orders')).rejects.toThrow(/table 'order': .* 2 tables named \*_order \(legacy_order, shop_order\)/);
  });

  const BAD: [string, Partial<Record<(typeof TABLES)[number], string>>, RegExp][] = [
    ['a quantity of 0', { order_item: 'SELECT * REPLACE (CASE WHEN id = 7 THEN 0 ELSE quantity END AS quantity) FROM src' }, /table 'order_item' \(.*shop_orderitem\.parquet, row 7\), column 'quantity': 0 is below the minimum 1/],
    ['a negative price paid', { order_item: "SELECT * REPLACE (CASE WHEN id = 5 THEN -0.01 ELSE unit_price END::DECIMAL(12,2) AS unit_price) FROM src" }, /table 'order_item' \(.*row 5\), column 'unit_price': -0\.01 is below the minimum 0/],
    ['a negative list price', { product: "SELECT * REPLACE (CASE WHEN id = 3 THEN -1 ELSE price END::DECIMAL(12,2) AS price) FROM src" }, /table 'product' \(.*row 3\), column 'price': -1\.00 is below the minimum 0/],
    ['a price with three decimals', { product: "SELECT * REPLACE (CASE WHEN id = 2 THEN 1000.005 ELSE price END::DECIMAL(12,3) AS price) FROM src" }, /table 'product' \(.*row 2\), column 'price': '1000\.005' has more decimals than DECIMAL\(12,2\) holds/],
    ['a price as a binary float', { product: 'SELECT * REPLACE (price::DOUBLE AS price) FROM src' }, /table 'product' .*column 'price' has type DOUBLE, expected DECIMAL\(12,2\)/],
    ['a rating over 5', { product: "SELECT * REPLACE (CASE WHEN id = 4 THEN 5.01 ELSE rating END::DECIMAL(3,2) AS rating) FROM src" }, /table 'product' \(.*row 4\), column 'rating': 5\.01 is above the maximum 5/],
    ['an unknown status', { order: "SELECT * REPLACE (CASE WHEN id = 9 THEN 'refunded' ELSE status END AS status) FROM src" }, /table 'order' \(.*row 9\), column 'status': 'refunded' is not one of pending, paid, shipped, delivered, cancelled/],
    ['an order with no customer', { order: 'SELECT * REPLACE (CASE WHEN id = 4 THEN NULL ELSE customer_id END AS customer_id) FROM src' }, /table 'order' \(.*row 4\), column 'customer_id': null in a required column/],
    ['a line of an unknown product', { order_item: 'SELECT * REPLACE (CASE WHEN id = 6 THEN 999999 ELSE product_id END AS product_id) FROM src' }, /table 'order_item' \(.*row 6\), column 'product_id': 999999 references no row of table 'product'/],
    ['two orders with one id', { order: 'SELECT * REPLACE (CASE WHEN id = 8 THEN 7 ELSE id END AS id) FROM src' }, /table 'order' \(.*row 8\), column 'id': duplicate value '7' \(first at row 7\)/],
    ['a category that is its own parent', { category: 'SELECT * REPLACE (CASE WHEN id = 12 THEN 12 ELSE parent_id END AS parent_id) FROM src' }, /table 'category' \(.*row 12\), column 'parent_id': a cycle of parents: 12 -> 12 \(the parents must form a tree\)/],
    // 38's parent is 9, 9's parent 1: making 1's parent 38 closes a cycle of three.
    ['a cycle of three categories', { category: 'SELECT * REPLACE (CASE WHEN id = 1 THEN 38 ELSE parent_id END AS parent_id) FROM src' }, /table 'category' \(.*row 1\), column 'parent_id': a cycle of parents: 1 -> 38 -> 9 -> 1 /],
  ];
  for (const [what, change, message] of BAD) {
    it(`refuses ${what}`, async () => {
      const err = await importMarket(await variant(what.replaceAll(' ', '-'), change), what.replaceAll(' ', '-')).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ImportError);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('accepts a deep category chain and a tree whose rows come in any order', async () => {
    // Every category under the one before it: a chain 40 deep, then shuffled.
    const out = await variant('chain', { category: 'SELECT id, name, CASE WHEN id = 1 THEN NULL ELSE id - 1 END AS parent_id FROM src ORDER BY hash(id)' });
    await importMarket(out, 'chain');
  });
});

describe.skipIf(!reachable)('marketplace import from PostgreSQL (a Django shop schema)', () => {
  beforeAll(async () => {
    await loadShopSchema(schema, gen, dir.path);
  });

  it('reads a live database in one snapshot of it, under a role that may not read customers\' e-mail, phone or password', async () => {
    const role = `bae_reader_${process.pid}`;
    const admin = new pg.Client({ connectionString: PGURL });
    await admin.connect();
    try {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      await admin.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      for (const t of SHOP_TABLES.filter((t) => t !== 'shop_customer')) await admin.query(`GRANT SELECT ON ${schema}.${t} TO ${role}`);
      await admin.query(`GRANT SELECT (id, name, city, created_at) ON ${schema}.shop_customer TO ${role}`);
      const url = new URL(PGURL);
      url.username = role;
      url.password = '';
      // The role really may not read them (else the import below would prove nothing).
      const probe = new pg.Client({ connectionString: url.toString() });
      await probe.connect();
      await expect(probe.query(`SELECT email FROM ${schema}.shop_customer LIMIT 1`)).rejects.toThrow(/permission denied/);
      await probe.end();
      await importMarket(url.toString(), 'live', { schema });
      await expectSnapshotMatchesSource(join(dir.path, 'live.duckdb'));
    } finally {
      await admin.query(`DROP OWNED BY ${role}`).catch(() => {});
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await admin.end();
    }
  });

  it('reads a pg_dump of the schema (with its DDL, and --data-only)', async () => {
    for (const [name, extra] of [['dump', []], ['dump-data', ['--data-only']]] as const) {
      const file = join(dir.path, `${name}.sql`);
      execFileSync('pg_dump', ['--dbname', PGURL, '--schema', schema, '--no-owner', '--file', file, ...extra], { stdio: 'pipe' });
      await importMarket(file, name);
      await expectSnapshotMatchesSource(join(dir.path, `${name}.duckdb`));
    }
  });
});
