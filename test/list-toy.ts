// A toy shop for the list plan's tests: countries <- customers <- orders <- items -> products
// -> categories, declared as a catalog, as rows, and as the plain CREATE TABLE / INSERT that
// loads them. Rows hold nulls, ties, awkward text (quotes, %, _, backslash, non-ASCII, the
// empty string), a customer with no orders, orders with no items and one with no customer.
import type { Catalog, ColumnDef, SqlType, TableDef } from '../engine/catalog.ts';
import type { Database } from '../engine/db.ts';

// Foreign keys are reached through their relation's name (`country`), as in the blog catalog.
const col = (name: string, sqlType: SqlType, nullable: boolean): ColumnDef => ({ name, sqlType, nullable, filterable: !name.endsWith('_id'), unique: name === 'id' });
const table = (name: string, columns: ColumnDef[], relations: TableDef['relations'], extra: Partial<TableDef> = {}): TableDef => ({
  name,
  sourceNames: [name],
  columns,
  relations,
  label: 'id',
  ...extra,
});

const TABLES: readonly TableDef[] = [
  table('country', [col('id', 'BIGINT', false), col('name', 'VARCHAR', true)], [{ name: 'customers', kind: 'one-to-many', column: 'country_id', target: 'customer' }]),
  table(
    'customer',
    [col('id', 'BIGINT', false), col('name', 'VARCHAR', true), col('city', 'VARCHAR', true), col('score', 'INTEGER', true), col('country_id', 'BIGINT', true)],
    [
      { name: 'country', column: 'country_id', target: 'country' },
      { name: 'orders', kind: 'one-to-many', column: 'customer_id', target: 'order' },
    ],
    {
      computed: [
        {
          name: 'display',
          sqlType: 'VARCHAR',
          nullable: false,
          expr: { kind: 'call', fn: 'coalesce', args: [{ kind: 'column', name: 'name' }, { kind: 'literal', value: '(anonymous)' }] },
        },
      ],
    },
  ),
  table(
    'order',
    [col('id', 'BIGINT', false), col('customer_id', 'BIGINT', true), col('created_at', 'TIMESTAMP', false), col('status', 'VARCHAR', false), col('amount', 'DECIMAL(10,2)', true)],
    [
      { name: 'customer', kind: 'many-to-one', column: 'customer_id', target: 'customer' },
      { name: 'items', kind: 'one-to-many', column: 'order_id', target: 'item' },
    ],
  ),
  table(
    'item',
    [col('id', 'BIGINT', false), col('order_id', 'BIGINT', false), col('product_id', 'BIGINT', false), col('quantity', 'INTEGER', false), col('unit_price', 'DECIMAL(10,2)', false)],
    [
      { name: 'order', column: 'order_id', target: 'order' },
      { name: 'product', column: 'product_id', target: 'product' },
    ],
    {
      computed: [
        {
          name: 'line_total',
          sqlType: 'DECIMAL(18,2)',
          nullable: false,
          expr: { kind: 'call', fn: 'multiply', args: [{ kind: 'column', name: 'quantity' }, { kind: 'column', name: 'unit_price' }] },
        },
      ],
    },
  ),
  table('product', [col('id', 'BIGINT', false), col('name', 'VARCHAR', false), col('category_id', 'BIGINT', true)], [{ name: 'category', column: 'category_id', target: 'category' }]),
  table('category', [col('id', 'BIGINT', false), col('name', 'VARCHAR', false)], []),
];

/** The shop with `root` as the catalog's root, its fact table being the root table itself. */
export function toyCatalog(root: string): Catalog {
  const t = TABLES.find((x) => x.name === root)!;
  return {
    tables: TABLES,
    root,
    fact: {
      name: root,
      time: 'id',
      sortKey: [],
      columns: t.columns.map((c) => {
        const rel = t.relations.find((r) => r.column === c.name && r.kind !== 'one-to-many');
        return { name: c.name, path: rel ? rel.name : c.name, sqlType: c.sqlType, nullable: c.nullable };
      }),
    },
    rollups: [],
    distinctSets: [],
    firstSeen: [],
  };
}

/** The same catalog without one-to-many relations: the filter fields of today's
 *  buildFields follow every relation as many-to-one. */
export function manyToOneOnly(catalog: Catalog): Catalog {
  return { ...catalog, tables: catalog.tables.map((t) => ({ ...t, relations: t.relations.filter((r) => r.kind !== 'one-to-many') })) };
}

export type Rec = Record<string, string | number | null>;

/** Decimals as integer cents; times as ISO text. */
export interface ToyRows {
  readonly country: Rec[];
  readonly customer: Rec[];
  readonly order: Rec[];
  readonly item: Rec[];
  readonly product: Rec[];
  readonly category: Rec[];
}

/** A small deterministic generator (no Math.random: failures must reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function toyRows(): ToyRows {
  const rnd = lcg(14);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const country: Rec[] = [
    { id: 1, name: 'Österreich' },
    { id: 2, name: `O'Brien "Land" 100%_\\` },
    { id: 3, name: null },
    { id: 4, name: 'Aland' },
    { id: 5, name: 'aland' },
  ];
  const names = [`O'Brien`, `100% "pure"`, 'a_b\\c', 'Zoë', 'émile', '日本', '😀 smile', '', null, 'Ann', 'Ann', 'ann', 'Bob', 'zed'];
  const cities = ['Wien', 'wien', 'Graz', null, `St. "Pölten"`, '%'];
  const customer: Rec[] = [];
  for (let id = 1; id <= 40; id++) {
    customer.push({
      id: id * 3, // keys not dense: ties must be broken by the key, not the row number
      name: id <= names.length ? names[id - 1]! : pick(names),
      city: pick(cities),
      score: rnd() < 0.2 ? null : Math.floor(rnd() * 5) - 1,
      country_id: rnd() < 0.15 ? null : pick([1, 2, 3, 4, 5]),
    });
  }
  const category: Rec[] = [
    { id: 1, name: 'Tools' },
    { id: 2, name: `Kids' "toys" _%` },
  ];
  const product: Rec[] = [
    { id: 1, name: 'hammer', category_id: 1 },
    { id: 2, name: 'Hammer', category_id: 1 },
    { id: 3, name: 'kite \\o/', category_id: 2 },
    { id: 4, name: 'ёлка', category_id: null },
    { id: 5, name: `nail's`, category_id: 1 },
  ];
  const times = ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', '2024-02-29T23:59:59.000Z', '2023-12-31T12:30:00.000Z', '2024-03-10T02:30:00.000Z'];
  const order: Rec[] = [];
  const item: Rec[] = [];
  let orderId = 100;
  let itemId = 1000;
  // Customer 3 (the first) has no orders; the others 0 to 3.
  for (const c of customer.slice(1)) {
    const n = Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) order.push({ id: (orderId += 7), customer_id: c['id']!, created_at: pick(times), status: pick(['paid', 'shipped', 'pending']), amount: rnd() < 0.15 ? null : Math.floor(rnd() * 3) * 1050 });
  }
  // An order without a customer.
  order.push({ id: (orderId += 7), customer_id: null, created_at: times[0]!, status: 'paid', amount: 1 });
  for (const o of order) {
    // Some orders have no items; quantities tie often.
    const n = Math.floor(rnd() * 5) - 1;
    for (let i = 0; i < n; i++) item.push({ id: (itemId += 5), order_id: o['id']!, product_id: 1 + Math.floor(rnd() * 5), quantity: 1 + Math.floor(rnd() * 2), unit_price: pick([199, 250, 1, 99999]) });
  }
  // Item ids out of insertion order, so that ties broken by the key are visible.
  item.reverse();
  return { country, customer, order, item, product, category };
}

const DDL: Readonly<Record<keyof ToyRows, string>> = {
  country: 'CREATE TABLE "country" (id BIGINT PRIMARY KEY, name VARCHAR)',
  customer: 'CREATE TABLE "customer" (id BIGINT PRIMARY KEY, name VARCHAR, city VARCHAR, score INTEGER, country_id BIGINT)',
  order: 'CREATE TABLE "order" (id BIGINT PRIMARY KEY, customer_id BIGINT, created_at TIMESTAMP NOT NULL, status VARCHAR NOT NULL, amount DECIMAL(10,2))',
  item: 'CREATE TABLE "item" (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL, product_id BIGINT NOT NULL, quantity INTEGER NOT NULL, unit_price DECIMAL(10,2) NOT NULL)',
  product: 'CREATE TABLE "product" (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, category_id BIGINT)',
  category: 'CREATE TABLE "category" (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL)',
};

const CENTS = new Set(['amount', 'unit_price']);
const TIMES = new Set(['created_at']);

/** Creates and fills the toy tables with plain CREATE TABLE and INSERT (values bound). */
export async function loadToy(db: Database, rows: ToyRows): Promise<void> {
  for (const t of Object.keys(DDL) as (keyof ToyRows)[]) {
    await db.exec(DDL[t]);
    for (const r of rows[t]) {
      const names = Object.keys(r);
      const values = names.map((n, i) => (CENTS.has(n) ? `$${i + 1}::DECIMAL(10,2)` : TIMES.has(n) ? `$${i + 1}::TIMESTAMP` : `$${i + 1}`));
      const bound = names.map((n) => {
        const v = r[n] ?? null;
        if (v === null) return null;
        if (CENTS.has(n)) return ((v as number) / 100).toFixed(2);
        if (TIMES.has(n)) return (v as string).replace('Z', '');
        return v;
      });
      await db.query(`INSERT INTO "${t}" (${names.join(', ')}) VALUES (${values.join(', ')})`, bound);
    }
  }
}
