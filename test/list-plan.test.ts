// The list plan: rows of a table with columns through many-to-one paths, filtered, ordered
// (ties: the key ascending), paged with the total, each with child lists of one-to-many
// relations; one statement whatever the page size. Checked against a brute-force TypeScript
// reference over the same rows (list-reference.ts), on a toy shop (list-toy.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../engine/catalog.ts';
import { Database } from '../engine/db.ts';
import { buildFields } from '../engine/fields.ts';
import type { FieldDef } from '../engine/fields.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { Params } from '../engine/params.ts';
import { compileList, listRows } from '../engine/query/compile-list.ts';
import type { ListPlan } from '../engine/query/nodes.ts';
import { comparable, referenceList } from './list-reference.ts';
import { loadToy, manyToOneOnly, toyCatalog, toyRows } from './list-toy.ts';

const rows = toyRows();
const customers = toyCatalog('customer');
const orders = toyCatalog('order');
// Today's buildFields follows every relation as many-to-one and reads the root through the
// catalog's fact table: the filter fields come from the same catalog without its one-to-many
// relations, whose fact table is the customer table itself.
const customerFilterCatalog = manyToOneOnly(customers);
const customerFields = buildFields(customerFilterCatalog);
const noFields: ReadonlyMap<string, FieldDef> = new Map();

let db: Database;
beforeAll(async () => {
  db = await Database.open(':memory:', { connections: 1 });
  await loadToy(db, rows);
});
afterAll(() => db?.close());

function compile(plan: ListPlan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>) {
  const params = new Params();
  return { sql: compileList(plan, catalog, fields, params), params: params.values };
}

async function run(plan: ListPlan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>) {
  const { sql, params } = compile(plan, catalog, fields);
  const answer = listRows((await db.query(sql, params)).rows);
  return { total: answer.total, rows: comparable(answer.rows) };
}

const filter = (json: unknown) => parseFilter(json, customerFilterCatalog, customerFields);

const customerPlan = (over: Partial<ListPlan>): ListPlan => ({
  kind: 'list',
  dataset: 'toy',
  table: 'customer',
  filter: undefined,
  columns: ['id', 'name', 'city', 'score', 'country__name', 'country', 'display'],
  children: [{ name: 'orders', relation: 'orders', columns: ['id', 'status', 'created_at', 'amount'], order: [{ by: 'created_at', dir: 'desc' }] }],
  order: [],
  limit: 7,
  offset: 0,
  ...over,
});

const orderPlan = (over: Partial<ListPlan>): ListPlan => ({
  kind: 'list',
  dataset: 'toy',
  table: 'order',
  filter: undefined,
  columns: ['id', 'status', 'amount', 'customer__name', 'customer__country__name', 'customer__id', 'customer'],
  children: [
    { name: 'items', relation: 'items', columns: ['id', 'product__name', 'quantity', 'line_total', 'product__category__name'], order: [{ by: 'quantity', dir: 'desc' }] },
    { name: 'by_product', relation: 'items', columns: ['product', 'unit_price'], order: [{ by: 'product__name', dir: 'asc' }, { by: 'unit_price', dir: 'desc' }] },
  ],
  order: [{ by: 'created_at', dir: 'desc' }],
  limit: 9,
  offset: 0,
  ...over,
});

describe('list plan SQL', () => {
  it('compiles to one statement: a filtered set, a materialised page, a child list per relation', () => {
    const plan = customerPlan({
      filter: filter({ field: 'name', operator: 'icontains', value: `o'%_\\` }),
      columns: ['id', 'display', 'country__name'],
      children: [{ name: 'orders', relation: 'orders', columns: ['id', 'amount'], order: [{ by: 'created_at', dir: 'desc' }] }],
      order: [{ by: 'country__name', dir: 'asc' }],
      limit: 10,
      offset: 20,
    });
    const { sql, params } = compile(plan, customers, customerFields);
    expect(sql).toBe(`WITH "__filtered" AS NOT MATERIALIZED (
  SELECT * FROM "customer" AS r
  WHERE (contains(lower(r."name"), lower($1::VARCHAR)))
), "__page" AS MATERIALIZED (
  SELECT r."id", r."name", r."country_id", "country_id>country"."name" AS "__o0"
  FROM "__filtered" AS r
  LEFT JOIN "country" AS "country_id>country" ON "country_id>country"."id" = r."country_id"
  ORDER BY "__o0" ASC NULLS LAST, r."id" ASC
  LIMIT $3::BIGINT OFFSET $4::BIGINT
), "__child0" AS (
  SELECT c."customer_id" AS "__k", list(struct_pack("id" := c."id", "amount" := c."amount") ORDER BY c."created_at" DESC NULLS LAST, c."id" ASC) AS "__v"
  FROM "order" AS c
  WHERE c."customer_id" IN (SELECT p."id" FROM "__page" AS p)
  GROUP BY c."customer_id"
)
SELECT (SELECT count(*) FROM "__filtered") AS "__total", r."id" AS "__key", r."id" AS "id", COALESCE(r."name", $2::VARCHAR) AS "display", "country_id>country"."name" AS "country__name", COALESCE("__child0"."__v", []) AS "orders"
FROM (SELECT 1) AS one
  LEFT JOIN "__page" AS r ON true
  LEFT JOIN "country" AS "country_id>country" ON "country_id>country"."id" = r."country_id"
  LEFT JOIN "__child0" ON "__child0"."__k" = r."id"
ORDER BY r."__o0" ASC NULLS LAST, r."id" ASC`);
    expect(params).toEqual([`o'%_\\`, '(anonymous)', 10, 20]);
  });

  it('is the same text for every page size and offset: only the bound values change', () => {
    const small = compile(orderPlan({ limit: 10, offset: 0 }), orders, noFields);
    const large = compile(orderPlan({ limit: 1000, offset: 5000 }), orders, noFields);
    expect(large.sql).toBe(small.sql);
    expect(small.sql).not.toContain(';');
    expect(small.params.slice(-2)).toEqual([10, 0]);
    expect(large.params.slice(-2)).toEqual([1000, 5000]);
    // Many-to-one chains join once per chain, whatever reads them; one CTE per child list.
    expect(small.sql.match(/LEFT JOIN "country"/g)).toHaveLength(1);
    // The key of a row reached many-to-one is the foreign key that reached it: no join.
    expect(small.sql).toContain(`r."customer_id" AS "customer__id", r."customer_id" AS "customer"`);
    expect(small.sql.match(/"__child\d" AS \(/g)).toHaveLength(2);
  });

  it('refuses what has no single value per row, unknown paths and clashing names', () => {
    const bad: [Partial<ListPlan>, RegExp][] = [
      [{ columns: ['orders__status'] }, /one-to-many/],
      [{ columns: ['nope'] }, /no field '(country__)?nope'/],
      [{ order: [{ by: 'country__nope', dir: 'asc' }] }, /no field '(country__)?nope'/],
      [{ columns: ['id', 'orders'], children: [] }, /one-to-many/],
      [{ columns: ['id', 'id'] }, /taken/],
      [{ columns: ['id'], children: [{ name: 'id', relation: 'orders', columns: ['id'], order: [] }] }, /taken/],
      [{ children: [{ name: '__total', relation: 'orders', columns: ['id'], order: [] }] }, /taken/],
      [{ children: [{ name: 'x', relation: 'country', columns: ['id'], order: [] }] }, /no one-to-many relation 'country'/],
      [{ limit: -1 }, /limit or offset/],
    ];
    for (const [over, message] of bad) expect(() => compile(customerPlan(over), customers, customerFields), JSON.stringify(over)).toThrow(message);
  });
});

describe('list plan answers', () => {
  const n = rows.customer.length;
  const pages: [number, number][] = [
    [7, 0],
    [7, 7],
    [7, n - 3], // a short last page
    [7, n], // an empty page right after the end
    [5, n + 40], // an offset far beyond the end
    [0, 0], // no rows asked: the total only
    [1000, 0], // everything
  ];
  const customerOrders: ListPlan['order'][] = [
    [],
    [{ by: 'name', dir: 'asc' }],
    [{ by: 'name', dir: 'desc' }],
    [{ by: 'score', dir: 'desc' }, { by: 'city', dir: 'asc' }],
    [{ by: 'country__name', dir: 'desc' }, { by: 'display', dir: 'asc' }],
    [{ by: 'city', dir: 'desc' }],
  ];

  it('orders, pages and counts customers with their orders as the reference does', async () => {
    for (const order of customerOrders) {
      for (const [limit, offset] of pages) {
        const plan = customerPlan({ order, limit, offset });
        const want = referenceList(customers, rows, plan);
        expect(await run(plan, customers, customerFields), JSON.stringify({ order, limit, offset })).toEqual(want);
      }
    }
  });

  it('filters on the root own columns and on a many-to-one path, with totals before paging', async () => {
    const filters: unknown[] = [
      { field: 'name', operator: 'icontains', value: `o'` },
      { field: 'name', operator: 'icontains', value: '%' },
      { field: 'name', operator: 'icontains', value: '_' },
      { field: 'name', operator: 'icontains', value: '\\' },
      { field: 'name', operator: 'eq', value: '' },
      { field: 'name', operator: 'in', value: ['Ann', 'Zoë', '日本', '😀 smile'] },
      { field: 'score', operator: 'isnull', value: true },
      { not: { field: 'score', operator: 'gte', value: 1 } },
      { or: [{ field: 'city', operator: 'eq', value: 'Wien' }, { field: 'score', operator: 'lt', value: 0 }] },
      { and: [{ field: 'country__name', operator: 'istartswith', value: 'ö' }, { not: { field: 'city', operator: 'isnull', value: true } }] },
      { field: 'country__name', operator: 'ne', value: 'Aland' },
      { field: 'name', operator: 'eq', value: 'nobody' },
    ];
    for (const json of filters) {
      for (const [limit, offset] of [[3, 0], [3, 3], [100, 0], [3, 100]] as const) {
        const plan = customerPlan({ filter: filter(json), order: [{ by: 'name', dir: 'asc' }], limit, offset });
        const want = referenceList(customers, rows, plan);
        expect(await run(plan, customers, customerFields), JSON.stringify({ json, limit, offset })).toEqual(want);
      }
    }
  });

  it('lists orders with columns two relations away and two ordered child lists of items', async () => {
    const orderOrders: ListPlan['order'][] = [
      [{ by: 'created_at', dir: 'desc' }],
      [{ by: 'customer__name', dir: 'asc' }],
      [{ by: 'customer__country__name', dir: 'asc' }, { by: 'amount', dir: 'desc' }],
      [{ by: 'amount', dir: 'asc' }, { by: 'created_at', dir: 'asc' }],
    ];
    const m = rows.order.length;
    for (const order of orderOrders) {
      for (const [limit, offset] of [[9, 0], [9, 9], [9, m - 4], [9, m], [1000, 0]] as const) {
        const plan = orderPlan({ order, limit, offset });
        const want = referenceList(orders, rows, plan);
        expect(await run(plan, orders, noFields), JSON.stringify({ order, limit, offset })).toEqual(want);
      }
    }
  });

  it('holds the awkward cases the reference comparison relies on', async () => {
    const all = await run(orderPlan({ limit: 1000 }), orders, noFields);
    const items = all.rows.map((r) => r['items'] as Record<string, unknown>[]);
    // Orders with no items answer an empty list; some item lists tie on quantity.
    expect(items.some((l) => l.length === 0)).toBe(true);
    expect(items.some((l) => new Set(l.map((i) => i['quantity'])).size < l.length)).toBe(true);
    // The order without a customer has null customer columns.
    expect(all.rows.some((r) => r['customer'] === null && r['customer__name'] === null)).toBe(true);
    const everyone = await run(customerPlan({ limit: 1000 }), customers, customerFields);
    expect(everyone.total).toBe(rows.customer.length);
    expect(everyone.rows[0]).toMatchObject({ id: 3, orders: [] });
    const names = everyone.rows.map((r) => r['name']);
    for (const awkward of [`O'Brien`, `100% "pure"`, 'a_b\\c', 'Zoë', '日本', '😀 smile', '', null]) expect(names).toContain(awkward);
    // An empty page still carries the total.
    const empty = await run(customerPlan({ offset: 10_000 }), customers, customerFields);
    expect(empty).toEqual({ total: rows.customer.length, rows: [] });
  });
});

describe('listRows', () => {
  it('drops the total and key columns, keeps an empty page empty, turns nested bigints into numbers', () => {
    expect(listRows([{ __total: 0, __key: null, id: null, kids: null }])).toEqual({ total: 0, rows: [] });
    expect(listRows([{ __total: 5, __key: null, id: null, kids: null }])).toEqual({ total: 5, rows: [] });
    const when = new Date('2024-01-01T00:00:00Z');
    expect(
      listRows([
        { __total: 2n, __key: 1, id: 1, kids: [{ n: 2n, big: 2n ** 60n, at: when, d: '1.10', s: { x: 3n } }] },
        { __total: 2n, __key: 2, id: 2, kids: [] },
      ]),
    ).toEqual({ total: 2, rows: [{ id: 1, kids: [{ n: 2, big: (2n ** 60n).toString(), at: when, d: '1.10', s: { x: 3 } }] }, { id: 2, kids: [] }] });
  });
});
