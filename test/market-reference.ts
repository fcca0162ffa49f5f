// The marketplace query endpoint's answers (POST /api/v1/marketplace/query) by brute force
// from the source's lines (market-fixture.ts: plain joins over the Parquet files): the
// counting rule (paid, shipped, delivered), the window from the question's text (windowOf),
// the filter as a predicate written by hand beside its JSON, buckets from Intl's zone data
// (query-calendar.ts), groups, measures in exact integers (money in BigInt cents); zero-fill,
// previous buckets, growth and order are reference-aggregate.ts's, shared with the blog's
// reference. It shares no SQL, plan or code with the engine.
import { windowOf } from './query-reference.ts';
import { aggregateReference, roundHalfAway, whole } from './reference-aggregate.ts';
import type { AggregateAnswer, Key, Value } from './reference-aggregate.ts';
import type { Question as BlogQuestion } from './query-reference.ts';
import type { Json } from './filter-semantics.ts';
import type { LineRow } from './market-fixture.ts';

export type Question = Omit<BlogQuestion, 'filters'> & { filters?: Json };
export type ColumnType = 'integer' | 'decimal' | 'text' | 'boolean' | 'date' | 'datetime' | 'number';

export type Answer = AggregateAnswer<ColumnType>;

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

function measure(name: string, c: Cell | undefined): Value | null {
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

const keyOf = (type: ColumnType, v: Json): Key => (v === null ? null : type === 'text' ? Buffer.from(v as string) : type === 'decimal' ? cents(v as string) : (v as number | boolean));

/** The answer; `where` is the question's filter as a predicate on a line (true: no filter). */
export function marketReference(q: Question, lines: readonly LineRow[], where: (l: LineRow) => boolean = () => true): Answer {
  return aggregateReference(q, windowOf(q as BlogQuestion), lines, {
    counts: (l) => COUNTED.has(l['order__status'] as string) && where(l),
    dimension: (l, d) => (l[d] ?? null) as Json,
    dimensionJson: (_d, v) => v,
    dimensionKey: (d, v) => keyOf(DIMENSIONS[d]!, v),
    emptyCell: () => ({ revenue: 0n, items: 0, orders: new Set(), customers: new Set(), products: new Set() }),
    add: (c, l) => {
      c.revenue += cents(l['unit_price'] as string) * BigInt(l['quantity'] as number);
      c.items += l['quantity'] as number;
      c.orders.add(l['order']);
      c.customers.add(l['order__customer']);
      c.products.add(l['product']);
    },
    measure,
    measureKey: (m, v) => (MEASURES[m] === 'decimal' ? v.num : Number(v.num)),
    measureTypes: MEASURES,
    dimensionTypes: DIMENSIONS,
  }, 200_000);
}
