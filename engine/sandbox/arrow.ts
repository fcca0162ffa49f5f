// DuckDB columns as Arrow data, exactly (the mapping is in the README, "Ad-hoc SQL"). The
// Arrow type follows from the DuckDB type alone, so every batch of a result shares one
// schema, including a result without rows.
import {
  Binary, Bool, DateDay, Decimal, Field, FixedSizeList, Float32, Float64, Int8, Int16, Int32, Int64, List, Map_, Null,
  SparseUnion, Struct, TimeMicrosecond, TimeNanosecond, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond,
  TimestampSecond, Uint8, Uint16, Uint32, Uint64, Utf8, makeData,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { DuckDBTypeId } from '@duckdb/node-api';
import type {
  DuckDBBlobValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBGeometryValue, DuckDBIntervalValue, DuckDBListValue,
  DuckDBMapValue, DuckDBStructValue, DuckDBTimeNSValue, DuckDBTimeValue, DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue, DuckDBTimestampTZValue, DuckDBTimestampValue, DuckDBType,
  DuckDBUnionValue, DuckDBValue,
} from '@duckdb/node-api';
import { assertNever } from '../errors.ts';
import { toJson } from './values.ts';

type V = DuckDBValue;
type Typed = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type TypedCtor<T extends Typed> = { new (n: number): T };

const encoder = new TextEncoder();

function validity(values: readonly V[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => (v === null ? nullCount++ : (nullBitmap[i >> 3]! |= 1 << (i & 7))));
  return { nullBitmap, nullCount };
}

// makeData's overloads are keyed by type; the builders below pair each type with its buffers.
const make = makeData as unknown as (props: { type: DataType } & Record<string, unknown>) => Data;

function fixed<T extends Typed>(type: DataType, Ctor: TypedCtor<T>, values: readonly V[], get: (v: NonNullable<V>) => number | bigint): Data {
  const data = new Ctor(values.length);
  values.forEach((v, i) => {
    if (v !== null) (data as unknown as (number | bigint)[])[i] = get(v);
  });
  return make({ type, length: values.length, ...validity(values), data });
}

function bytes(type: Utf8 | Binary, values: readonly V[], get: (v: NonNullable<V>) => Uint8Array): Data {
  const parts = values.map((v) => (v === null ? undefined : get(v)));
  const valueOffsets = new Int32Array(values.length + 1);
  parts.forEach((p, i) => (valueOffsets[i + 1] = valueOffsets[i]! + (p?.byteLength ?? 0)));
  const data = new Uint8Array(valueOffsets[values.length]!);
  parts.forEach((p, i) => p && data.set(p, valueOffsets[i]!));
  return make({ type, length: values.length, ...validity(values), valueOffsets, data });
}

const text = (values: readonly V[], get: (v: NonNullable<V>) => string): Data => bytes(new Utf8(), values, (v) => encoder.encode(get(v)));

/** 128-bit two's complement, little-endian 32-bit words (Arrow's decimal layout). */
function decimal(type: Decimal, values: readonly V[], get: (v: NonNullable<V>) => bigint): Data {
  const data = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    if (v === null) return;
    let x = BigInt.asUintN(128, get(v));
    for (let w = 0; w < 4; w++, x >>= 32n) data[i * 4 + w] = Number(x & 0xffffffffn);
  });
  return make({ type, length: values.length, ...validity(values), data });
}

function struct(fields: readonly { name: string; type: DuckDBType }[], values: readonly V[], entry: (v: NonNullable<V>, name: string, i: number) => V): Data {
  const children = fields.map((f, i) => column(f.type, values.map((v) => (v === null ? null : entry(v, f.name, i)))));
  const type = new Struct(fields.map((f, i) => new Field(f.name, children[i]!.type, true)));
  return make({ type, length: values.length, ...validity(values), children });
}

/** Offsets and the flattened items of list-like values. */
function flatten(values: readonly V[], items: (v: NonNullable<V>) => readonly V[]): { valueOffsets: Int32Array; flat: V[] } {
  const valueOffsets = new Int32Array(values.length + 1);
  const flat: V[] = [];
  values.forEach((v, i) => {
    if (v !== null) flat.push(...items(v));
    valueOffsets[i + 1] = flat.length;
  });
  return { valueOffsets, flat };
}

/** One column of a batch: `values` are of DuckDB type `type` (none: the type alone). */
export function column(type: DuckDBType, values: readonly V[]): Data {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: {
      const data = new Uint8Array(Math.ceil(values.length / 8));
      values.forEach((v, i) => v === true && (data[i >> 3]! |= 1 << (i & 7)));
      return make({ type: new Bool(), length: values.length, ...validity(values), data });
    }
    case DuckDBTypeId.TINYINT: return fixed(new Int8(), Int8Array, values, (v) => v as number);
    case DuckDBTypeId.SMALLINT: return fixed(new Int16(), Int16Array, values, (v) => v as number);
    case DuckDBTypeId.INTEGER: return fixed(new Int32(), Int32Array, values, (v) => v as number);
    case DuckDBTypeId.BIGINT: return fixed(new Int64(), BigInt64Array, values, (v) => v as bigint);
    case DuckDBTypeId.UTINYINT: return fixed(new Uint8(), Uint8Array, values, (v) => v as number);
    case DuckDBTypeId.USMALLINT: return fixed(new Uint16(), Uint16Array, values, (v) => v as number);
    case DuckDBTypeId.UINTEGER: return fixed(new Uint32(), Uint32Array, values, (v) => v as number);
    case DuckDBTypeId.UBIGINT: return fixed(new Uint64(), BigUint64Array, values, (v) => v as bigint);
    // As DuckDB's own Arrow export does: every HUGEINT fits the 128 bits of a DECIMAL(38, 0).
    case DuckDBTypeId.HUGEINT: return decimal(new Decimal(0, 38, 128), values, (v) => v as bigint);
    // Beyond a signed 128-bit decimal: exact decimal digits.
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM: return text(values, (v) => String(v));
    case DuckDBTypeId.FLOAT: return fixed(new Float32(), Float32Array, values, (v) => v as number);
    case DuckDBTypeId.DOUBLE: return fixed(new Float64(), Float64Array, values, (v) => v as number);
    case DuckDBTypeId.DECIMAL: return decimal(new Decimal(type.scale, type.width, 128), values, (v) => (v as DuckDBDecimalValue).value);
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM: return text(values, (v) => v as string);
    case DuckDBTypeId.BLOB: return bytes(new Binary(), values, (v) => (v as DuckDBBlobValue).bytes);
    case DuckDBTypeId.GEOMETRY: return bytes(new Binary(), values, (v) => (v as DuckDBGeometryValue).bytes);
    // No Arrow counterpart that keeps them exactly: DuckDB's text.
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.TIME_TZ: return text(values, (v) => String(v));
    case DuckDBTypeId.VARIANT: return text(values, (v) => JSON.stringify(toJson(v, type)));
    case DuckDBTypeId.DATE: return fixed(new DateDay(), Int32Array, values, (v) => (v as DuckDBDateValue).days);
    case DuckDBTypeId.TIME: return fixed(new TimeMicrosecond(), BigInt64Array, values, (v) => (v as DuckDBTimeValue).micros);
    case DuckDBTypeId.TIME_NS: return fixed(new TimeNanosecond(), BigInt64Array, values, (v) => (v as DuckDBTimeNSValue).nanos);
    case DuckDBTypeId.TIMESTAMP: return fixed(new TimestampMicrosecond(), BigInt64Array, values, (v) => (v as DuckDBTimestampValue).micros);
    case DuckDBTypeId.TIMESTAMP_S: return fixed(new TimestampSecond(), BigInt64Array, values, (v) => (v as DuckDBTimestampSecondsValue).seconds);
    case DuckDBTypeId.TIMESTAMP_MS: return fixed(new TimestampMillisecond(), BigInt64Array, values, (v) => (v as DuckDBTimestampMillisecondsValue).millis);
    case DuckDBTypeId.TIMESTAMP_NS: return fixed(new TimestampNanosecond(), BigInt64Array, values, (v) => (v as DuckDBTimestampNanosecondsValue).nanos);
    case DuckDBTypeId.TIMESTAMP_TZ: return fixed(new TimestampMicrosecond('UTC'), BigInt64Array, values, (v) => (v as DuckDBTimestampTZValue).micros);
    // Arrow's month-day-nanosecond interval overflows past 292 years of microseconds.
    case DuckDBTypeId.INTERVAL: {
      const iv = (v: NonNullable<V>) => v as DuckDBIntervalValue;
      const children = [
        fixed(new Int32(), Int32Array, values, (v) => iv(v).months),
        fixed(new Int32(), Int32Array, values, (v) => iv(v).days),
        fixed(new Int64(), BigInt64Array, values, (v) => iv(v).micros),
      ];
      const st = new Struct(['months', 'days', 'micros'].map((n, i) => new Field(n, children[i]!.type, true)));
      return make({ type: st, length: values.length, ...validity(values), children });
    }
    case DuckDBTypeId.LIST: {
      const { valueOffsets, flat } = flatten(values, (v) => (v as DuckDBListValue).items);
      const child = column(type.valueType, flat);
      return make({ type: new List(new Field('item', child.type, true)), length: values.length, ...validity(values), valueOffsets, child });
    }
    case DuckDBTypeId.ARRAY: {
      const flat = values.flatMap((v) => (v === null ? Array<V>(type.length).fill(null) : (v as DuckDBListValue).items));
      const child = column(type.valueType, flat);
      return make({ type: new FixedSizeList(type.length, new Field('item', child.type, true)), length: values.length, ...validity(values), child });
    }
    case DuckDBTypeId.STRUCT:
      return struct(type.entryNames.map((name, i) => ({ name, type: type.entryTypes[i]! })), values, (v, name) => (v as DuckDBStructValue).entries[name] ?? null);
    case DuckDBTypeId.MAP: {
      const { valueOffsets, flat } = flatten(values, (v) => (v as DuckDBMapValue).entries.map((e) => e as unknown as V));
      const entries = struct([{ name: 'key', type: type.keyType }, { name: 'value', type: type.valueType }], flat, (e, name) => (e as unknown as Record<string, V>)[name] ?? null);
      const fields = (entries.type as Struct).children;
      const entryType = new Struct([new Field('key', fields[0]!.type, false), new Field('value', fields[1]!.type, true)]);
      const child = make({ type: entryType, length: flat.length, nullCount: 0, children: entries.children });
      return make({ type: new Map_(new Field('entries', entryType, false), false), length: values.length, ...validity(values), valueOffsets, child });
    }
    case DuckDBTypeId.UNION: {
      // Sparse: each member has a slot in every row; a NULL union reads as NULL in member 0.
      const typeIds = new Int8Array(values.map((v) => (v === null ? 0 : type.memberIndexForTag((v as DuckDBUnionValue).tag))));
      const children = type.memberTypes.map((t, m) => column(t, values.map((v, i) => (v !== null && typeIds[i] === m ? (v as DuckDBUnionValue).value : null))));
      const ut = new SparseUnion(type.memberTypes.map((_, m) => m), type.memberTags.map((tag, m) => new Field(tag, children[m]!.type, true)));
      return make({ type: ut, length: values.length, nullCount: 0, typeIds, children });
    }
    case DuckDBTypeId.SQLNULL: return make({ type: new Null(), length: values.length, nullCount: values.length });
    case DuckDBTypeId.ANY:
    case DuckDBTypeId.STRING_LITERAL:
    case DuckDBTypeId.INTEGER_LITERAL: return text(values, (v) => String(v));
    default: return assertNever(type);
  }
}

/** The bytes a column's buffers hold (what an IPC stream carries, before padding). */
export function dataBytes(d: Data): number {
  const own = [d.values, d.valueOffsets, d.nullBitmap, d.typeIds] as (ArrayBufferView | undefined)[];
  return own.reduce((n, b) => n + (b?.byteLength ?? 0), 0) + d.children.reduce((n, c) => n + dataBytes(c), 0);
}
