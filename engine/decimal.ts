// Exact decimals as text: reading a user's decimal value (a decimal string, or a JSON number
// that still says what the user wrote), its digits, and the DECIMAL type that holds it. No
// binary floating point is ever in the way of a decimal comparison.
import type { DecimalType, SqlType } from './catalog.ts';

/** The most digits a DECIMAL holds (DuckDB, PostgreSQL's common subset, ClickHouse's Decimal128). */
export const MAX_DECIMAL_DIGITS = 38;

/** A JSON number holds this many significant decimal digits exactly: any decimal text with
 *  at most 15 of them reads into a double and prints back (String) as the same digits. */
export const JSON_NUMBER_DIGITS = 15;

export interface ExactDecimal {
  /** Canonical text: an optional '-', the integer digits with no leading zeros (at least
   *  one), and, where the value has any, '.' and the fraction digits with no trailing zeros. */
  readonly text: string;
  /** Digits before the point, leading zeros not counted (0 for |x| < 1). */
  readonly intDigits: number;
  /** Digits after the point, trailing zeros not counted. */
  readonly scale: number;
}

export type DecimalRead = { readonly ok: true; readonly value: ExactDecimal } | { readonly ok: false; readonly reason: string };

const TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const EXPONENT = /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 50);

function exact(sign: string, int: string, frac: string): DecimalRead {
  const i = int.replace(/^0+/, '');
  const f = frac.replace(/0+$/, '');
  const digits = i.length + f.length;
  if (digits > MAX_DECIMAL_DIGITS) return { ok: false, reason: `a decimal has at most ${MAX_DECIMAL_DIGITS} digits, this one has ${digits}` };
  const zero = digits === 0;
  const text = `${sign === '-' && !zero ? '-' : ''}${i || '0'}${f ? `.${f}` : ''}`;
  return { ok: true, value: { text, intDigits: i.length, scale: f.length } };
}

/** A decimal string such as "12.50" or "-0.3": digits, an optional point with digits after
 *  it, an optional sign; no exponent, no spaces, no thousands separators. */
export function readDecimalText(s: string): DecimalRead {
  const m = TEXT.exec(s);
  if (m) return exact(m[1]!, m[2]!, m[3] ?? '');
  if (EXPONENT.test(s)) return { ok: false, reason: `a decimal is written without an exponent, got ${show(s)}` };
  return { ok: false, reason: `expected a decimal number or a decimal string such as "12.50", got ${show(s)}` };
}

/** A JSON number as the decimal the user wrote. JSON.parse has already made it a double, so
 *  only its shortest printed form is known: exact for up to 15 significant digits, and
 *  refused beyond (a string keeps every digit). Exponent forms of the print (1e+21, 5e-7)
 *  are expanded: the number's value, not its spelling, is what a JSON number carries. */
export function readDecimalNumber(n: number): DecimalRead {
  if (!Number.isFinite(n)) return { ok: false, reason: `expected a decimal number, got ${String(n)}` };
  const printed = String(Math.abs(n));
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(printed);
  if (!m) return { ok: false, reason: `expected a decimal number, got ${printed}` };
  let digits = m[1]! + (m[2] ?? '');
  let point = m[1]!.length + Number(m[3] ?? 0);
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '').length;
  if (significant > JSON_NUMBER_DIGITS)
    return { ok: false, reason: `a JSON number keeps only ${JSON_NUMBER_DIGITS} significant digits exactly: send ${printed} as a decimal string` };
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  return exact(n < 0 ? '-' : '', digits.slice(0, point), digits.slice(point));
}

/** A filter value for a decimal field: a JSON number or a decimal string. */
export function readDecimal(v: unknown): DecimalRead {
  if (typeof v === 'number') return readDecimalNumber(v);
  if (typeof v === 'string') return readDecimalText(v);
  return { ok: false, reason: `expected a decimal number or a decimal string such as "12.50", got ${show(v)}` };
}

/** Digits before and after the point of a declared DECIMAL(p,s). */
export function decimalShape(t: SqlType): { readonly intDigits: number; readonly scale: number } | undefined {
  const m = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  return m ? { intDigits: Number(m[1]) - Number(m[2]), scale: Number(m[2]) } : undefined;
}

/** The narrowest DECIMAL holding every one of `values` exactly. */
export function decimalTypeFor(values: readonly ExactDecimal[]): DecimalType {
  const int = Math.max(0, ...values.map((v) => v.intDigits));
  const scale = Math.max(0, ...values.map((v) => v.scale));
  return `DECIMAL(${Math.max(1, int + scale)},${scale})`;
}

/** Whether values of type `t` compare exactly with a column of `column`'s type: DuckDB
 *  compares two DECIMALs in one type with the larger integer part and the larger scale,
 *  which must fit in 38 digits (beyond, it casts to a capped type and fails at run time). */
export function comparable(column: SqlType, values: readonly ExactDecimal[]): boolean {
  const c = decimalShape(column) ?? { intDigits: 0, scale: 0 };
  const int = Math.max(c.intDigits, ...values.map((v) => v.intDigits));
  const scale = Math.max(c.scale, ...values.map((v) => v.scale));
  return int + scale <= MAX_DECIMAL_DIGITS;
}

/** The exact decimal of a canonical text (as readDecimalText made it). */
export function exactDecimal(text: string): ExactDecimal {
  const r = readDecimalText(text);
  if (!r.ok) throw new Error(`not a decimal: ${text}`);
  return r.value;
}
