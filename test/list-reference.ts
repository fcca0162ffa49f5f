// A brute-force TypeScript reference for list plans over the toy shop's rows (list-toy.ts):
// follow relations by scanning arrays, filter leaf by leaf, sort with an explicit
// comparator, slice. It shares no code with the compiler.
import type { Catalog } from '../engine/catalog.ts';
import type { FilterNode } from '../engine/filter/parse.ts';
import type { ListPlan, OrderTerm } from '../engine/query/nodes.ts';
import type { Rec, ToyRows } from './list-toy.ts';

type Val = string | number | null;

/** Output columns holding decimals (compared as two-decimal text). */
const DECIMALS = new Set(['amount', 'unit_price', 'line_total']);
const lastSegment = (path: string): string => path.split('__').at(-1)!;

/** A path's value on a row of `table`: decimals in cents, times as ISO text. */
export function valueOf(catalog: Catalog, rows: ToyRows, table: string, row: Rec, path: string): Val {
  const [seg, ...rest] = path.split('__');
  const t = catalog.tables.find((x) => x.name === table)!;
  if (rest.length === 0) {
    if (t.columns.some((c) => c.name === seg)) return row[seg!] ?? null;
    // The toy's computed columns, written out by hand.
    if (table === 'customer' && seg === 'display') return row['name'] ?? '(anonymous)';
    if (table === 'item' && seg === 'line_total') return (row['quantity'] as number) * (row['unit_price'] as number);
  }
  const rel = t.relations.find((r) => r.name === seg);
  if (!rel || rel.kind === 'one-to-many') throw new Error(`reference: no path ${path} on ${table}`);
  const fk = row[rel.column] ?? null;
  if (rest.length === 0 || fk === null) return fk;
  const target = rows[rel.target as keyof ToyRows].find((r) => r['id'] === fk);
  return target ? valueOf(catalog, rows, rel.target, target, rest.join('__')) : null;
}

/** DuckDB's order of non-null values: numbers by value, text by code point (its binary
 *  collation; JavaScript's `<` compares UTF-16 units, which differs above U+FFFF). */
function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
}

function sortRows(catalog: Catalog, rows: ToyRows, table: string, list: Rec[], order: readonly OrderTerm[]): Rec[] {
  const keyed = list.map((r) => ({ r, vals: order.map((t) => valueOf(catalog, rows, table, r, t.by)) }));
  keyed.sort((x, y) => {
    for (const [i, t] of order.entries()) {
      const a = x.vals[i]!;
      const b = y.vals[i]!;
      if (a === null && b === null) continue;
      if (a === null) return 1; // nulls last, both directions
      if (b === null) return -1;
      const c = compare(a, b);
      if (c !== 0) return t.dir === 'asc' ? c : -c;
    }
    return (x.r['id'] as number) - (y.r['id'] as number);
  });
  return keyed.map((k) => k.r);
}

const out = (path: string, v: Val): Val => (v !== null && DECIMALS.has(lastSegment(path)) ? ((v as number) / 100).toFixed(2) : v);

const LEAF: Readonly<Record<string, (v: string | number, arg: unknown) => boolean>> = {
  eq: (v, a) => v === a,
  gte: (v, a) => compare(v, a as string | number) >= 0,
  lt: (v, a) => compare(v, a as string | number) < 0,
  icontains: (v, a) => String(v).toLowerCase().includes(String(a).toLowerCase()),
  istartswith: (v, a) => String(v).toLowerCase().startsWith(String(a).toLowerCase()),
  in: (v, a) => (a as unknown[]).includes(v),
};
const NEGATED: Readonly<Record<string, string>> = { ne: 'eq', not_in: 'in', not_contains: 'icontains' };

function holds(catalog: Catalog, rows: ToyRows, table: string, row: Rec, node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => holds(catalog, rows, table, row, c));
    case 'or':
      return node.children.some((c) => holds(catalog, rows, table, row, c));
    case 'not':
      return !holds(catalog, rows, table, row, node.child);
    case 'leaf': {
      const v = valueOf(catalog, rows, table, row, node.field);
      if (node.operator === 'isnull') return (v === null) === node.value;
      const positive = NEGATED[node.operator] ?? node.operator;
      const fn = LEAF[positive];
      if (!fn) throw new Error(`reference: no operator ${node.operator}`);
      const yes = v !== null && fn(v, node.value);
      return positive === node.operator ? yes : !yes;
    }
  }
}

export interface RefAnswer {
  readonly total: number;
  readonly rows: Record<string, unknown>[];
}

/** The answer a list plan must give over `rows`. */
export function referenceList(catalog: Catalog, rows: ToyRows, plan: ListPlan): RefAnswer {
  const table = plan.table;
  const passing = rows[table as keyof ToyRows].filter((r) => !plan.filter || holds(catalog, rows, table, r, plan.filter));
  const page = sortRows(catalog, rows, table, passing, plan.order).slice(plan.offset, plan.offset + plan.limit);
  const t = catalog.tables.find((x) => x.name === table)!;
  return {
    total: passing.length,
    rows: page.map((r) => {
      const o: Record<string, unknown> = {};
      for (const p of plan.columns) o[p] = out(p, valueOf(catalog, rows, table, r, p));
      for (const child of plan.children) {
        const rel = t.relations.find((x) => x.name === child.relation)!;
        const kids = rows[rel.target as keyof ToyRows].filter((k) => k[rel.column] === r['id']);
        o[child.name] = sortRows(catalog, rows, rel.target, kids, child.order).map((k) => {
          const c: Record<string, unknown> = {};
          for (const p of child.columns) c[p] = out(p, valueOf(catalog, rows, rel.target, k, p));
          return c;
        });
      }
      return o;
    }),
  };
}

/** An answer's values in the reference's terms: decimals as two-decimal text (db.ts gives a
 *  double today, exact text once DECIMALs come back exactly), times as ISO text. */
export function comparable(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const value = (path: string, v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return comparable(v as Record<string, unknown>[]);
    if (v !== null && DECIMALS.has(lastSegment(path))) return Number(v).toFixed(2);
    return v;
  };
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, value(k, v)])));
}
