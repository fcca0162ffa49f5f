// Reading the query endpoint's CSV and Arrow answers back, to hold them against the JSON one.
import { expect } from 'vitest';
import type { Answer } from './query-reference.ts';

/** RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(cell);
      rows.push(row);
      (row = []), (cell = '');
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

type Column = Answer['columns'][number];

/** A CSV cell as the JSON value would be written: empty for null, numbers as numbers. */
function csvCellMatches(c: Column, cell: string, v: unknown): boolean {
  if (v === null) return cell === '';
  if (typeof v === 'number') return c.name.startsWith('avg_duration') ? Math.abs(Number(cell) - v) <= 1e-9 * Math.abs(v) : cell !== '' && Number(cell) === v;
  return cell === String(v);
}

export function expectCsvEqualsJson(csv: string, json: Answer, what: string): void {
  const [head, ...rows] = parseCsv(csv);
  expect(head, what).toEqual(json.columns.map((c) => c.name));
  expect(rows.length, what).toBe(json.data.length);
  rows.forEach((r, i) => json.columns.forEach((c, j) => {
    if (!csvCellMatches(c, r[j]!, json.data[i]![c.name])) expect.fail(`${what}: CSV row ${i} column ${c.name}: '${r[j]}' vs JSON ${JSON.stringify(json.data[i]![c.name])}`);
  }));
}

/** A Decimal128 cell (four little-endian 32-bit words, two's complement) as exact decimal
 *  text with `scale` digits after the point, read with BigInt (no float on the way). */
export function decimal128Text(cell: unknown, scale: number): string {
  const w = cell as Uint32Array;
  let u = 0n;
  for (let i = 3; i >= 0; i--) u = (u << 32n) | BigInt(w[i]!);
  const n = BigInt.asIntN(128, u);
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
}

/** An Arrow value as the JSON value: 64-bit integers as numbers; Decimal128 as the JSON's
 *  exact text; text, periods and instants as the JSON text, or (for typed Arrow columns) the
 *  same number or instant. */
function arrowMatches(c: Column, a: unknown, v: unknown, decimalScale: number | undefined): boolean {
  if (a === null || v === null) return a === v;
  if (decimalScale !== undefined) return decimal128Text(a, decimalScale) === v;
  if (typeof a === 'bigint') return Number(a) === Number(v);
  if (typeof a === 'string') return a === v;
  if (typeof a === 'number') {
    if (typeof v === 'number') return c.name.startsWith('avg_duration') ? Math.abs(a - v) <= 1e-9 * Math.abs(v) : a === v;
    if (c.type === 'decimal') return a === Number(v);
    // Dates and instants as epoch milliseconds (periods are wall times, read as UTC).
    return a === Math.floor(Date.parse(/Z$/.test(String(v)) ? String(v) : `${String(v)}Z`));
  }
  return String(a) === String(v);
}

/** Decimal columns must arrive as Arrow Decimal128 (SPEC-marketplace section 1), read back
 *  exactly; everything else as the JSON value. */
export async function expectArrowEqualsJson(bytes: Buffer, json: Answer, what: string): Promise<void> {
  const { tableFromIPC, Type } = await import('apache-arrow');
  const t = tableFromIPC(new Uint8Array(bytes));
  expect(t.schema.fields.map((f) => f.name), what).toEqual(json.columns.map((c) => c.name));
  expect(t.numRows, what).toBe(json.data.length);
  json.columns.forEach((c, j) => {
    const col = t.getChild(c.name)!;
    const type = t.schema.fields[j]!.type as { typeId: number; scale?: number; bitWidth?: number };
    if (c.type === 'decimal') {
      expect(type.typeId, `${what}: ${c.name} is Decimal128`).toBe(Type.Decimal);
      expect(type.bitWidth, `${what}: ${c.name} is Decimal128`).toBe(128);
    }
    const scale = type.typeId === Type.Decimal ? type.scale : undefined;
    json.data.forEach((row, i) => {
      const a = col.get(i) as unknown;
      if (!arrowMatches(c, a, row[c.name], scale)) expect.fail(`${what}: Arrow row ${i} column ${c.name}: ${String(a)} vs JSON ${JSON.stringify(row[c.name])}`);
    });
  });
}
