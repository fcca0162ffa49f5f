// The marketplace generator (SPEC-marketplace section 5) at a small size: one Parquet file
// per table, the same bytes for a seed, the sizes and shares the spec names, and every
// constraint the importer will check (references, quantity >= 1, price >= 0, no category
// cycle), read back from the files with plain SQL.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { generateMarketplace } from '../data/marketplace/generate.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('mgen-');
const ORDERS = 20_000;
const TABLES = ['category', 'customer', 'order', 'order_item', 'product'];
let db: Database;
const file = (run: string, table: string) => join(dir.path, run, `${table}.parquet`);

beforeAll(async () => {
  for (const [run, seed] of [['a', 5], ['b', 5], ['c', 6]] as const) await generateMarketplace({ orders: ORDERS, seed, out: join(dir.path, run), end: END });
  db = await Database.open(':memory:');
  for (const t of TABLES) await db.exec(`CREATE VIEW ${t === 'order' ? '"order"' : t} AS SELECT * FROM read_parquet('${file('a', t)}')`);
});
afterAll(() => {
  db?.close();
  dir.cleanup();
});

const one = async (sql: string) => (await db.query(sql)).rows[0]!;
const num = async (sql: string) => Number(Object.values(await one(sql))[0]);

describe('marketplace generator', () => {
  it('writes one Parquet file per table', () => {
    expect(readdirSync(join(dir.path, 'a')).sort()).toEqual(TABLES.map((t) => `${t}.parquet`));
  });

  it('is deterministic for a seed and an end: the same bytes; another seed differs', () => {
    for (const t of TABLES) expect(readFileSync(file('a', t)).equals(readFileSync(file('b', t))), t).toBe(true);
    for (const t of ['customer', 'order', 'order_item']) expect(readFileSync(file('a', t)).equals(readFileSync(file('c', t))), t).toBe(false);
  });

  it('has the sizes of the spec: N orders, N/20 customers, N/50 products, 40 categories, 1 to 8 lines per order; ids 1..n', async () => {
    const sizes = await one(`SELECT (SELECT count(*) FROM "order") AS orders, (SELECT count(*) FROM customer) AS customers,
      (SELECT count(*) FROM product) AS products, (SELECT count(*) FROM category) AS categories`);
    expect(sizes).toEqual({ orders: ORDERS, customers: ORDERS / 20, products: ORDERS / 50, categories: 40 });
    for (const t of TABLES) {
      const r = await one(`SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM ${t === 'order' ? '"order"' : t}`);
      expect(r, t).toEqual({ n: r['n'], d: r['n'], lo: 1, hi: r['n'] });
    }
    const lines = await one(`SELECT min(n) AS lo, max(n) AS hi, avg(n) AS mean, count(*) AS orders FROM (SELECT order_id, count(*) AS n FROM order_item GROUP BY 1)`);
    expect(lines).toMatchObject({ lo: 1, hi: 8, orders: ORDERS });
    expect(Number(lines['mean'])).toBeGreaterThan(3);
    expect(Number(lines['mean'])).toBeLessThan(5);
  });

  it('has ~8% pending and ~4% cancelled orders, ~10% inactive products, some null ratings and cities', async () => {
    const s = await one(`SELECT avg((status = 'pending')::INT) AS pending, avg((status = 'cancelled')::INT) AS cancelled,
      count(DISTINCT status) AS statuses, bool_and(status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')) AS known FROM "order"`);
    expect(Number(s['pending'])).toBeGreaterThan(0.07);
    expect(Number(s['pending'])).toBeLessThan(0.09);
    expect(Number(s['cancelled'])).toBeGreaterThan(0.03);
    expect(Number(s['cancelled'])).toBeLessThan(0.05);
    expect(s).toMatchObject({ statuses: 5, known: true });
    const inactive = await num(`SELECT avg((NOT is_active)::INT) FROM product`);
    expect(inactive).toBeGreaterThan(0.05);
    expect(inactive).toBeLessThan(0.15);
    expect(await num(`SELECT count(*) FROM product WHERE rating IS NULL`)).toBeGreaterThan(0);
    expect(await num(`SELECT count(*) FROM customer WHERE city IS NULL`)).toBeGreaterThan(0);
  });

  it('keeps the constraints: quantity >= 1, prices >= 0 (0.99 to 2,000.00 listed, with ties), ratings 0 to 5, every reference resolves', async () => {
    expect(await num(`SELECT min(quantity) FROM order_item`)).toBe(1);
    expect(await one(`SELECT min(price)::VARCHAR AS lo, max(price)::VARCHAR AS hi FROM product`)).toEqual({ lo: '0.99', hi: '2000.00' });
    expect(await num(`SELECT count(*) FROM order_item WHERE unit_price < 0`)).toBe(0);
    expect(await num(`SELECT count(*) FROM order_item WHERE unit_price = 0`)).toBeGreaterThan(0);
    // The price paid differs from today's price on some lines.
    expect(await num(`SELECT count(*) FROM order_item i JOIN product p ON p.id = i.product_id WHERE i.unit_price <> p.price`)).toBeGreaterThan(0);
    expect(await num(`SELECT count(*) - count(DISTINCT price) FROM product`)).toBeGreaterThan(50);
    expect(await one(`SELECT min(rating)::VARCHAR AS lo, max(rating)::VARCHAR AS hi FROM product`)).toEqual({ lo: '0.00', hi: '5.00' });
    for (const [table, column, target] of [
      ['order_item', 'order_id', '"order"'],
      ['order_item', 'product_id', 'product'],
      ['"order"', 'customer_id', 'customer'],
      ['product', 'category_id', 'category'],
      ['category', 'parent_id', 'category'],
    ] as const) {
      expect(await num(`SELECT count(*) FROM ${table} s ANTI JOIN ${target} t ON t.id = s.${column} WHERE s.${column} IS NOT NULL`), `${table}.${column}`).toBe(0);
    }
    for (const [table, column] of [['order_item', 'order_id'], ['order_item', 'product_id'], ['order_item', 'quantity'], ['order_item', 'unit_price'], ['"order"', 'customer_id'], ['"order"', 'created_at'], ['product', 'price'], ['product', 'is_active'], ['customer', 'name']]) {
      expect(await num(`SELECT count(*) FROM ${table} WHERE ${column} IS NULL`), `${table}.${column}`).toBe(0);
    }
  });

  it('makes a category tree with no cycle: eight roots, two levels, and a three-level branch; products in parents and in leaves', async () => {
    const depth = await db.query(`WITH RECURSIVE walk(id, depth) AS (
        SELECT id, 1 FROM category WHERE parent_id IS NULL
        UNION ALL SELECT c.id, w.depth + 1 FROM category c JOIN walk w ON c.parent_id = w.id WHERE w.depth < 50)
      SELECT depth, count(*) AS n FROM walk GROUP BY 1 ORDER BY 1`);
    // Every category is reached from a root exactly once (no cycle, no orphan).
    expect(depth.rows.map((r) => [r['depth'], Number(r['n'])])).toEqual([[1, 8], [2, 29], [3, 3]]);
    const parents = await num(`SELECT count(DISTINCT p.id) FROM product p WHERE p.category_id IN (SELECT parent_id FROM category WHERE parent_id IS NOT NULL)`);
    expect(parents).toBeGreaterThan(0);
  });

  it('places orders after their customer signed up and before the end, over about two years', async () => {
    const r = await one(`SELECT count(*) FILTER (WHERE o.created_at < c.created_at) AS early, max(o.created_at) AS last, min(o.created_at) AS first
      FROM "order" o JOIN customer c ON c.id = o.customer_id`);
    expect(Number(r['early'])).toBe(0);
    expect((r['last'] as Date).getTime()).toBeLessThan(END.getTime());
    expect(END.getTime() - (r['first'] as Date).getTime()).toBeGreaterThan(400 * 86_400_000);
  });

  it('follows a power law in popularity and spend; some products never sell, some customers order once', async () => {
    const p = await one(`SELECT max(q) AS top, median(q) AS med FROM (SELECT product_id, sum(quantity) AS q FROM order_item GROUP BY 1)`);
    expect(Number(p['top'])).toBeGreaterThan(20 * Number(p['med']));
    const c = await one(`SELECT max(s) AS top, median(s) AS med FROM (
      SELECT o.customer_id, sum(i.quantity * i.unit_price) AS s FROM order_item i JOIN "order" o ON o.id = i.order_id GROUP BY 1)`);
    expect(Number(c['top'])).toBeGreaterThan(20 * Number(c['med']));
    expect(await num(`SELECT count(*) FROM product p ANTI JOIN order_item i ON i.product_id = p.id`)).toBeGreaterThan(0);
    expect(await num(`SELECT count(*) FROM (SELECT customer_id FROM "order" GROUP BY 1 HAVING count(*) = 1)`)).toBeGreaterThan(0);
  });

  it('has awkward names (%, _, quotes, non-ASCII) and writes customers\' e-mail and phone (which the importer must not read)', async () => {
    for (const table of ['product', 'customer', 'category']) {
      const t = await one(`SELECT count(*) FILTER (WHERE name LIKE '%\\%%' ESCAPE '\\') AS pct, count(*) FILTER (WHERE name LIKE '%\\_%' ESCAPE '\\') AS us,
        count(*) FILTER (WHERE name LIKE '%''%' OR name LIKE '%"%') AS quote, count(*) FILTER (WHERE regexp_matches(name, '[^\\x00-\\x7F]')) AS nonascii FROM ${table}`);
      for (const k of ['pct', 'us', 'quote', 'nonascii']) expect(Number(t[k]), `${table} ${k}`).toBeGreaterThan(0);
    }
    expect(await num(`SELECT count(*) FROM customer WHERE email LIKE '%@%' AND phone IS NOT NULL`)).toBe(ORDERS / 20);
  });
});
