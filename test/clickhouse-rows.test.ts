// ClickHouse's JSON answers read back as db.ts gives DuckDB's (engine/clickhouse/rows.ts),
// and the ClickHouse dialect's placeholders: every value a typed parameter.
import { describe, expect, it } from 'vitest';
import { convert, parseType, rowsOf } from '../engine/clickhouse/rows.ts';
import { clickhouse } from '../engine/dialect/clickhouse.ts';
import { Params } from '../engine/params.ts';

describe('ClickHouse rows', () => {
  it('parses nested, named and parameterised types', () => {
    expect(parseType("Array(Tuple(a Int64, `b c` Nullable(Decimal(12, 2)), d DateTime64(6, 'UTC')))")).toEqual({
      name: 'Array',
      args: [
        {
          name: 'Tuple',
          args: [
            { name: 'Int64', args: [] },
            { name: 'Nullable', args: [{ name: 'Decimal', args: [{ name: '12', args: [] }, { name: '2', args: [] }] }] },
            { name: 'DateTime64', args: [{ name: '6', args: [] }, { name: "'UTC'", args: [] }] },
          ],
          names: ['a', 'b c', 'd'],
        },
      ],
    });
  });

  it('gives 64-bit integers as numbers where exact, decimals as exact text, instants as Dates', () => {
    const r = rowsOf({
      meta: [
        { name: 'n', type: 'Int64' },
        { name: 'big', type: 'UInt64' },
        { name: 'money', type: 'Nullable(Decimal(38, 2))' },
        { name: 'at', type: "DateTime64(6, 'UTC')" },
        { name: 'd', type: 'Date32' },
        { name: 'v', type: 'Variant(Int64, UInt64, UInt8)' },
        { name: 'items', type: 'Array(Tuple(q Int64, price Decimal(12, 2)))' },
      ],
      data: [['-9007199254740991', '18446744073709551615', '0.30', '1969-12-31 23:59:59.500000', '1900-01-01', '8', [{ q: '2', price: '1.50' }]]],
    });
    expect(r.rows[0]).toEqual({
      n: -9007199254740991,
      big: '18446744073709551615',
      money: '0.30',
      at: new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 500)),
      d: '1900-01-01',
      v: 8,
      items: [{ q: 2, price: '1.50' }],
    });
    expect(convert(null, parseType('Nullable(Int64)'))).toBeNull();
  });
});

describe('the ClickHouse dialect', () => {
  it('binds every value as a typed {name:Type} parameter', () => {
    const p = new Params(clickhouse);
    expect(p.add("o'b%_\\", 'VARCHAR')).toBe('{p1:String}');
    expect(p.add('2024-01-01 00:00:00.000000', 'TIMESTAMP')).toBe("{p2:DateTime64(6, 'UTC')}");
    expect(p.add('12.30', 'DECIMAL(4,2)')).toBe('{p3:Decimal(38, 18)}');
    expect(p.add(null, 'BIGINT')).toBe('{p4:Nullable(Int64)}');
    expect(p.add(7)).toBe('{p5:Int64}');
    expect(p.addList(['a', 'b'], 'UUID')).toBe('arrayMap(x -> toString(x), {p6:Array(UUID)})');
    expect(p.addList(['1.5', '-2'], 'DECIMAL(2,1)')).toBe('CAST({p7:Array(String)} AS Array(Decimal(38, 18)))');
    expect(p.values.slice(0, 6)).toEqual(["o'b%_\\", '2024-01-01 00:00:00.000000', '12.30', null, 7, ['a', 'b']]);
    // UUIDs are stored as their text: a UUID parameter is read as a UUID and compared as text.
    expect(p.add('A0000000-0000-4000-8000-000000000001', 'UUID')).toBe('toString({p8:UUID})');
    expect(p.add(null, 'UUID')).toBe('toString({p9:Nullable(UUID)})');
  });

  it('spells what DuckDB spells otherwise', () => {
    expect(clickhouse.intDiv('a', 'b')).toBe('intDiv(a, b)');
    expect(clickhouse.functions.trim(['x'])).toBe("trimBoth(x, ' ')");
    expect(clickhouse.operators.contains.sql('c', ['{p1:String}'])).toBe('position(lowerUTF8(c), lowerUTF8({p1:String})) > 0');
    expect(clickhouse.lag('m0', 'OVER (ORDER BY b)')).toBe('lag(toNullable(m0)) OVER (ORDER BY b)');
    expect(clickhouse.raiseIf('x > 1', "it's too big")).toBe("nullIf(throwIf(x > 1, 'it\\'s too big'), 0)");
    expect(() => clickhouse.bitsetAgg('v', '1', '2')).toThrow(/DuckDB only/);
  });
});
