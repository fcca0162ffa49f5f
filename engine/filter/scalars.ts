// A leaf's values checked against its field's type and made canonical, the form they are
// bound in: integers as safe integers, timestamps as UTC wall time, dates as given,
// decimals as exact canonical text, UUIDs in lowercase. Pure; parse.ts turns a refusal
// into a QueryError at the value's JSON pointer.
import { comparable, exactDecimal, readDecimal } from '../decimal.ts';
import { assertNever } from '../errors.ts';
import type { FieldDef } from '../fields.ts';
import { parseDate, parseTimestamp, parseUuid } from '../values.ts';

/** A value as bound: an integer, text, a timestamp as UTC wall time, a date
 *  (`YYYY-MM-DD`), a boolean, a decimal as its canonical text, a UUID in lowercase. */
export type Scalar = number | string | boolean;

export type Checked = { readonly ok: true; readonly value: Scalar } | { readonly ok: false; readonly reason: string };

const show = (v: unknown) => JSON.stringify(v)?.slice(0, 50);
const ok = (value: Scalar): Checked => ({ ok: true, value });
const no = (reason: string): Checked => ({ ok: false, reason });

const tooWide = (field: FieldDef) =>
  `decimal value has too many digits to compare exactly with ${field.path} (${field.sqlType}): at most 38 digits before and after the point together`;

/** One value for `field`; strings (text, decimal text) at most `maxChars` long. */
export function checkScalar(field: FieldDef, v: unknown, maxChars: number): Checked {
  const type = field.type;
  const long = typeof v === 'string' && v.length > maxChars ? no(`string longer than ${maxChars} characters`) : undefined;
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v) ? ok(v) : no(`expected an integer, got ${show(v)}`);
    case 'text':
      if (typeof v !== 'string') return no(`expected a string, got ${show(v)}`);
      return long ?? ok(v);
    case 'timestamp': {
      const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
      return t ? ok(t.utc) : no(`expected an ISO 8601 date or date-time, got ${show(v)}`);
    }
    case 'date': {
      const d = typeof v === 'string' ? parseDate(v) : undefined;
      return d !== undefined ? ok(d) : no(`expected an ISO 8601 date (YYYY-MM-DD), got ${show(v)}`);
    }
    case 'boolean':
      return typeof v === 'boolean' ? ok(v) : no(`expected true or false, got ${show(v)}`);
    case 'uuid': {
      const u = typeof v === 'string' ? parseUuid(v) : undefined;
      return u !== undefined ? ok(u) : no(`expected a UUID (8-4-4-4-12 hexadecimal digits), got ${show(v)}`);
    }
    case 'decimal': {
      if (long) return long;
      const d = readDecimal(v);
      if (!d.ok) return no(d.reason);
      return comparable(field.sqlType, [d.value]) ? ok(d.value.text) : no(tooWide(field));
    }
    default:
      return assertNever(type);
  }
}

/** The values of one leaf (checked one by one) are compared in one type: for a decimal
 *  field, together they must fit in a DECIMAL with the field's (a refusal's reason, if not). */
export function checkTogether(field: FieldDef, values: readonly Scalar[]): string | undefined {
  if (field.type !== 'decimal') return undefined;
  return comparable(field.sqlType, values.map((v) => exactDecimal(v as string))) ? undefined : tooWide(field);
}
