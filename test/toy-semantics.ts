// The filter language's semantics over the toy dataset's rows, by brute force and written
// independently of the engine: a path is resolved by walking the rows (following the
// declared relations), giving every value the root row reaches (none or one through
// many-to-one steps, any number through one-to-many ones); a positive operator holds when
// one non-null value satisfies it, its negation is NOT of that, `not` is exact negation.
// Computed columns are written out here by hand; decimals are compared as exact integers.
import { RE2JS } from 're2js';
import type { TableDef } from '../engine/catalog.ts';
import { tableDef } from '../engine/catalog.ts';
import { toyCatalog } from './toy-dataset.ts';
import type { ToyData, ToyRow, ToyValue } from './toy-dataset.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Kind = 'integer' | 'text' | 'timestamp' | 'date' | 'boolean' | 'decimal' | 'uuid';

const keyOf = (t: TableDef) => t.key ?? 'id';

/** Exact decimal text (or a JSON number as written) -> [integer of units, scale]. */
function units(v: Json | ToyValue): [bigint, number] {
  const s = typeof v === 'number' ? String(v) : String(v);
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`evaluator: not a decimal: ${s}`);
  const frac = m[3] ?? '';
  const n = BigInt(m[2]! + frac);
  return [m[1] === '-' ? -n : n, frac.length];
}
function decimalCompare(a: Json | ToyValue, b: Json | ToyValue): number {
  const [x, sx] = units(a);
  const [y, sy] = units(b);
  const s = Math.max(sx, sy);
  const xx = x * 10n ** BigInt(s - sx);
  const yy = y * 10n ** BigInt(s - sy);
  return xx < yy ? -1 : xx > yy ? 1 : 0;
}
function multiply(q: number, price: string): string {
  const [n, s] = units(price);
  const p = n * BigInt(q);
  const neg = p < 0n;
  const digits = (neg ? -p : p).toString().padStart(s + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
}

const COMPUTED: Record<string, Record<string, { kind: Kind; of: (r: ToyRow) => ToyValue }>> = {
  customer: { display: { kind: 'text', of: (r) => `${r['name']} / ${r['city'] ?? '?'}` } },
  order_item: { amount: { kind: 'decimal', of: (r) => multiply(r['quantity'] as number, r['unit_price'] as string) } },
};

const KIND: Record<string, Kind> = { BIGINT: 'integer', INTEGER: 'integer', VARCHAR: 'text', TIMESTAMP: 'timestamp', DATE: 'date', BOOLEAN: 'boolean', UUID: 'uuid' };
const kindOf = (sqlType: string): Kind => KIND[sqlType] ?? (sqlType.startsWith('DECIMAL') ? 'decimal' : (() => { throw new Error(sqlType); })());

export class ToyWorld {
  constructor(readonly data: ToyData) {}

  private rows(table: string): ToyRow[] {
    return this.data[table as keyof ToyData];
  }

  /** The values a path reaches from a row of `table`, and their kind. */
  resolve(table: string, row: ToyRow, path: string): { kind: Kind; values: ToyValue[] } {
    let t = tableDef(toyCatalog, table);
    let rows = [row];
    const segs = path.split('__');
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const last = i === segs.length - 1;
      const rel = t.relations.find((r) => r.name === seg);
      if (rel) {
        const target = tableDef(toyCatalog, rel.target);
        if (rel.kind === 'one-to-many') {
          const keys = new Set(rows.map((r) => r[keyOf(t)]));
          rows = this.rows(target.name).filter((x) => x[rel.column] !== null && keys.has(x[rel.column]!));
        } else {
          if (last) {
            const fk = t.columns.find((c) => c.name === rel.column)!;
            return { kind: kindOf(fk.sqlType), values: rows.map((r) => r[rel.column] ?? null) };
          }
          rows = rows.flatMap((r) => this.rows(target.name).filter((x) => r[rel.column] !== null && x[keyOf(target)] === r[rel.column]));
        }
        t = target;
        if (last) return { kind: kindOf(t.columns.find((c) => c.name === keyOf(t))!.sqlType), values: rows.map((r) => r[keyOf(t)]!) };
        continue;
      }
      if (!last) throw new Error(`evaluator: ${seg} is not a relation of ${t.name}`);
      const computed = COMPUTED[t.name]?.[seg];
      if (computed) return { kind: computed.kind, values: rows.map(computed.of) };
      const c = t.columns.find((x) => x.name === seg);
      if (!c) throw new Error(`evaluator: no column ${seg} on ${t.name}`);
      return { kind: kindOf(c.sqlType), values: rows.map((r) => r[seg] ?? null) };
    }
    throw new Error('unreachable');
  }

  holds(n: { [k: string]: Json }, table: string, row: ToyRow): boolean {
    if ('conditions' in n) {
      const cs = (n['conditions'] as { [k: string]: Json }[]).map((c) => this.holds(c, table, row));
      if (n['operator'] === 'and') return cs.every(Boolean);
      if (n['operator'] === 'or') return cs.some(Boolean);
      return !cs.some(Boolean);
    }
    if ('and' in n) return (n['and'] as { [k: string]: Json }[]).every((c) => this.holds(c, table, row));
    if ('or' in n) return (n['or'] as { [k: string]: Json }[]).some((c) => this.holds(c, table, row));
    if ('not' in n) return !this.holds(n['not'] as { [k: string]: Json }, table, row);
    const { kind, values } = this.resolve(table, row, n['field'] as string);
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
        return some((v) => RE2JS.compile(val as string).matcher(v as string).find());
      case 'isnull':
        return val === true ? present.length === 0 : present.length > 0;
    }
    throw new Error(`evaluator: unknown operator ${op}`);
  }
}

const ms = (s: string) => Date.parse(s.includes(' ') ? s.replace(' ', 'T') + 'Z' : /T.*([+-]\d\d:\d\d|Z)$/.test(s) || !s.includes('T') ? s : s + 'Z');

export function compare(kind: Kind, a: string | number | boolean, b: Json): number {
  switch (kind) {
    case 'integer':
      return (a as number) - (b as number);
    case 'timestamp':
      return ms(a as string) - ms(b as string);
    case 'decimal':
      return decimalCompare(a as string, b);
    case 'boolean':
      return a === b ? 0 : 1;
    case 'uuid':
      return (a as string) === String(b).toLowerCase() ? 0 : 1;
    case 'date':
    case 'text':
      return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
  }
}
