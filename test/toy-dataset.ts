// A toy dataset over every column type the catalog knows: customers with UUID keys, a
// nullable city and a self relation (who referred them), orders with DECIMAL(12,2) totals, a
// nullable BOOLEAN, a DATE and a TIMESTAMP, order lines with DECIMAL prices, INTEGER
// quantities and a computed amount; many-to-one and one-to-many relations both ways. Awkward
// strings (quotes, %, _, backslash, non-ASCII), nulls, ties, a customer with no orders, an
// order with no lines and guest orders with no customer. Built with plain CREATE TABLE and
// INSERT in an in-memory DuckDB (not the import pipeline); the rows are also returned as
// plain objects, the source of truth for brute-force evaluators.
import type { Catalog, ColumnDef, Expr, SqlType } from '../engine/catalog.ts';
import { Database } from '../engine/db.ts';
import { ident } from '../engine/sql.ts';
import { rng } from './helpers.ts';

const col = (name: string, sqlType: SqlType, nullable: boolean, filterable = true): ColumnDef => ({ name, sqlType, nullable, filterable, unique: false });
const column = (name: string): Expr => ({ kind: 'column', name });
const literal = (value: string): Expr => ({ kind: 'literal', value });
const call = (fn: Extract<Expr, { kind: 'call' }>['fn'], ...args: Expr[]): Expr => ({ kind: 'call', fn, args });

export const toyCatalog: Catalog = {
  root: 'order_item',
  tables: [
    {
      name: 'customer',
      sourceNames: ['customer'],
      columns: [
        col('id', 'UUID', false),
        col('name', 'VARCHAR', false),
        col('city', 'VARCHAR', true),
        col('signed_up', 'DATE', false),
        col('vip', 'BOOLEAN', false),
        col('referrer_id', 'UUID', true),
        col('secret', 'VARCHAR', true, false),
      ],
      // "name / city", with '?' for no city.
      computed: [{ name: 'display', sqlType: 'VARCHAR', nullable: false, expr: call('concat', column('name'), literal(' / '), call('coalesce', column('city'), literal('?'))) }],
      relations: [
        { name: 'referrer', column: 'referrer_id', target: 'customer' },
        { name: 'orders', kind: 'one-to-many', column: 'customer_id', target: 'order' },
      ],
      label: 'name',
    },
    {
      name: 'order',
      sourceNames: ['order'],
      columns: [
        col('id', 'BIGINT', false),
        col('customer_id', 'UUID', true),
        col('total', 'DECIMAL(12,2)', false),
        col('paid', 'BOOLEAN', true),
        col('placed_on', 'DATE', false),
        col('created_at', 'TIMESTAMP', false),
        col('note', 'VARCHAR', true),
      ],
      relations: [
        { name: 'customer', column: 'customer_id', target: 'customer' },
        { name: 'items', kind: 'one-to-many', column: 'order_id', target: 'order_item' },
      ],
      label: 'id',
    },
    {
      name: 'order_item',
      key: 'item_id',
      sourceNames: ['order_item'],
      columns: [
        col('item_id', 'BIGINT', false),
        col('order_id', 'BIGINT', false),
        col('product', 'VARCHAR', false),
        col('unit_price', 'DECIMAL(12,2)', false),
        col('quantity', 'INTEGER', false),
        col('discount', 'DECIMAL(5,3)', true),
      ],
      computed: [{ name: 'amount', sqlType: 'DECIMAL(18,2)', nullable: false, expr: call('multiply', column('quantity'), column('unit_price')) }],
      relations: [{ name: 'order', column: 'order_id', target: 'order' }],
      label: 'product',
    },
  ],
  // Order lines with their order's customer and dates copied in, as a layout would.
  fact: {
    name: 'fact_item',
    time: 'created_at',
    sortKey: ['created_at'],
    columns: [
      { name: 'item_id', path: 'item_id', sqlType: 'BIGINT', nullable: false },
      { name: 'order_id', path: 'order', sqlType: 'BIGINT', nullable: false },
      { name: 'customer_id', path: 'order__customer', sqlType: 'UUID', nullable: true },
      { name: 'product', path: 'product', sqlType: 'VARCHAR', nullable: false },
      { name: 'unit_price', path: 'unit_price', sqlType: 'DECIMAL(12,2)', nullable: false },
      { name: 'quantity', path: 'quantity', sqlType: 'INTEGER', nullable: false },
      { name: 'discount', path: 'discount', sqlType: 'DECIMAL(5,3)', nullable: true },
      { name: 'placed_on', path: 'order__placed_on', sqlType: 'DATE', nullable: false },
      { name: 'created_at', path: 'order__created_at', sqlType: 'TIMESTAMP', nullable: false },
    ],
  },
  rollups: [],
  distinctSets: [],
  firstSeen: [],
};

export type ToyValue = string | number | boolean | null;
export type ToyRow = Record<string, ToyValue>;
export interface ToyData {
  readonly customer: ToyRow[];
  readonly order: ToyRow[];
  readonly order_item: ToyRow[];
}

const NAMES = ["O'Brien", '100%_Club', 'back\\slash', 'Zoë Ærø', 'ÉTÉ à Paris', 'plain', 'plain', 'a_b%c', '"quoted"', '日本語', 'Smith', ''];
const CITIES = ['Paris', 'paris', 'São Paulo', "L'Aquila", '50%', 'x_y', 'c:\\temp', 'Zürich', null, null];
const NOTES = ['gift', 'GIFT wrap', '%', '_', '\\', "it's", 'naïve café', '', null, null, null];
const PRODUCTS = ['widget', 'Widget', 'gadget 50% off', 'under_score', 'back\\slash', "O'Reilly book", 'crème brûlée', '日本茶'];
const PRICES = ['0.10', '0.20', '0.30', '0.00', '19.99', '19.99', '5.00', '1234567890.12', '0.01', '99.95'];
const TOTALS = ['0.10', '0.20', '0.30', '0.00', '19.99', '-5.00', '100.00', '100.00', '9999999999.99', '12.34', '0.05'];
const DISCOUNTS = ['0.125', '0.500', '0.000', '0.001', null, null];
const DAYS = ['2024-02-29', '2024-03-01', '1999-12-31', '2000-01-01', '2023-12-31', '2024-01-01', '2024-02-28'];

const hex = (r: () => number, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');

/** The rows (deterministic for a seed). Values are exactly as stored: decimals as text with
 *  the column's scale, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS` (UTC), UUIDs in
 *  lowercase. */
export function toyData(seed = 14): ToyData {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const customer: ToyRow[] = [];
  for (let i = 0; i < 14; i++) {
    // A few ids share a prefix, so that ordering and prefixes are not trivially distinct.
    const id = `${i < 3 ? 'aaaaaaaa' : hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-8${hex(r, 3)}-${hex(r, 12)}`;
    customer.push({ id, name: NAMES[i % NAMES.length]!, city: pick(CITIES), signed_up: pick(DAYS), vip: r() < 0.3, referrer_id: null, secret: 'hunter2' });
  }
  for (const c of customer) if (r() < 0.6) c['referrer_id'] = pick(customer)['id']!;
  const order: ToyRow[] = [];
  for (let i = 1; i <= 36; i++) {
    // The last customer has no orders; some orders are guests'.
    const cust = r() < 0.15 ? null : customer[Math.floor(r() * (customer.length - 1))]!['id']!;
    const day = pick(DAYS);
    const time = `${String(Math.floor(r() * 24)).padStart(2, '0')}:${pick(['00', '30', '59'])}:${pick(['00', '01', '59'])}`;
    order.push({ id: i, customer_id: cust, total: pick(TOTALS), paid: r() < 0.2 ? null : r() < 0.6, placed_on: day, created_at: `${day} ${time}`, note: pick(NOTES) });
  }
  const order_item: ToyRow[] = [];
  let item = 1000;
  for (const o of order) {
    // Order 3 has no lines.
    const n = o['id'] === 3 ? 0 : 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      order_item.push({ item_id: item++, order_id: o['id']!, product: pick(PRODUCTS), unit_price: pick(PRICES), quantity: pick([1, 1, 2, 3, 10, 0]), discount: pick(DISCOUNTS) });
    }
  }
  return { customer, order, order_item };
}

const DDL = `
CREATE TABLE customer (id UUID PRIMARY KEY, name VARCHAR NOT NULL, city VARCHAR, signed_up DATE NOT NULL, vip BOOLEAN NOT NULL, referrer_id UUID, secret VARCHAR);
CREATE TABLE "order" (id BIGINT PRIMARY KEY, customer_id UUID, total DECIMAL(12,2) NOT NULL, paid BOOLEAN, placed_on DATE NOT NULL, created_at TIMESTAMP NOT NULL, note VARCHAR);
CREATE TABLE order_item (item_id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL, product VARCHAR NOT NULL, unit_price DECIMAL(12,2) NOT NULL, quantity INTEGER NOT NULL, discount DECIMAL(5,3));
`;

const TYPES: Record<keyof ToyData, string[]> = {
  customer: ['UUID', 'VARCHAR', 'VARCHAR', 'DATE', 'BOOLEAN', 'UUID', 'VARCHAR'],
  order: ['BIGINT', 'UUID', 'DECIMAL(12,2)', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'VARCHAR'],
  order_item: ['BIGINT', 'BIGINT', 'VARCHAR', 'DECIMAL(12,2)', 'INTEGER', 'DECIMAL(5,3)'],
};

/** An in-memory DuckDB holding the toy rows and the fact table the catalog declares. */
export async function toyDatabase(data: ToyData = toyData()): Promise<Database> {
  const db = await Database.open(':memory:');
  await db.exec(DDL);
  for (const table of ['customer', 'order', 'order_item'] as const) {
    const types = TYPES[table];
    const sql = `INSERT INTO ${ident(table)} VALUES (${types.map((t, i) => `$${i + 1}::${t}`).join(', ')})`;
    for (const row of data[table]) await db.query(sql, Object.values(row));
  }
  await db.exec(`CREATE TABLE fact_item AS
    SELECT i.item_id, i.order_id, o.customer_id, i.product, i.unit_price, i.quantity, i.discount, o.placed_on, o.created_at
    FROM order_item i JOIN "order" o ON o.id = i.order_id`);
  return db;
}
