// The filter language's semantics (spec section 3) over any catalog's source rows, by brute
// force and written independently of the engine: a path is resolved by walking the rows
// (following the declared relations), giving every value the root row reaches (none or one
// through many-to-one steps, any number through one-to-many ones); a positive operator holds
// when one non-null value satisfies it, its negation is NOT of that, `not` is exact
// negation. Computed columns are written out by the caller; decimals are compared as exact
// integers, instants in exact microseconds, text by its UTF-8 bytes.
import { RE2JS } from 're2js';
import type { Catalog, TableDef } from '../engine/catalog.ts';
import { tableDef } from '../engine/catalog.ts';
import { micros } from './filter-semantics.ts';
import type { Json } from './filter-semantics.ts';

export type { Json } from './filter-semantics.ts';
export type Kind = 'integer' | 'text' | 'timestamp' | 'date' | 'boolean' | 'decimal' | 'uuid';
export type Value = string | number | boolean | null;
/** One source row by column name: decimals as exact text, timestamps as
 *  `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC), dates as `YYYY-MM-DD`. */
export type Row = Readonly<Record<string, Value>>;
export type Tables = Readonly<Record<string, readonly Row[]>>;
/** Computed columns by table and name, written out by hand. */
export type Computed = Readonly<Record<string, Readonly<Record<string, { kind: Kind; of: (r: Row) => Value }>>>>;

const keyOf = (t: TableDef) => t.key ?? 'id';

const patterns = new Map<string, RE2JS>();
function re2(pattern: string): RE2JS {
  let p = patterns.get(pattern);
  if (!p) patterns.set(pattern, (p = RE2JS.compile(pattern)));
  return p;
}

/** Exact decimal text (or a JSON number as written) -> [integer of units, scale]. */
export function units(v: Json | Value): [bigint, number] {
  const s = String(v);
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`evaluator: not a decimal: ${s}`);
  const frac = m[3] ?? '';
  const n = BigInt(m[2]! + frac);
  return [m[1] === '-' ? -n : n, frac.length];
}

function decimalCompare(a: Json | Value, b: Json | Value): number {
  const [x, sx] = units(a);
  const [y, sy] = units(b);
  const s = Math.max(sx, sy);
  const xx = x * 10n ** BigInt(s - sx);
  const yy = y * 10n ** BigInt(s - sy);
  return xx < yy ? -1 : xx > yy ? 1 : 0;
}

export function compare(kind: Kind, a: string | number | boolean, b: Json): number {
  switch (kind) {
    case 'integer':
      return (a as number) - (b as number);
    case 'timestamp':
      return micros(a as string) - micros(b as string);
    case 'decimal':
      return decimalCompare(a as string, b);
    case 'boolean':
      return a === b ? 0 : 1;
    case 'uuid':
      return (a as string) === String(b).toLowerCase() ? 0 : 1;
    case 'date':
    case 'text':
      return a === b ? 0 : Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
  }
}

const KIND: Record<string, Kind> = { BIGINT: 'integer', INTEGER: 'integer', VARCHAR: 'text', TIMESTAMP: 'timestamp', DATE: 'date', BOOLEAN: 'boolean', UUID: 'uuid' };
export const kindOf = (sqlType: string): Kind => KIND[sqlType] ?? (sqlType.startsWith('DECIMAL') ? 'decimal' : (() => { throw new Error(sqlType); })());

export class CatalogWorld {
  /** Rows by key, and rows by the value of a column (the many side of a relation). */
  private readonly byKey = new Map<string, Map<Value, Row>>();
  private readonly byColumn = new Map<string, Map<Value, Row[]>>();
  /** What a path reaches from each row, per table and path. */
  private readonly reached = new Map<string, Map<Row, readonly Value[]>>();
  /** A leaf's truth per list of values reached (rows sharing what they reach share it). */
  private readonly decided = new WeakMap<object, Map<readonly Value[], boolean>>();

  constructor(
    readonly catalog: Catalog,
    readonly data: Tables,
    private readonly computed: Computed = {},
  ) {}

  private rows(table: string): readonly Row[] {
    const rows = this.data[table];
    if (!rows) throw new Error(`evaluator: no rows of ${table}`);
    return rows;
  }

  private keyed(t: TableDef): Map<Value, Row> {
    let m = this.byKey.get(t.name);
    if (!m) this.byKey.set(t.name, (m = new Map(this.rows(t.name).map((r) => [r[keyOf(t)] ?? null, r]))));
    return m;
  }

  private grouped(table: string, column: string): Map<Value, Row[]> {
    const k = `${table}.${column}`;
    let m = this.byColumn.get(k);
    if (!m) {
      this.byColumn.set(k, (m = new Map()));
      for (const r of this.rows(table)) {
        const v = r[column] ?? null;
        if (v !== null) m.set(v, [...(m.get(v) ?? []), r]);
      }
    }
    return m;
  }

  /** The kind of a path's values from `table` (from the catalog alone). */
  kindOf(table: string, path: string): Kind {
    const [seg, ...rest] = path.split('__') as [string, ...string[]];
    const t = tableDef(this.catalog, table);
    const rel = t.relations.find((r) => r.name === seg);
    if (rel) {
      const target = tableDef(this.catalog, rel.target);
      if (rest.length) return this.kindOf(target.name, rest.join('__'));
      const col = rel.kind === 'one-to-many' ? target.columns.find((c) => c.name === keyOf(target)) : t.columns.find((c) => c.name === rel.column);
      return kindOf(col!.sqlType);
    }
    if (rest.length) throw new Error(`evaluator: ${seg} is not a relation of ${t.name}`);
    const computed = this.computed[t.name]?.[seg];
    if (computed) return computed.kind;
    const c = t.columns.find((x) => x.name === seg);
    if (!c) throw new Error(`evaluator: no column ${seg} on ${t.name}`);
    return kindOf(c.sqlType);
  }

  /** The values a path reaches from a row of `table` (a many-to-one step: the row it points
   *  at, if any; a one-to-many step: every row pointing here), and their kind. Remembered
   *  per row and path: the lines of one order share what the order reaches. */
  resolve(table: string, row: Row, path: string): { kind: Kind; values: readonly Value[] } {
    return { kind: this.kindOf(table, path), values: this.reach(table, row, path) };
  }

  private reach(table: string, row: Row, path: string): readonly Value[] {
    const k = `${table}.${path}`;
    let byRow = this.reached.get(k);
    if (!byRow) this.reached.set(k, (byRow = new Map()));
    let v = byRow.get(row);
    if (!v) byRow.set(row, (v = this.walk(table, row, path)));
    return v;
  }

  private walk(table: string, row: Row, path: string): readonly Value[] {
    const cut = path.indexOf('__');
    const seg = cut < 0 ? path : path.slice(0, cut);
    const rest = cut < 0 ? '' : path.slice(cut + 2);
    const t = tableDef(this.catalog, table);
    const rel = t.relations.find((r) => r.name === seg);
    if (!rel) {
      if (rest) throw new Error(`evaluator: ${seg} is not a relation of ${t.name}`);
      const computed = this.computed[t.name]?.[seg];
      if (!computed && !t.columns.some((c) => c.name === seg)) throw new Error(`evaluator: no column ${seg} on ${t.name}`);
      return [computed ? computed.of(row) : (row[seg] ?? null)];
    }
    const target = tableDef(this.catalog, rel.target);
    let related: readonly Row[];
    if (rel.kind === 'one-to-many') related = this.grouped(target.name, rel.column).get(row[keyOf(t)] ?? null) ?? [];
    else {
      if (!rest) return [row[rel.column] ?? null];
      const p = row[rel.column] === null ? undefined : this.keyed(target).get(row[rel.column] ?? null);
      related = p ? [p] : [];
    }
    if (!rest) return related.map((r) => r[keyOf(target)] ?? null);
    if (related.length === 1) return this.reach(target.name, related[0]!, rest);
    return related.flatMap((r) => this.reach(target.name, r, rest));
  }

  holds(n: { [k: string]: Json }, table: string, row: Row): boolean {
    if ('conditions' in n) {
      const cs = (n['conditions'] as { [k: string]: Json }[]).map((c) => this.holds(c, table, row));
      if (n['operator'] === 'and') return cs.every(Boolean);
      if (n['operator'] === 'or') return cs.some(Boolean);
      return !cs.some(Boolean);
    }
    if ('and' in n) return (n['and'] as { [k: string]: Json }[]).every((c) => this.holds(c, table, row));
    if ('or' in n) return (n['or'] as { [k: string]: Json }[]).some((c) => this.holds(c, table, row));
    if ('not' in n) return !this.holds(n['not'] as { [k: string]: Json }, table, row);
    const field = n['field'] as string;
    const values = this.reach(table, row, field);
    let memo = this.decided.get(n);
    if (!memo) this.decided.set(n, (memo = new Map()));
    let known = memo.get(values);
    if (known === undefined) memo.set(values, (known = this.leaf(n, this.kindOf(table, field), values)));
    return known;
  }

  /** A leaf on the values a row reaches. */
  private leaf(n: { [k: string]: Json }, kind: Kind, values: readonly Value[]): boolean {
    const present = values.filter((v): v is string | number | boolean => v !== null);
    const op = (n['operator'] ?? n['op']) as string;
    const val = n['value'] as Json;
    const some = (p: (v: string | number | boolean) => boolean) => present.some(p);
    const cmp = (a: string | number | boolean, b: Json) => compare(kind, a, b);
    const lo = (s: unknown) => String(s).toLowerCase();
    switch (op) {
      case 'eq':
      case 'exact':
        return some((v) => cmp(v, val) === 0);
      case 'ne':
        return !some((v) => cmp(v, val) === 0);
      case 'gt':
        return some((v) => cmp(v, val) > 0);
      case 'gte':
        return some((v) => cmp(v, val) >= 0);
      case 'lt':
        return some((v) => cmp(v, val) < 0);
      case 'lte':
        return some((v) => cmp(v, val) <= 0);
      case 'in':
        return some((v) => (val as Json[]).some((x) => cmp(v, x) === 0));
      case 'not_in':
        return !some((v) => (val as Json[]).some((x) => cmp(v, x) === 0));
      case 'between':
        return some((v) => cmp(v, (val as Json[])[0]!) >= 0 && cmp(v, (val as Json[])[1]!) <= 0);
      case 'contains':
      case 'icontains':
        return some((v) => lo(v).includes(lo(val)));
      case 'not_contains':
        return !some((v) => lo(v).includes(lo(val)));
      case 'startswith':
      case 'istartswith':
        return some((v) => lo(v).startsWith(lo(val)));
      case 'endswith':
      case 'iendswith':
        return some((v) => lo(v).endsWith(lo(val)));
      case 'iexact':
        return some((v) => lo(v) === lo(val));
      case 'regex':
        return some((v) => re2(val as string).matcher(v as string).find());
      case 'isnull':
        return val === true ? present.length === 0 : present.length > 0;
    }
    throw new Error(`evaluator: unknown operator ${op}`);
  }

  /** The keys of the rows of `table` a filter selects. */
  selected(n: Json, table: string): Set<Value> {
    const key = keyOf(tableDef(this.catalog, table));
    return new Set(this.rows(table).filter((r) => this.holds(n as { [k: string]: Json }, table, r)).map((r) => r[key] ?? null));
  }
}
