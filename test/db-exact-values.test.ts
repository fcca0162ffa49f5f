// Values out of DuckDB (engine/db.ts) are exact: DECIMAL as its digits with exactly the
// column's scale (never through a double), UUID as canonical lowercase text, DATE as
// YYYY-MM-DD, BOOLEAN as boolean; integers as before (numbers where exact, else text) and
// timestamps as before (JS Dates). Checked against values written here and against exact
// sums of the toy dataset computed in TypeScript with BigInt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { toyData, toyDatabase } from './toy-dataset.ts';

let db: Database;
beforeAll(async () => {
  db = await Database.open(':memory:');
});
afterAll(() => db?.close());

const one = async (sql: string, params: unknown[] = []) => (await db.query(sql, params as never[])).rows[0]!;

describe('exact values out', () => {
  it('DECIMAL: the exact digits with the type scale', async () => {
    const r = await one(`SELECT sum(x) AS s, typeof(sum(x)) AS t FROM (VALUES (0.10::DECIMAL(12,2)), (0.20::DECIMAL(12,2))) v(x)`);
    expect(r).toEqual({ s: '0.30', t: 'DECIMAL(38,2)' });
    expect(await one(`SELECT 0.1::DECIMAL(12,2) AS a, (-0.05)::DECIMAL(12,2) AS b, 7::DECIMAL(12,2) AS c, 0::DECIMAL(5,3) AS d, 42::DECIMAL(10,0) AS e`)).toEqual({
      a: '0.10', b: '-0.05', c: '7.00', d: '0.000', e: '42',
    });
    // Beyond what a double holds: every digit.
    expect(await one(`SELECT '12345678901234567890.1234567891'::DECIMAL(38,10) AS x, '-99999999999999999999999999999999999.999'::DECIMAL(38,3) AS y`)).toEqual({
      x: '12345678901234567890.1234567891', y: '-99999999999999999999999999999999999.999',
    });
    // A double would print 0.30000000000000004 here; the decimal sum is exact.
    expect(await one(`SELECT $1::DECIMAL(1,1) + $2::DECIMAL(1,1) AS x`, ['0.1', '0.2'])).toEqual({ x: '0.3' });
  });

  it('DECIMAL inside lists and structs, DATE too', async () => {
    expect(await one(`SELECT [1.5::DECIMAL(4,2), NULL] AS l, {'d': DATE '2024-02-29', 'm': 2.50::DECIMAL(5,2)} AS s`)).toEqual({
      l: ['1.50', null], s: { d: '2024-02-29', m: '2.50' },
    });
  });

  it('UUID, DATE, BOOLEAN', async () => {
    expect(await one(`SELECT $1::UUID AS u, DATE '2024-02-29' AS d, DATE '0001-01-01' AS d1, 'infinity'::DATE AS dinf, true AS b, NULL::BOOLEAN AS n, NULL::DATE AS nd`, [
      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    ])).toEqual({ u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', d: '2024-02-29', d1: '0001-01-01', dinf: 'infinity', b: true, n: null, nd: null });
  });

  it('integers and timestamps as before', async () => {
    const r = await one(`SELECT 42::BIGINT AS a, (2::BIGINT ** 60)::BIGINT AS b, 170141183460469231731687303715884105727::HUGEINT AS c, sum(3)::HUGEINT AS d,
      2.5::DOUBLE AS e, 7::INTEGER AS f, TIMESTAMP '2024-02-29 12:34:56.789' AS g`);
    expect(r).toEqual({ a: 42, b: '1152921504606846976', c: '170141183460469231731687303715884105727', d: 3, e: 2.5, f: 7, g: new Date('2024-02-29T12:34:56.789Z') });
  });

  it('the toy dataset: exact sums of money, keys and dates as stored', async () => {
    const data = toyData();
    const toy = await toyDatabase(data);
    try {
      const cents = (s: string) => BigInt(s.replace('.', ''));
      const fmt = (c: bigint) => {
        const neg = c < 0n;
        const d = (neg ? -c : c).toString().padStart(3, '0');
        return `${neg ? '-' : ''}${d.slice(0, -2)}.${d.slice(-2)}`;
      };
      const total = data.order.reduce((a, o) => a + cents(o['total'] as string), 0n);
      const revenue = data.order_item.reduce((a, i) => a + cents(i['unit_price'] as string) * BigInt(i['quantity'] as number), 0n);
      const r = (await toy.query(`SELECT (SELECT sum(total) FROM "order") AS total, (SELECT sum(quantity * unit_price) FROM order_item) AS revenue`)).rows[0]!;
      expect(r).toEqual({ total: fmt(total), revenue: fmt(revenue) });
      const orders = (await toy.query(`SELECT id, customer_id, total, paid, placed_on FROM "order" ORDER BY id`)).rows;
      expect(orders).toEqual(data.order.map((o) => ({ id: o['id'], customer_id: o['customer_id'], total: o['total'], paid: o['paid'], placed_on: o['placed_on'] })));
      const customers = (await toy.query(`SELECT id, signed_up, vip FROM customer ORDER BY name, id`)).rows;
      expect(new Set(customers.map((c) => c['id']))).toEqual(new Set(data.customer.map((c) => c['id'])));
      expect(customers.every((c) => typeof c['vip'] === 'boolean' && /^\d{4}-\d{2}-\d{2}$/.test(c['signed_up'] as string))).toBe(true);
    } finally {
      toy.close();
    }
  });
});
