// Filters over the newer column types (DATE, BOOLEAN, DECIMAL, UUID), computed columns and
// paths from any root (many-to-one chains, one-to-many relations): the SQL and parameters
// each representative leaf compiles to, then the rows it selects on the toy dataset against
// the brute-force evaluator (toy-semantics.ts). Also field value expressions (dimensions),
// the operators each type takes, and refused values with their JSON pointers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { QueryError } from '../engine/errors.ts';
import { fieldValueSql } from '../engine/field-sql.ts';
import { buildFields, filterableFields } from '../engine/fields.ts';
import type { FieldMap } from '../engine/fields.ts';
import { compileFilter } from '../engine/filter/compile.ts';
import { operatorsFor } from '../engine/filter/operators.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { Params } from '../engine/params.ts';
import { ident } from '../engine/sql.ts';
import { toyCatalog, toyData, toyDatabase } from './toy-dataset.ts';
import { ToyWorld } from './toy-semantics.ts';
import type { Json } from './toy-semantics.ts';

const data = toyData();
const world = new ToyWorld(data);
let db: Database;
beforeAll(async () => {
  db = await toyDatabase(data);
});
afterAll(() => db?.close());

/** Where each root's rows are read, and their key. */
const ROOTS = {
  order_item: { from: 'fact_item', key: 'item_id' },
  order: { from: '"order"', key: 'id' },
  customer: { from: 'customer', key: 'id' },
} as const;
type Root = keyof typeof ROOTS;
const FIELDS: Record<Root, FieldMap> = {
  order_item: buildFields(toyCatalog),
  order: buildFields(toyCatalog, 'order'),
  customer: buildFields(toyCatalog, 'customer'),
};

function compile(root: Root, filter: unknown): { sql: string; params: unknown[] } {
  const node = parseFilter(filter, toyCatalog, FIELDS[root])!;
  const p = new Params();
  return { sql: compileFilter(node, FIELDS[root], p), params: p.values };
}

async function selected(root: Root, sql: string, params: unknown[]): Promise<(string | number)[]> {
  const { from, key } = ROOTS[root];
  const r = await db.query(`SELECT ${key} AS k FROM ${from} WHERE ${sql}`, params as never[]);
  return r.rows.map((x) => x['k'] as string | number).sort();
}

function expected(root: Root, filter: Json): (string | number)[] {
  const { key } = ROOTS[root];
  return data[root].filter((row) => world.holds(filter as { [k: string]: Json }, root, row)).map((row) => row[key] as string | number).sort();
}

const someCustomer = data.customer[1]!['id'] as string;
/** The display name of the customer of the first order line that has one. */
const aDisplay = (() => {
  const order = data.order.find((o) => o['customer_id'] !== null && data.order_item.some((i) => i['order_id'] === o['id']))!;
  const c = data.customer.find((x) => x['id'] === order['customer_id'])!;
  return `${c['name']} / ${c['city'] ?? '?'}`;
})();
const uuids = data.customer.slice(0, 5).map((c) => (c['id'] as string).toUpperCase());

interface Case {
  name: string;
  root: Root;
  filter: Json;
  sql: string;
  params: unknown[];
}

const cases: Case[] = [
  { name: 'decimal eq a decimal string, bound as text in its own DECIMAL', root: 'order', filter: { field: 'total', op: 'eq', value: '0.30' },
    sql: `("total" = $1::DECIMAL(1,1))`, params: ['0.3'] },
  { name: 'decimal gt a JSON number', root: 'order', filter: { field: 'total', op: 'gt', value: 19.99 }, sql: `("total" > $1::DECIMAL(4,2))`, params: ['19.99'] },
  { name: 'decimal between, a negative and trailing zeros', root: 'order', filter: { field: 'total', op: 'between', value: ['-5', '0.100'] },
    sql: `("total" BETWEEN $1::DECIMAL(1,0) AND $2::DECIMAL(1,1))`, params: ['-5', '0.1'] },
  { name: 'decimal in, a long list as one DECIMAL list', root: 'order', filter: { field: 'total', op: 'in', value: ['0.1', '0.2', '0.30', 100, '9999999999.99'] },
    sql: `("total" = ANY($1::DECIMAL(12,2)[]))`, params: [['0.1', '0.2', '0.3', '100', '9999999999.99']] },
  { name: 'boolean eq on a nullable column', root: 'order', filter: { field: 'paid', op: 'eq', value: true }, sql: `("paid" = $1::BOOLEAN)`, params: [true] },
  { name: 'boolean ne is true on null', root: 'order', filter: { field: 'paid', op: 'ne', value: false }, sql: `(NOT COALESCE("paid" = $1::BOOLEAN, false))`, params: [false] },
  { name: 'boolean in, a long list', root: 'customer', filter: { field: 'vip', op: 'in', value: [true, true, true, true, true] },
    sql: `("vip" = ANY($1::BOOLEAN[]))`, params: [[true, true, true, true, true]] },
  { name: 'date gte a leap day', root: 'order', filter: { field: 'placed_on', op: 'gte', value: '2024-02-29' }, sql: `("placed_on" >= $1::DATE)`, params: ['2024-02-29'] },
  { name: 'date in, a long list', root: 'customer', filter: { field: 'signed_up', op: 'not_in', value: ['2024-02-29', '1999-12-31', '2000-01-01', '2001-01-01', '2024-03-01'] },
    sql: `(NOT ("signed_up" = ANY($1::DATE[])))`, params: [['2024-02-29', '1999-12-31', '2000-01-01', '2001-01-01', '2024-03-01']] },
  { name: 'uuid eq, written in uppercase', root: 'order', filter: { field: 'customer', op: 'eq', value: someCustomer.toUpperCase() },
    sql: `("customer_id" = $1::UUID)`, params: [someCustomer] },
  { name: 'uuid in on a UUID key', root: 'customer', filter: { field: 'id', op: 'in', value: uuids.slice(0, 2) },
    sql: `("id" IN ($1::UUID, $2::UUID))`, params: uuids.slice(0, 2).map((u) => u.toLowerCase()) },
  { name: 'one-to-many: some order over 100', root: 'customer', filter: { field: 'orders__total', op: 'gt', value: 100 },
    sql: `("id" IN (SELECT "customer_id" FROM "order" WHERE "total" > $1::DECIMAL(3,0)))`, params: ['100'] },
  { name: 'one-to-many negated: no paid order (customers with none too)', root: 'customer', filter: { field: 'orders__paid', op: 'ne', value: true },
    sql: `(NOT COALESCE("id" IN (SELECT "customer_id" FROM "order" WHERE "paid" = $1::BOOLEAN), false))`, params: [true] },
  { name: 'one-to-many isnull: customers with no orders', root: 'customer', filter: { field: 'orders', op: 'isnull', value: true },
    sql: `(NOT COALESCE("id" IN (SELECT "customer_id" FROM "order" WHERE "id" IS NOT NULL), false))`, params: [] },
  { name: 'one-to-many twice: some line of some order', root: 'customer', filter: { field: 'orders__items__unit_price', op: 'eq', value: '0.10' },
    sql: `("id" IN (SELECT "customer_id" FROM "order" WHERE "id" IN (SELECT "order_id" FROM "order_item" WHERE "unit_price" = $1::DECIMAL(1,1))))`, params: ['0.1'] },
  { name: 'one-to-many text, negated', root: 'customer', filter: { field: 'orders__note', op: 'not_contains', value: '\\' },
    sql: `(NOT COALESCE("id" IN (SELECT "customer_id" FROM "order" WHERE contains(lower("note"), lower($1::VARCHAR))), false))`, params: ['\\'] },
  { name: 'two many-to-one hops: nested semi-joins', root: 'order', filter: { field: 'customer__referrer__city', op: 'eq', value: 'Paris' },
    sql: `("customer_id" IN (SELECT id FROM "customer" WHERE "referrer_id" IN (SELECT id FROM "customer" WHERE "city" = $1::VARCHAR)))`, params: ['Paris'] },
  { name: 'a self relation', root: 'customer', filter: { field: 'referrer__vip', op: 'eq', value: true },
    sql: `("referrer_id" IN (SELECT id FROM "customer" WHERE "vip" = $1::BOOLEAN))`, params: [true] },
  { name: 'fact root: from the copied key of a two-hop path', root: 'order_item', filter: { field: 'order__customer__city', op: 'iexact', value: 'PARIS' },
    sql: `("customer_id" IN (SELECT id FROM "customer" WHERE lower("city") = lower($1::VARCHAR)))`, params: ['PARIS'] },
  { name: 'fact root: the copied value itself', root: 'order_item', filter: { field: 'order__placed_on', op: 'lt', value: '2000-01-01' }, sql: `("placed_on" < $1::DATE)`, params: ['2000-01-01'] },
  { name: 'fact root: many-to-one then one-to-many (lines of the same order)', root: 'order_item', filter: { field: 'order__items__product', op: 'contains', value: '%' },
    sql: `("order_id" IN (SELECT id FROM "order" WHERE "id" IN (SELECT "order_id" FROM "order_item" WHERE contains(lower("product"), lower($1::VARCHAR)))))`, params: ['%'] },
  { name: 'fact root: uuid long list on a copied key', root: 'order_item', filter: { field: 'order__customer', op: 'in', value: uuids },
    sql: `("customer_id" = ANY($1::UUID[]))`, params: [uuids.map((u) => u.toLowerCase())] },
  { name: 'fact root: a nullable decimal is null', root: 'order_item', filter: { field: 'discount', op: 'isnull', value: true },
    sql: `(NOT COALESCE("discount" IS NOT NULL, false))`, params: [] },
  { name: 'computed on the fact root, over fact columns', root: 'order_item', filter: { field: 'amount', op: 'gte', value: '20' },
    sql: `(("quantity" * "unit_price") >= $1::DECIMAL(2,0))`, params: ['20'] },
  { name: 'computed with literals, bound after the value', root: 'customer', filter: { field: 'display', op: 'startswith', value: "O'B" },
    sql: `(starts_with(lower(("name" || $2::VARCHAR || COALESCE("city", $3::VARCHAR))), lower($1::VARCHAR)))`, params: ["O'B", ' / ', '?'] },
  { name: 'computed through a relation', root: 'order_item', filter: { field: 'order__customer__display', op: 'eq', value: aDisplay },
    sql: `("customer_id" IN (SELECT id FROM "customer" WHERE ("name" || $2::VARCHAR || COALESCE("city", $3::VARCHAR)) = $1::VARCHAR))`, params: [aDisplay, ' / ', '?'] },
  { name: 'the key of a related row reads the foreign key', root: 'order', filter: { field: 'customer__referrer__id', op: 'isnull', value: false },
    sql: `("customer_id" IN (SELECT id FROM "customer" WHERE "referrer_id" IS NOT NULL))`, params: [] },
  { name: 'a declared key that is not `id`', root: 'order', filter: { field: 'items__item_id', op: 'between', value: [1000, 1010] },
    sql: `("id" IN (SELECT "order_id" FROM "order_item" WHERE "item_id" BETWEEN $1::BIGINT AND $2::BIGINT))`, params: [1000, 1010] },
];

describe('leaves over new types and paths', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { sql, params } = compile(c.root, c.filter);
      expect(sql).toBe(c.sql);
      expect(params).toEqual(c.params);
      expect(await selected(c.root, sql, params)).toEqual(expected(c.root, c.filter));
    });
  }

  it('most cases select some rows but not all (the toy data is not degenerate)', () => {
    const trivial = cases.filter((c) => {
      const n = expected(c.root, c.filter).length;
      return n === 0 || n === data[c.root].length;
    });
    expect(trivial.map((c) => c.name)).toEqual([]);
  });
});

describe('field paths', () => {
  it('lists own columns, relations both ways and computed columns; hides what is not filterable', () => {
    const customer = FIELDS.customer;
    for (const p of ['id', 'name', 'city', 'display', 'referrer', 'referrer__name', 'referrer__referrer', 'orders', 'orders__total', 'orders__items__amount', 'referrer__orders__items__product'])
      expect(customer.get(p)?.filterable, p).toBe(true);
    expect(customer.get('secret')?.filterable).toBe(false);
    // Straight back along a one-to-many relation is the row itself: never a path.
    expect(customer.has('orders__customer')).toBe(false);
    expect(FIELDS.order_item.has('order__items__order')).toBe(false);
    // Foreign key columns go by their relation's name.
    expect(FIELDS.order.has('customer_id')).toBe(false);
    expect(customer.get('orders__total')).toMatchObject({ type: 'decimal', sqlType: 'DECIMAL(12,2)', many: true, nullable: true });
    expect(customer.get('referrer__signed_up')).toMatchObject({ type: 'date', many: false, nullable: true });
    expect(FIELDS.order.get('customer')).toMatchObject({ type: 'uuid', nullable: true });
    expect(FIELDS.order_item.get('amount')).toMatchObject({ type: 'decimal', sqlType: 'DECIMAL(18,2)', nullable: false });
  });

  it('a field not filterable is an unknown field to filters, and is never suggested', () => {
    try {
      parseFilter({ field: 'secret', op: 'eq', value: 'x' }, toyCatalog, FIELDS.customer);
      expect.unreachable();
    } catch (e) {
      expect((e as QueryError).details[0]).toMatchObject({ path: '/filters/field', message: "unknown field 'secret'" });
      expect((e as QueryError).details[0]!.suggestion).not.toBe('secret');
    }
    const r = refused('customer', { field: 'orders__totl', op: 'eq', value: 1 });
    expect(r.suggestion).toBe('orders__total');
    expect(refused('customer', { field: 'referrer__password', op: 'eq', value: 1 }).suggestion).toBe('referrer__name');
  });

  it('each type takes its operators; text-only ones stay text-only', () => {
    expect(operatorsFor('boolean')).toEqual(['eq', 'in', 'ne', 'not_in', 'exact', 'isnull']);
    expect(operatorsFor('uuid')).toEqual(['eq', 'in', 'ne', 'not_in', 'exact', 'isnull']);
    expect(operatorsFor('decimal')).toEqual(['eq', 'gt', 'gte', 'lt', 'lte', 'in', 'between', 'ne', 'not_in', 'exact', 'isnull']);
    expect(operatorsFor('date')).toEqual(operatorsFor('decimal'));
    expect(operatorsFor('integer')).toEqual(operatorsFor('decimal'));
    expect(operatorsFor('text')).toEqual(['eq', 'gt', 'gte', 'lt', 'lte', 'in', 'between', 'contains', 'startswith', 'endswith', 'iexact', 'regex',
      'ne', 'not_in', 'not_contains', 'exact', 'icontains', 'istartswith', 'iendswith', 'isnull']);
  });
});

describe('field values (dimensions and labels)', () => {
  const value = async (root: Root, path: string, alias: string, from: string) => {
    const field = FIELDS[root].get(path)!;
    const p = new Params();
    const v = fieldValueSql(field, (c) => `${alias}.${ident(c)}`, p);
    const key = ROOTS[root].key;
    const sql = `SELECT ${alias}.${key} AS k, ${v.sql} AS v FROM ${from} ${alias} ${[...new Set(v.joins)].join(' ')} ORDER BY 1`;
    return { v, rows: (await db.query(sql, p.values)).rows.map((r) => [r['k'], r['v']]) };
  };
  const want = (root: Root, path: string) =>
    data[root]
      .map((row) => [row[ROOTS[root].key], world.resolve(root, row, path).values[0] ?? null])
      .sort((a, b) => (typeof a[0] === 'number' ? (a[0] as number) - (b[0] as number) : String(a[0]) < String(b[0]) ? -1 : 1));

  it('two many-to-one hops: one left join per hop, aliases named for the chain', async () => {
    const { v, rows } = await value('order', 'customer__referrer__name', 'o', '"order"');
    expect(v.joins).toEqual([
      `LEFT JOIN "customer" AS "customer_id>customer" ON "customer_id>customer"."id" = o."customer_id"`,
      `LEFT JOIN "customer" AS "customer_id>customer/referrer_id>customer" ON "customer_id>customer/referrer_id>customer"."id" = "customer_id>customer"."referrer_id"`,
    ]);
    expect(v.sql).toBe(`"customer_id>customer/referrer_id>customer"."name"`);
    expect(rows).toEqual(want('order', 'customer__referrer__name'));
  });

  it('a computed column through a relation, from the fact root', async () => {
    const { v, rows } = await value('order_item', 'order__customer__display', 'f', 'fact_item');
    expect(v.joins).toEqual([`LEFT JOIN "customer" AS "customer_id>customer" ON "customer_id>customer"."id" = f."customer_id"`]);
    expect(rows).toEqual(want('order_item', 'order__customer__display'));
  });

  it('exact decimals: a computed amount and a copied price', async () => {
    expect((await value('order_item', 'amount', 'f', 'fact_item')).rows).toEqual(want('order_item', 'amount'));
    expect((await value('order_item', 'order__total', 'f', 'fact_item')).rows).toEqual(want('order_item', 'order__total'));
  });

  it('a path through a one-to-many relation has no single value', () => {
    expect(() => fieldValueSql(FIELDS.customer.get('orders__total')!, ident, new Params())).toThrow(/one-to-many/);
  });
});

function refused(root: Root, filter: unknown): { message: string; path: string; suggestion?: string } {
  try {
    parseFilter(filter, toyCatalog, FIELDS[root]);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    const q = e as QueryError;
    expect(q.code).toBe('invalid_filter');
    expect(q.details[0]!.message).toBe(q.message);
    return { ...q.details[0]! };
  }
  throw new Error(`accepted: ${JSON.stringify(filter)}`);
}

describe('refused values', () => {
  const leaf = (field: string, op: string, value: unknown) => ({ and: [{ field, op, value }] });
  const cases: [Root, unknown, string, RegExp][] = [
    ['order', leaf('total', 'eq', '1e5'), '/filters/and/0/value', /without an exponent/],
    ['order', leaf('total', 'eq', '1.5E-3'), '/filters/and/0/value', /without an exponent/],
    ['order', leaf('total', 'eq', '12.3.4'), '/filters/and/0/value', /expected a decimal/],
    ['order', leaf('total', 'eq', ' 12'), '/filters/and/0/value', /expected a decimal/],
    ['order', leaf('total', 'eq', '1,5'), '/filters/and/0/value', /expected a decimal/],
    ['order', leaf('total', 'eq', ''), '/filters/and/0/value', /expected a decimal/],
    ['order', leaf('total', 'eq', 'NaN'), '/filters/and/0/value', /expected a decimal/],
    ['order', leaf('total', 'eq', true), '/filters/and/0/value', /expected a decimal/],
    ['order', leaf('total', 'eq', null), '/filters/and/0/value', /expected a decimal/],
    ['order', leaf('total', 'eq', '1'.repeat(39)), '/filters/and/0/value', /at most 38 digits, this one has 39/],
    ['order', leaf('total', 'eq', `0.${'1'.repeat(38)}`), '/filters/and/0/value', /at most 38 digits/],
    ['order', leaf('total', 'eq', 1234567890123456.7), '/filters/and/0/value', /15 significant digits.*as a decimal string/],
    // 10 digits before the point in DECIMAL(12,2), 29 after in the value: 39 in one type.
    ['order', leaf('total', 'eq', `0.${'0'.repeat(28)}1`), '/filters/and/0/value', /too many digits to compare exactly with total \(DECIMAL\(12,2\)\)/],
    ['order', leaf('total', 'in', ['1', '2', 'x']), '/filters/and/0/value/2', /expected a decimal/],
    // Each item fits; together they would need 36 + 28 digits.
    ['order', leaf('total', 'in', ['1'.repeat(36), `0.${'1'.repeat(28)}`]), '/filters/and/0/value', /too many digits/],
    ['order', leaf('total', 'between', ['1', '2e3']), '/filters/and/0/value/1', /exponent/],
    ['order', leaf('placed_on', 'eq', '2023-02-29'), '/filters/and/0/value', /YYYY-MM-DD/],
    ['order', leaf('placed_on', 'eq', '2024-2-1'), '/filters/and/0/value', /YYYY-MM-DD/],
    ['order', leaf('placed_on', 'eq', '2024-02-01T00:00:00Z'), '/filters/and/0/value', /YYYY-MM-DD/],
    ['order', leaf('placed_on', 'eq', 20240201), '/filters/and/0/value', /YYYY-MM-DD/],
    ['order', leaf('placed_on', 'in', ['2024-01-01', '2024-13-01']), '/filters/and/0/value/1', /YYYY-MM-DD/],
    ['order', leaf('paid', 'eq', 'true'), '/filters/and/0/value', /expected true or false/],
    ['order', leaf('paid', 'eq', 1), '/filters/and/0/value', /expected true or false/],
    ['order', leaf('paid', 'in', [true, null]), '/filters/and/0/value/1', /expected true or false/],
    ['customer', leaf('id', 'eq', someCustomer.replaceAll('-', '')), '/filters/and/0/value', /expected a UUID/],
    ['customer', leaf('id', 'eq', `{${someCustomer}}`), '/filters/and/0/value', /expected a UUID/],
    ['customer', leaf('id', 'eq', someCustomer.slice(0, -1) + 'g'), '/filters/and/0/value', /expected a UUID/],
    ['customer', leaf('id', 'eq', 12), '/filters/and/0/value', /expected a UUID/],
    ['customer', leaf('orders__customer', 'eq', someCustomer), '/filters/and/0/field', /unknown field/],
  ];
  for (const [root, filter, path, message] of cases) {
    it(`${JSON.stringify(filter).slice(0, 90)}`, () => {
      const r = refused(root, filter);
      expect(r.path).toBe(path);
      expect(r.message).toMatch(message);
    });
  }

  it('operators a type does not take', () => {
    const cases: [Root, unknown, string][] = [
      ['order', leaf('paid', 'gt', true), "operator 'gt' does not apply to boolean field 'paid'"],
      ['order', leaf('paid', 'between', [false, true]), "operator 'between' does not apply to boolean field 'paid'"],
      ['customer', leaf('id', 'lt', someCustomer), "operator 'lt' does not apply to uuid field 'id'"],
      ['order', leaf('total', 'contains', '1'), "operator 'contains' does not apply to decimal field 'total'"],
      ['order', leaf('placed_on', 'regex', '2024'), "operator 'regex' does not apply to date field 'placed_on'"],
      ['customer', leaf('orders__paid', 'icontains', 't'), "operator 'icontains' does not apply to boolean field 'orders__paid'"],
    ];
    for (const [root, filter, message] of cases) expect(refused(root, filter)).toEqual({ path: '/filters/and/0/op', message });
  });

  it('values that are accepted, in their canonical forms', () => {
    const value = (root: Root, field: string, v: unknown) => (parseFilter({ field, op: 'eq', value: v }, toyCatalog, FIELDS[root]) as { value: unknown }).value;
    expect(value('order', 'total', '-0.0')).toBe('0');
    expect(value('order', 'total', '+007.50')).toBe('7.5');
    expect(value('order', 'total', 1e-7)).toBe('0.0000001');
    expect(value('order', 'total', 0.1)).toBe('0.1');
    expect(value('order', 'total', -12)).toBe('-12');
    expect(value('order', 'total', '9999999999.99')).toBe('9999999999.99');
    expect(value('order', 'total', '1'.repeat(36))).toBe('1'.repeat(36));
    expect(value('customer', 'id', someCustomer.toUpperCase())).toBe(someCustomer);
    expect(value('order', 'placed_on', '2024-02-29')).toBe('2024-02-29');
    expect(value('order', 'paid', false)).toBe(false);
  });
});

it('every filterable path of every root compiles and runs', async () => {
  for (const root of Object.keys(ROOTS) as Root[]) {
    for (const f of filterableFields(FIELDS[root])) {
      const { sql, params } = compile(root, { field: f.path, op: 'isnull', value: false });
      expect(await selected(root, sql, params), `${root} ${f.path}`).toEqual(expected(root, { field: f.path, op: 'isnull', value: false }));
    }
  }
});
