// ClickHouse's JSON answers -> the rows db.ts gives for DuckDB, value for value, so that
// everything above the database is the same on both: 64-bit integers as numbers where exact
// (else their text), decimals as their exact text with the column's scale, dates as
// `YYYY-MM-DD`, instants as Dates, lists and named tuples as arrays and objects. The query
// settings (settings.ts) make ClickHouse quote 64-bit integers and decimals, and keep a
// decimal's trailing zeros, so no value passes through a double on the way. Pure.
import type { QueryResult, Row } from '../db.ts';

/** A ClickHouse type, parsed: its name and its arguments (nested types, or a tuple's named
 *  elements). */
export interface ChType {
  readonly name: string;
  readonly args: readonly ChType[];
  /** A named tuple's element names, in order. */
  readonly names?: readonly string[];
}

/** Splits a type's argument text at its top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '`' || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((s) => s !== '');
}

/** A named tuple element `name Type`, its name possibly quoted with backquotes. */
function element(text: string): { name: string | undefined; type: string } {
  const quoted = /^`((?:[^`\\]|\\.)*)`\s+(.+)$/s.exec(text);
  if (quoted) return { name: quoted[1]!.replace(/\\(.)/g, '$1'), type: quoted[2]! };
  const plain = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/s.exec(text);
  // `Decimal(18, 2)` has no space before its parenthesis: a bare type.
  if (plain && !/^[A-Za-z0-9_]+\(/.test(text)) return { name: plain[1]!, type: plain[2]! };
  return { name: undefined, type: text };
}

export function parseType(text: string): ChType {
  const t = text.trim();
  const open = t.indexOf('(');
  if (open < 0 || !t.endsWith(')')) return { name: t, args: [] };
  const name = t.slice(0, open);
  const inner = splitArgs(t.slice(open + 1, -1));
  if (name === 'Tuple') {
    const els = inner.map(element);
    const named = els.every((e) => e.name !== undefined);
    return { name, args: els.map((e) => parseType(e.type)), ...(named ? { names: els.map((e) => e.name!) } : {}) };
  }
  if (name === 'Nullable' || name === 'Array' || name === 'LowCardinality' || name === 'Map' || name === 'Variant') return { name, args: inner.map(parseType) };
  // Decimal(38, 2), DateTime64(6, 'UTC'), FixedString(3): arguments that are no types.
  return { name, args: inner.map((a) => ({ name: a, args: [] })) };
}

const SAFE = (v: bigint) => v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);

/** `YYYY-MM-DD hh:mm:ss[.ffffff]` in UTC -> a Date (milliseconds, as DuckDB's node-api gives). */
function instant(text: string): Date {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a ClickHouse instant: ${text}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  return d;
}

/** One value of type `t` from ClickHouse's JSON, as db.ts would give it. */
export function convert(v: unknown, t: ChType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.name) {
    case 'Nullable':
    case 'LowCardinality':
      return convert(v, t.args[0]!);
    case 'Array':
      return (v as unknown[]).map((x) => convert(x, t.args[0]!));
    case 'Tuple': {
      const names = t.names;
      if (names) {
        const o = v as Record<string, unknown>;
        return Object.fromEntries(names.map((n, i) => [n, convert(o[n], t.args[i]!)]));
      }
      return (v as unknown[]).map((x, i) => convert(x, t.args[i]!));
    }
    case 'Int64':
    case 'UInt64':
    case 'Int128':
    case 'UInt128':
    case 'Int256':
    case 'UInt256': {
      const b = BigInt(v as string | number);
      return SAFE(b) ? Number(b) : b.toString();
    }
    case 'Decimal':
    case 'Decimal32':
    case 'Decimal64':
    case 'Decimal128':
    case 'Decimal256':
      return String(v);
    case 'DateTime64':
    case 'DateTime':
      return instant(String(v));
    case 'Variant': {
      // ClickHouse's common type of integers of both signs (a COALESCE of a count, UInt64,
      // and an Int64): its value as the integer it holds.
      const ints = t.args.every((a) => /^U?Int\d+$/.test(a.name));
      if (ints && (typeof v === 'string' || typeof v === 'number')) return convert(v, { name: 'Int128', args: [] });
      return v;
    }
    case 'Float32':
    case 'Float64':
      // Written as text where not finite (`nan`, `inf`).
      return typeof v === 'number' ? v : Number(v);
    default:
      // Int8..Int32, UInt8..UInt32, Bool, String, UUID, Date, Date32, Enum: as JSON has them.
      return v;
  }
}

/** ClickHouse's `JSONCompact` answer (its `meta` and `data`) -> rows. */
export function rowsOf(answer: { meta: readonly { name: string; type: string }[]; data: readonly (readonly unknown[])[] }): QueryResult {
  const types = answer.meta.map((m) => parseType(m.type));
  const rows = answer.data.map((values) => {
    const o: Row = {};
    answer.meta.forEach((m, i) => (o[m.name] = convert(values[i], types[i]!)));
    return o;
  });
  return { columns: answer.meta.map((m) => ({ name: m.name, type: m.type })), rows };
}
