// DuckDB values as JSON values, exactly (the mapping is in the README, "Ad-hoc SQL"):
// numbers where a JSON reader gets the same value back, strings where it would not.
import { DuckDBTypeId, fromVariantValue } from '@duckdb/node-api';
import type {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBGeometryValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBType,
  DuckDBUnionValue,
  DuckDBValue,
} from '@duckdb/node-api';
import { assertNever } from '../errors.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A JSON number up to 2^53 - 1 in magnitude (every reader holds it exactly), else the
 *  decimal digits as a string. */
export function integer(v: bigint): number | string {
  return v >= -SAFE && v <= SAFE ? Number(v) : v.toString();
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** A FLOAT as the shortest decimal that reads back as the same 32-bit float (what DuckDB
 *  prints), not the longer digits of the double holding it. */
function float32(x: number): number | string {
  if (!Number.isFinite(x)) return nonFinite(x);
  for (let p = 1; p < 9; p++) {
    const short = Number(x.toPrecision(p));
    if (Math.fround(short) === x) return short;
  }
  return x;
}

/** A DECIMAL with at most 15 significant digits is a JSON number (a double keeps 15 digits);
 *  wider, the exact digits as a string. */
function decimal(text: string): number | string {
  const digits = text.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length <= 15 ? Number(text) : text;
}

const DATE_INFINITY = 2 ** 31 - 1;

/** DuckDB's text for a date; node-api prints the infinities as far-off dates. */
function dateText(v: DuckDBDateValue): string {
  if (v.days === DATE_INFINITY) return 'infinity';
  if (v.days === -DATE_INFINITY) return '-infinity';
  return v.toString();
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function toJson(value: DuckDBValue, type: DuckDBType): JsonValue {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value as boolean;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
      return value as number;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return integer(value as bigint);
    case DuckDBTypeId.FLOAT:
      return float32(value as number);
    case DuckDBTypeId.DOUBLE:
      return Number.isFinite(value) ? (value as number) : nonFinite(value as number);
    case DuckDBTypeId.DECIMAL:
      return decimal((value as DuckDBDecimalValue).toString());
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      return value as string;
    case DuckDBTypeId.BLOB:
      return base64((value as DuckDBBlobValue).bytes);
    case DuckDBTypeId.GEOMETRY:
      return base64((value as DuckDBGeometryValue).bytes);
    case DuckDBTypeId.DATE:
      return dateText(value as DuckDBDateValue);
    // DuckDB's own text: exact, and read back by a cast (timestamps with zone are in UTC).
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return String(value);
    case DuckDBTypeId.INTERVAL: {
      const v = value as DuckDBIntervalValue;
      return { months: v.months, days: v.days, micros: integer(v.micros) };
    }
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return (value as DuckDBListValue).items.map((item) => toJson(item, type.valueType));
    case DuckDBTypeId.STRUCT: {
      const entries = (value as DuckDBStructValue).entries;
      const o: { [key: string]: JsonValue } = {};
      type.entryNames.forEach((name, i) => (o[name] = toJson(entries[name] ?? null, type.entryTypes[i]!)));
      return o;
    }
    case DuckDBTypeId.MAP:
      // Keys may be of any type and are not strings: entries, in order.
      return (value as DuckDBMapValue).entries.map((e) => ({ key: toJson(e.key, type.keyType), value: toJson(e.value, type.valueType) }));
    case DuckDBTypeId.UNION: {
      const v = value as DuckDBUnionValue;
      return { tag: v.tag, value: toJson(v.value, type.memberTypeForTag(v.tag)) };
    }
    case DuckDBTypeId.VARIANT:
      return fromVariantValue<JsonValue>(value, type, (v, t) => toJson(v, t));
    case DuckDBTypeId.SQLNULL:
      return null;
    // Types of parameters and literals, not of result columns.
    case DuckDBTypeId.ANY:
    case DuckDBTypeId.STRING_LITERAL:
    case DuckDBTypeId.INTEGER_LITERAL:
      return String(value);
    default:
      return assertNever(type);
  }
}

/** A CSV cell: text as it is, other scalars as their JSON text, nested values as JSON;
 *  null for SQL NULL (an empty, unquoted cell). */
export function csvCell(v: JsonValue): string | null {
  if (v === null || typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
