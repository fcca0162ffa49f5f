// The marketplace query endpoint's answers (POST /api/v1/marketplace/query) by brute force
// from the source's lines (market-fixture.ts: plain joins over the Parquet files): the
// counting rule (paid, shipped, delivered), the window from the question's text (windowOf),
// the filter as a predicate written by hand beside its JSON, buckets from Intl's zone data
// (query-calendar.ts), groups, measures in exact integers (money in BigInt cents), zero-fill,
// previous buckets, growth and order in plain loops. It shares no SQL, plan or code with the
// engine.
import { bucketOf, bucketsFromTo, periodText, stepBucket, wallOf } from './query-calendar.ts';
import type { Granularity } from './query-calendar.ts';
import { isoMicros, windowOf } from './query-reference.ts';
import type { Question as BlogQuestion } from './query-reference.ts';
import type { Json } from './filter-semantics.ts';
import type { LineRow } from './market-fixture.ts';

export type Question = Omit<BlogQuestion, 'filters'> & { filters?: Json };
export type ColumnType = 'integer' | 'decimal' | 'text' | 'boolean' | 'date' | 'datetime' | 'number';

export interface Answer {
  columns: { name: string; type: ColumnType }[];
  data: Record<string, Json>[];
  count: number;
  limit: number;
  offset: number;
  range: string | null;
  window: { start: string | null; end: string };
}

export const MEASURES: Record<string, ColumnType> = {
  revenue: 'decimal', orders: 'integer', items_sold: 'integer', customers: 'integer', products: 'integer', average_order_value: 'decimal',
};
export const DIMENSIONS: Record<string, ColumnType> = {
  product__category__name: 'text', product__category__parent__name: 'text', order__customer__city: 'text', order__status: 'text',
  product__is_active: 'boolean', product: 'integer', order__customer: 'integer', product__name: 'text', product__rating: 'decimal',
  product__category: 'integer', order__customer__name: 'text', product__category__parent: 'integer',
};

/** SPEC-marketplace section 2. */
export const COUNTED = new Set(['paid', 'shipped', 'delivered']);

/** Exact decimal text -> hundredths. */
export const cents = (text: string): bigint => {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const v = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0').slice(0, 2));
  return m[1] ? -v : v;
};
export const money = (c: bigint): string => {
  const neg = c < 0n;
  const a = (neg ? -c : c).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${a.slice(0, -2)}.${a.slice(-2)}`;
};

interface Cell { revenue: bigint; items: number; orders: Set<unknown>; customers: Set<unknown>; products: Set<unknown> }
/** A measure's exact value as num / den, and as the answer writes it. */
interface Value { json: Json; num: bigint; den: bigint }

function roundHalfAway(n: bigint, d: bigint): bigint {
  const a = n < 0n ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return n < 0n ? -q : q;
}

function measure(name: string, c: Cell | undefined): Value | null {
  const whole = (n: number): Value => ({ json: n, num: BigInt(n), den: 1n });
  switch (name) {
    case 'revenue': {
      const r = c?.revenue ?? 0n;
      return { json: money(r), num: r, den: 100n };
    }
    case 'orders': return whole(c?.orders.size ?? 0);
    case 'items_sold': return whole(c?.items ?? 0);
    case 'customers': return whole(c?.customers.size ?? 0);
    case 'products': return whole(c?.products.size ?? 0);
    case 'average_order_value': {
      const n = c?.orders.size ?? 0;
      if (n === 0) return null;
      const h = roundHalfAway(c!.revenue, BigInt(n));
      return { json: money(h), num: h, den: 100n };
    }
  }
  throw new Error(`reference: unknown measure ${name}`);
}

function growth(cur: Value | null, prev: Value | null): number | null {
  if (cur === null || prev === null || prev.num === 0n) return null;
  const h = roundHalfAway((cur.num * prev.den - prev.num * cur.den) * 10000n, cur.den * prev.num);
  if (h === 0n) return 0;
  const a = h < 0n ? -h : h;
  return Number(`${h < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`);
}

type Key = number | bigint | Buffer | boolean | null;
function compareKeys(a: Key, b: Key): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (Buffer.isBuffer(a)) return Buffer.compare(a, b as Buffer);
  return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
}

const keyOf = (type: ColumnType, v: Json): Key => (v === null ? null : type === 'text' ? Buffer.from(v as string) : type === 'decimal' ? cents(v as string) : (v as number | boolean));

/** The answer; `where` is the question's filter as a predicate on a line (true: no filter). */
export function marketReference(q: Question, lines: readonly LineRow[], where: (l: LineRow) => boolean = () => true): Answer {
  const dims = q.dimensions ?? [];
  const tz = q.tz ?? 'UTC';
  const g = q.time?.granularity as Granularity | undefined;
  const w = windowOf(q as BlogQuestion);
  const cells = new Map<string, Map<number, Cell>>();
  const groups = new Map<string, Json[]>();
  let first = Infinity;
  let last = -Infinity;
  for (const l of lines) {
    const at = l['_at'] as number;
    if (!COUNTED.has(l['order__status'] as string) || at >= w.end || (w.start !== null && at < w.start) || !where(l)) continue;
    const values = dims.map((d) => (l[d] ?? null) as Json);
    const key = JSON.stringify(values);
    if (!groups.has(key)) groups.set(key, values);
    const b = g === undefined ? 0 : bucketOf(wallOf(Math.floor(at / 1000), tz), g);
    first = Math.min(first, b);
    last = Math.max(last, b);
    let byBucket = cells.get(key);
    if (!byBucket) cells.set(key, (byBucket = new Map()));
    let c = byBucket.get(b);
    if (!c) byBucket.set(b, (c = { revenue: 0n, items: 0, orders: new Set(), customers: new Set(), products: new Set() }));
    c.revenue += cents(l['unit_price'] as string) * BigInt(l['quantity'] as number);
    c.items += l['quantity'] as number;
    c.orders.add(l['order']);
    c.customers.add(l['order__customer']);
    c.products.add(l['product']);
  }
  if (g === undefined && dims.length === 0 && groups.size === 0) groups.set('[]', []);

  const out: { json: Record<string, Json>; keys: Record<string, Key> }[] = [];
  const emit = (key: string, b: number) => {
    const values = groups.get(key)!;
    const json: Record<string, Json> = {};
    const keys: Record<string, Key> = {};
    if (g !== undefined) {
      json['period'] = periodText(b, g);
      keys['period'] = b;
    }
    dims.forEach((d, i) => {
      json[d] = values[i]!;
      keys[d] = keyOf(DIMENSIONS[d]!, values[i]!);
    });
    for (const m of q.measures) {
      const v = measure(m, cells.get(key)?.get(b));
      json[m] = v === null ? null : v.json;
      keys[m] = v === null ? null : MEASURES[m] === 'decimal' ? v.num : Number(v.num);
      if (q.time?.compare === 'previous') {
        const prev = b === first ? null : measure(m, cells.get(key)?.get(stepBucket(b, g!, -1)));
        json[`${m}_previous`] = prev === null ? null : prev.json;
        json[`${m}_growth`] = growth(v, prev);
      }
    }
    out.push({ json, keys });
  };
  if (g === undefined) for (const key of groups.keys()) emit(key, 0);
  else if (groups.size > 0) {
    if (q.time?.fill && bucketsFromTo(first, last, g) * groups.size > 200_000) throw new Error('reference: the question is too big to fill');
    for (const key of groups.keys()) {
      if (q.time?.fill) for (let b = first; b <= last; b = stepBucket(b, g, 1)) emit(key, b);
      else for (const b of cells.get(key)!.keys()) emit(key, b);
    }
  }

  const terms = q.order?.length ? q.order.map((t) => ({ by: t.by, dir: t.dir ?? 'asc' })) : [g === undefined ? { by: q.measures[0]!, dir: 'desc' } : { by: 'period', dir: 'asc' }];
  const seen = new Set<string>();
  const all = [...terms, ...dims.map((by) => ({ by, dir: 'asc' })), ...(g === undefined ? [] : [{ by: 'period', dir: 'asc' }])].filter((t) => !seen.has(t.by) && seen.add(t.by));
  out.sort((a, b) => {
    for (const t of all) {
      const x = a.keys[t.by] ?? null;
      const y = b.keys[t.by] ?? null;
      const c = compareKeys(x, y);
      if (c !== 0) return x === null || y === null || t.dir === 'asc' ? c : -c;
    }
    return 0;
  });

  const columns: Answer['columns'] = [];
  if (g !== undefined) columns.push({ name: 'period', type: g === 'hour' ? 'datetime' : 'date' });
  for (const d of dims) columns.push({ name: d, type: DIMENSIONS[d]! });
  for (const m of q.measures) {
    columns.push({ name: m, type: MEASURES[m]! });
    if (q.time?.compare === 'previous') columns.push({ name: `${m}_previous`, type: MEASURES[m]! }, { name: `${m}_growth`, type: 'number' });
  }
  const limit = q.limit ?? 1000;
  const offset = q.offset ?? 0;
  return {
    columns,
    data: out.slice(offset, offset + limit).map((r) => Object.fromEntries(columns.map((c) => [c.name, r.json[c.name]!]))),
    count: out.length,
    limit,
    offset,
    range: w.range,
    window: { start: w.start === null ? null : isoMicros(w.start), end: isoMicros(w.end) },
  };
}
