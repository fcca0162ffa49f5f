// Every DuckDB type comes back exactly, in JSON, CSV and Arrow: DuckDB's own test_all_types()
// (every type at its minimum, maximum and NULL, nested ones included) and literals chosen to
// catch lossy conversions. JSON is checked by reading each value back into a separate
// DuckDB, cast to the column's type, and comparing with the original; CSV against the
// documented rule (JSON text for what JSON does not hold as a string); Arrow by comparing
// the decoded buffers (apache-arrow's tableFromIPC) with the original values.
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import type {
  DuckDBBlobValue, DuckDBConnection, DuckDBDateValue, DuckDBDecimalValue, DuckDBGeometryValue, DuckDBIntervalValue, DuckDBListValue,
  DuckDBMapValue, DuckDBStructValue, DuckDBType, DuckDBUnionValue, DuckDBValue,
} from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { sqlServer } from './sql-sandbox-fixture.ts';
import type { SqlServer } from './sql-sandbox-fixture.ts';

const dir = tempDir('sqltypes-');
let s: SqlServer;
let ref: DuckDBConnection;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 1000, 8);
  s = await sqlServer(db, { limits: { sqlTimeoutMs: 20_000 } });
  ref = await (await DuckDBInstance.create(':memory:')).connect();
  await ref.run("SET TimeZone = 'UTC'");
});
afterAll(async () => {
  ref?.closeSync();
  await s?.close();
  dir.cleanup();
});

// Literals where a lossy conversion would show: integers past 2^53, 38-digit decimals,
// nested big integers, map keys that are not strings, a union, an interval with
// microseconds, bytes that are not text, NULL and the empty string.
const LITERALS = `SELECT
  9007199254740993::BIGINT AS big, 42::BIGINT AS small, -9007199254740991::BIGINT AS edge,
  170141183460469231731687303715884105727::HUGEINT AS huge, 18446744073709551615::UBIGINT AS ubig,
  12345678901234567890123456789.123456789::DECIMAL(38,9) AS dec38, 1.5::DECIMAL(4,1) AS dec4,
  [1, 9007199254740993, NULL]::BIGINT[] AS list_big,
  {'a': 1::HUGEINT, 'b': 'x', 'c': NULL::INT} AS st,
  MAP {1: 'one', 9007199254740993: 'big'} AS m,
  union_value(num := 2)::UNION(num INT, str VARCHAR) AS u,
  INTERVAL '1 year 2 months 3 days 04:05:06.789' AS iv,
  '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID AS id, '\\x00\\xFFab'::BLOB AS bl,
  TIMESTAMPTZ '2024-03-10 01:02:03.456789+00' AS tstz, TIMESTAMP_NS '2024-03-10 01:02:03.123456789' AS tsns,
  TIME '23:59:59.999999' AS t, DATE '2024-02-29' AS d, 'infinity'::DATE AS dinf,
  'b'::ENUM('a', 'b') AS e, '10110'::BIT AS bits, '123456789012345678901234567890'::VARINT AS vi,
  0.1::FLOAT AS f, 'NaN'::DOUBLE AS nan, '-inf'::DOUBLE AS ninf, NULL::VARCHAR AS nul, '' AS empty`;

// The documented JSON for each literal, written from the literals themselves.
const LITERALS_JSON = [
  '9007199254740993', 42, -9007199254740991,
  '170141183460469231731687303715884105727', '18446744073709551615',
  '12345678901234567890123456789.123456789', 1.5,
  [1, '9007199254740993', null],
  { a: 1, b: 'x', c: null },
  [{ key: 1, value: 'one' }, { key: '9007199254740993', value: 'big' }],
  { tag: 'num', value: 2 },
  { months: 14, days: 3, micros: 14_706_789_000 },
  '6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'AP9hYg==',
  '2024-03-10 01:02:03.456789+00', '2024-03-10 01:02:03.123456789',
  '23:59:59.999999', '2024-02-29', 'infinity',
  'b', '10110', '123456789012345678901234567890',
  0.1, 'NaN', '-Infinity', null, '',
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** SQL reading $1 (a JSON text) back as a value of `type`, the inverse of the documented
 *  mapping; a JSON null is NULL. */
function readBack(type: DuckDBType): string {
  const j = 'CAST($1 AS JSON)';
  const expr = ((): string => {
    switch (type.typeId) {
      case DuckDBTypeId.VARCHAR: return `(${j} ->> '$')`;
      case DuckDBTypeId.BLOB: return `from_base64(${j} ->> '$')`;
      case DuckDBTypeId.BIT:
      case DuckDBTypeId.BIGNUM: return `CAST(${j} ->> '$' AS ${type})`;
      case DuckDBTypeId.INTERVAL: return `to_months(CAST(${j} ->> 'months' AS INT)) + to_days(CAST(${j} ->> 'days' AS INT)) + to_microseconds(CAST(${j} ->> 'micros' AS BIGINT))`;
      case DuckDBTypeId.MAP: return `map_from_entries(CAST(${j} AS STRUCT(key ${type.keyType}, value ${type.valueType})[]))`;
      case DuckDBTypeId.UNION: return `CAST(json_object(${j} ->> 'tag', ${j} -> 'value') AS ${type})`;
      default: return `CAST(${j} AS ${type})`;
    }
  })();
  return `CASE WHEN $1 = 'null' THEN NULL ELSE ${expr} END`;
}

/** The source query's result in the reference DuckDB: names, types and values. */
async function reference(sql: string): Promise<{ names: string[]; types: DuckDBType[]; rows: DuckDBValue[][] }> {
  const r = await ref.runAndReadAll(sql);
  return { names: r.columnNames(), types: r.columnTypes(), rows: r.getRows() };
}

async function checkJson(sql: string, rows: Json[][], refd: Awaited<ReturnType<typeof reference>>): Promise<void> {
  expect(rows.length).toBe(refd.rows.length);
  for (let c = 0; c < refd.names.length; c++) {
    for (let k = 0; k < rows.length; k++) {
      const text = JSON.stringify(rows[k]![c]);
      if (refd.types[c]!.typeId === DuckDBTypeId.GEOMETRY) {
        // No cast from bytes to GEOMETRY without the spatial extension: compare the bytes.
        const v = refd.rows[k]![c] as DuckDBGeometryValue | null;
        expect(rows[k]![c], refd.names[c]).toEqual(v === null ? null : Buffer.from(v.bytes).toString('base64'));
        continue;
      }
      const column = `"${refd.names[c]!.replaceAll('"', '""')}"`;
      const check = `SELECT (${readBack(refd.types[c]!)}) IS NOT DISTINCT FROM (SELECT ${column} FROM (${sql}) LIMIT 1 OFFSET ${k})`;
      const same = (await ref.runAndReadAll(check, [text])).getRows()[0]![0];
      expect(same, `${refd.names[c]} (${refd.types[c]}) row ${k}: ${text.slice(0, 120)}`).toBe(true);
    }
  }
}

/** RFC 4180 CSV: cells, with null for an empty unquoted cell. */
function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let cell: string | null;
    if (text[i] === '"') {
      let v = '';
      for (i++; ; i++) {
        if (text[i] === '"' && text[i + 1] === '"') (v += '"'), i++;
        else if (text[i] === '"') break;
        else v += text[i];
      }
      i++;
      cell = v;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      cell = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text[i] === '\n' || i >= text.length) (rows.push(row), (row = []), i++);
  }
  return rows;
}

const csvOf = (v: Json): string | null => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

const words = (d: Data, i: number): bigint => {
  const w = (d.values as Uint32Array).subarray(i * 4, i * 4 + 4);
  return BigInt.asIntN(128, (BigInt(w[3]!) << 96n) | (BigInt(w[2]!) << 64n) | (BigInt(w[1]!) << 32n) | BigInt(w[0]!));
};
const utf8 = (d: Data, i: number): Uint8Array => (d.values as Uint8Array).subarray(d.valueOffsets![i]!, d.valueOffsets![i + 1]!);

/** Arrow's decoded buffers at row i against the reference value, per the documented mapping. */
function checkArrow(d: Data, i: number, v: DuckDBValue, t: DuckDBType, at: string): void {
  const isNull = t.typeId === DuckDBTypeId.UNION ? v === null : !d.getValid(i);
  expect(isNull, `${at}: null`).toBe(v === null);
  if (v === null) return;
  const raw = (d.values as unknown as ArrayLike<unknown>)?.[i];
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return void expect(((d.values as Uint8Array)[i >> 3]! >> (i & 7)) & 1, at).toBe(v ? 1 : 0);
    case DuckDBTypeId.HUGEINT: return void expect(words(d, i), at).toBe(v);
    case DuckDBTypeId.DECIMAL: return void expect([words(d, i), (d.type as unknown as { scale: number }).scale], at).toEqual([(v as DuckDBDecimalValue).value, t.scale]);
    case DuckDBTypeId.VARCHAR: case DuckDBTypeId.ENUM: return void expect(new TextDecoder().decode(utf8(d, i)), at).toBe(v);
    case DuckDBTypeId.UHUGEINT: case DuckDBTypeId.BIGNUM: case DuckDBTypeId.BIT: case DuckDBTypeId.UUID: case DuckDBTypeId.TIME_TZ:
      return void expect(new TextDecoder().decode(utf8(d, i)), at).toBe(String(v));
    case DuckDBTypeId.BLOB: case DuckDBTypeId.GEOMETRY: return void expect(Buffer.from(utf8(d, i)), at).toEqual(Buffer.from((v as DuckDBBlobValue | DuckDBGeometryValue).bytes));
    case DuckDBTypeId.DATE: return void expect(raw, at).toBe((v as DuckDBDateValue).days);
    case DuckDBTypeId.TIME: case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_TZ: return void expect(raw, at).toBe((v as { micros: bigint }).micros);
    case DuckDBTypeId.TIME_NS: case DuckDBTypeId.TIMESTAMP_NS: return void expect(raw, at).toBe((v as { nanos: bigint }).nanos);
    case DuckDBTypeId.TIMESTAMP_S: return void expect(raw, at).toBe((v as { seconds: bigint }).seconds);
    case DuckDBTypeId.TIMESTAMP_MS: return void expect(raw, at).toBe((v as { millis: bigint }).millis);
    case DuckDBTypeId.INTERVAL: {
      const iv = v as DuckDBIntervalValue;
      return void expect(d.children.map((c) => (c.values as unknown as ArrayLike<unknown>)[i]), at).toEqual([iv.months, iv.days, iv.micros]);
    }
    case DuckDBTypeId.LIST: {
      const items = (v as DuckDBListValue).items;
      const from = d.valueOffsets![i]!;
      expect(d.valueOffsets![i + 1]! - from, `${at}: length`).toBe(items.length);
      return items.forEach((x, j) => checkArrow(d.children[0]!, from + j, x, t.valueType, `${at}[${j}]`));
    }
    case DuckDBTypeId.ARRAY: return (v as DuckDBListValue).items.forEach((x, j) => checkArrow(d.children[0]!, i * t.length + j, x, t.valueType, `${at}[${j}]`));
    case DuckDBTypeId.STRUCT: return t.entryNames.forEach((n, k) => checkArrow(d.children[k]!, i, (v as DuckDBStructValue).entries[n] ?? null, t.entryTypes[k]!, `${at}.${n}`));
    case DuckDBTypeId.MAP: {
      const entries = (v as DuckDBMapValue).entries;
      const from = d.valueOffsets![i]!;
      expect(d.valueOffsets![i + 1]! - from, `${at}: size`).toBe(entries.length);
      const kv = d.children[0]!;
      return entries.forEach((e, j) => {
        checkArrow(kv.children[0]!, from + j, e.key, t.keyType, `${at}{key ${j}}`);
        checkArrow(kv.children[1]!, from + j, e.value, t.valueType, `${at}{value ${j}}`);
      });
    }
    case DuckDBTypeId.UNION: {
      const u = v as DuckDBUnionValue;
      const m = d.typeIds![i]!;
      expect((d.type as { children: { name: string }[] }).children[m]!.name, `${at}: tag`).toBe(u.tag);
      return checkArrow(d.children[m]!, i, u.value, t.memberTypeForTag(u.tag), `${at}<${u.tag}>`);
    }
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: return void expect(Object.is(raw, v) || (Number.isNaN(raw) && Number.isNaN(v)), `${at}: ${String(raw)} vs ${String(v)}`).toBe(true);
    default: return void expect(raw, at).toBe(v);
  }
}

async function checkAllFormats(sql: string): Promise<{ rows: Json[][]; csv: string }> {
  const refd = await reference(sql);
  const json = await s.sql({ sql });
  expect(json.status, json.text.slice(0, 300)).toBe(200);
  const body = json.json() as { columns: { name: string; type: string }[]; rows: Json[][]; row_count: number };
  expect(body.columns.map((c) => c.name)).toEqual(refd.names);
  expect(body.columns.map((c) => c.type)).toEqual(refd.types.map(String));
  await checkJson(sql, body.rows, refd);

  const csv = await s.sql({ sql, format: 'csv' });
  expect(csv.status, csv.text.slice(0, 300)).toBe(200);
  const cells = parseCsv(csv.text);
  expect(cells[0]).toEqual(refd.names);
  expect(cells.slice(1)).toEqual(body.rows.map((r) => r.map(csvOf)));

  const arrow = await s.sql({ sql, format: 'arrow' });
  expect(arrow.status, arrow.text.slice(0, 300)).toBe(200);
  const table = tableFromIPC(arrow.bytes);
  expect(table.numRows).toBe(refd.rows.length);
  expect(table.schema.fields.map((f) => f.name)).toEqual(refd.names);
  refd.names.forEach((name, c) => {
    const chunk = table.getChildAt(c)!.data;
    expect(chunk.length).toBe(1);
    refd.rows.forEach((r, k) => checkArrow(chunk[0]!, k, r[c]!, refd.types[c]!, `${name} row ${k}`));
  });
  return { rows: body.rows, csv: csv.text };
}

describe('debug SQL types', () => {
  it("returns every type of DuckDB's test_all_types() exactly in JSON, CSV and Arrow", async () => {
    const { rows } = await checkAllFormats('SELECT * FROM test_all_types()');
    expect(rows.length).toBe(3);
  });

  it('keeps the digits that numbers would lose, per the documented JSON mapping', async () => {
    const { rows, csv } = await checkAllFormats(LITERALS);
    expect(rows).toEqual([LITERALS_JSON]);
    // NULL is an empty cell, the empty string a quoted one.
    expect(csv.trimEnd().endsWith(',,""')).toBe(true);
  });

  it('answers list(id), the query that used to fail on a BigInt', async () => {
    const r = await s.sql({ sql: 'SELECT list(id ORDER BY id) AS ids, sum(id) AS total FROM blog' });
    expect(r.status, r.text).toBe(200);
    const [ids, total] = (r.json()['rows'] as [number[], number][])[0]!;
    const expected = (await s.engine.db.query('SELECT id FROM blog ORDER BY id')).rows.map((x) => x['id'] as number);
    expect(ids).toEqual(expected);
    expect(total).toBe(expected.reduce((a, b) => a + b, 0));
  });
});
