// Brute-force answers of the marketplace's fixed endpoints rooted at the order line
// (top-products, revenue, categories, also-bought) and of cohorts, over the source's lines
// (market-fixture.ts: plain joins over the Parquet files, never the snapshot): money in
// BigInt cents, buckets from Intl's zone data (query-calendar.ts), ranks and ratios counted
// in plain loops. `where` / `keep` is the request's filter as a predicate written by the
// caller (by hand, or a brute-force evaluator's selection).
import { bucketOf, bucketsFromTo, DAY, periodText, stepBucket, wallOf } from './query-calendar.ts';
import type { Granularity } from './query-calendar.ts';
import { windowOf } from './query-reference.ts';
import type { Question } from './query-reference.ts';
import type { LineRow } from './market-fixture.ts';
import { COUNTED, cents, money } from './market-reference.ts';
import { countedLines, lineCents, percent2 } from './market-endpoints.ts';
import type { WindowMembers } from './market-endpoints.ts';

type Row = Record<string, string | number | null>;
type Where = (l: LineRow) => boolean;

export function topProductsReference(lines: readonly LineRow[], w: WindowMembers, by: 'revenue' | 'quantity', limit: number, where?: Where): Row[] {
  const per = new Map<number, { id: number; name: string; category: string; cents: bigint; quantity: number; orders: Set<unknown> }>();
  for (const l of countedLines(lines, w, where)) {
    const id = l['product'] as number;
    let p = per.get(id);
    if (!p) per.set(id, (p = { id, name: l['product__name'] as string, category: l['product__category__name'] as string, cents: 0n, quantity: 0, orders: new Set() }));
    p.cents += lineCents(l);
    p.quantity += l['quantity'] as number;
    p.orders.add(l['order']);
  }
  const value = (p: { cents: bigint; quantity: number }) => (by === 'revenue' ? p.cents : BigInt(p.quantity));
  const all = [...per.values()];
  all.sort((a, b) => (value(a) === value(b) ? a.id - b.id : value(a) > value(b) ? -1 : 1));
  const distinct = [...new Set(all.map(value))];
  return all.slice(0, limit).map((p) => ({
    id: p.id,
    name: p.name,
    category: p.category,
    revenue: money(p.cents),
    quantity: p.quantity,
    orders: p.orders.size,
    rank: 1 + all.filter((x) => value(x) > value(p)).length,
    dense_rank: 1 + distinct.filter((v) => v > value(p)).length,
  }));
}

export type Compare = 'day' | 'week' | 'month' | 'year';

/** ISO 8601 week label of a Monday bucket: the year of its Thursday, and the week number. */
function isoWeekLabel(b: number): string {
  const thursday = new Date(b + 3 * DAY);
  const y = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(y, 0, 1)) / (7 * DAY)) + 1;
  return `${y}-W${String(week).padStart(2, '0')}`;
}

function labelOf(b: number, g: Compare): string {
  const iso = new Date(b).toISOString();
  return g === 'day' ? iso.slice(0, 10) : g === 'week' ? isoWeekLabel(b) : g === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
}

export function revenueReference(lines: readonly LineRow[], w: WindowMembers, compare: Compare, where?: Where): Row[] {
  const tz = w.tz ?? 'UTC';
  const cells = new Map<number, { cents: bigint; orders: Set<unknown>; items: number }>();
  for (const l of countedLines(lines, w, where)) {
    const b = bucketOf(wallOf(Math.floor((l['_at'] as number) / 1000), tz), compare as Granularity);
    let c = cells.get(b);
    if (!c) cells.set(b, (c = { cents: 0n, orders: new Set(), items: 0 }));
    c.cents += lineCents(l);
    c.orders.add(l['order']);
    c.items += l['quantity'] as number;
  }
  if (cells.size === 0) return [];
  const first = Math.min(...cells.keys());
  const last = Math.max(...cells.keys());
  const rows: Row[] = [];
  let running = 0n;
  let previous: bigint | null = null;
  for (let b = first; b <= last; b = stepBucket(b, compare as Granularity, 1)) {
    const c = cells.get(b);
    const cents = c?.cents ?? 0n;
    running += cents;
    rows.push({
      period: periodText(b, compare as Granularity),
      label: labelOf(b, compare),
      revenue: money(cents),
      orders: c?.orders.size ?? 0,
      items_sold: c?.items ?? 0,
      cumulative_revenue: money(running),
      growth: previous === null || previous === 0n ? null : percent2(cents - previous, previous),
    });
    previous = cents;
  }
  return rows;
}

/** A category and its ancestors, nearest first; `parentOf`: every category's parent (null
 *  for a top one), from the source. */
export function categoryChain(parentOf: ReadonlyMap<number, number | null>, id: number): number[] {
  const out: number[] = [];
  for (let at: number | null | undefined = id; at !== null && at !== undefined; at = parentOf.get(at)) out.push(at);
  return out;
}

export function categoriesReference(lines: readonly LineRow[], parentOf: ReadonlyMap<number, number | null>, w: WindowMembers, where?: Where): Row[] {
  const chain = (id: number) => categoryChain(parentOf, id);
  const per = new Map<number, { id: number; name: string; parent: number | null; cents: bigint; quantity: number }>();
  for (const l of countedLines(lines, w, where)) {
    const id = l['product__category'] as number;
    let c = per.get(id);
    if (!c) per.set(id, (c = { id, name: l['product__category__name'] as string, parent: (l['product__category__parent'] as number | null) ?? null, cents: 0n, quantity: 0 }));
    c.cents += lineCents(l);
    c.quantity += l['quantity'] as number;
  }
  const total = [...per.values()].reduce((s, c) => s + c.cents, 0n);
  const subtree = new Map<number, bigint>();
  for (const c of per.values()) for (const a of chain(c.id)) subtree.set(a, (subtree.get(a) ?? 0n) + c.cents);
  return [...per.values()]
    .sort((a, b) => (a.cents === b.cents ? a.id - b.id : a.cents > b.cents ? -1 : 1))
    .map((c) => ({
      id: c.id,
      name: c.name,
      parent_id: c.parent,
      revenue: money(c.cents),
      quantity: c.quantity,
      share: total === 0n ? null : percent2(c.cents, total),
      subtree_revenue: money(subtree.get(c.id)!),
    }));
}

/** The window members of the cohort and also-bought references (with the `as_of` asked). */
export interface Asked {
  as_of: string;
  range?: string;
  start?: string;
  end?: string;
  tz?: string;
}
const windowOfAsked = (a: Asked) => windowOf({ measures: [], ...a } as unknown as Question);
const inAsked = (w: ReturnType<typeof windowOfAsked>, l: LineRow) => {
  const at = l['_at'] as number;
  return COUNTED.has(l['order__status'] as string) && at < w.end && (w.start === null || at >= w.start);
};

export type CohortRow = { cohort: string; customers: number; retention: (number | null)[]; revenue: (string | null)[] };

/** a / n in percent, two decimals, half up, as the number that text is. */
function pct(a: number, n: number): number {
  const h = (2n * 10000n * BigInt(a) + BigInt(n)) / (2n * BigInt(n));
  return Number(`${h / 100n}.${String(h % 100n).padStart(2, '0')}`);
}

/** Cohorts; `keep` is the customer filter (on a customer id). */
export function cohortsReference(lines: readonly LineRow[], a: Asked & { compare?: 'month' | 'week'; periods?: number }, keep: (customer: number) => boolean = () => true): CohortRow[] {
  const g = a.compare ?? 'month';
  const tz = a.tz ?? 'UTC';
  const periods = a.periods ?? 12;
  const w = windowOfAsked(a);
  const bucket = (us: number) => bucketOf(wallOf(Math.floor(us / 1000), tz), g);
  // Per customer: revenue in cents per bucket.
  const per = new Map<number, Map<number, bigint>>();
  for (const l of lines) {
    const c = l['order__customer'] as number;
    if (!inAsked(w, l) || !keep(c)) continue;
    let spend = per.get(c);
    if (!spend) per.set(c, (spend = new Map()));
    const b = bucket(l['_at'] as number);
    spend.set(b, (spend.get(b) ?? 0n) + cents(l['unit_price'] as string) * BigInt(l['quantity'] as number));
  }
  const last = bucket(w.end - 1);
  const cohorts = new Map<number, { customers: number; active: number[]; revenue: bigint[] }>();
  for (const spend of per.values()) {
    const first = Math.min(...spend.keys());
    let c = cohorts.get(first);
    if (!c) cohorts.set(first, (c = { customers: 0, active: Array(periods).fill(0), revenue: Array(periods).fill(0n) }));
    c.customers++;
    for (const [b, amount] of spend) {
      const k = bucketsFromTo(first, b, g) - 1;
      if (k >= periods) continue;
      c.active[k]!++;
      c.revenue[k]! += amount;
    }
  }
  return [...cohorts.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([first, c]) => {
      const open = (k: number) => k < bucketsFromTo(first, last, g);
      return {
        cohort: g === 'month' ? new Date(first).toISOString().slice(0, 7) : isoWeekLabel(first),
        customers: c.customers,
        retention: c.active.map((n, k) => (open(k) ? pct(n, c.customers) : null)),
        revenue: c.revenue.map((r, k) => (open(k) ? money(r) : null)),
      };
    });
}

export type AlsoRow = { id: number; name: string; together: number; support: number; confidence: number; lift: number };

/** n / d (positive) rounded to 4 decimals half away from zero, as the number the text is. */
function round4(n: bigint, d: bigint): number {
  const q = (2n * 10000n * n + d) / (2n * d);
  return Number(`${q / 10000n}.${String(q % 10000n).padStart(4, '0')}`);
}

/** Products bought with product `x`. */
export function alsoBoughtReference(lines: readonly LineRow[], x: number, a: Asked & { basis?: 'customer' | 'order'; limit?: number; min_together?: number }, keep: Where = () => true): AlsoRow[] {
  const w = windowOfAsked(a);
  const baskets = new Map<unknown, Set<number>>();
  const names = new Map<number, string>();
  for (const l of lines) {
    if (!inAsked(w, l) || !keep(l)) continue;
    const key = (a.basis ?? 'customer') === 'customer' ? l['order__customer'] : l['order'];
    let b = baskets.get(key);
    if (!b) baskets.set(key, (b = new Set()));
    b.add(l['product'] as number);
    names.set(l['product'] as number, l['product__name'] as string);
  }
  const all = BigInt(baskets.size);
  const holding = [...baskets.values()].filter((b) => b.has(x));
  const withX = BigInt(holding.length);
  const together = new Map<number, number>();
  for (const b of holding) for (const y of b) if (y !== x) together.set(y, (together.get(y) ?? 0) + 1);
  const rows: AlsoRow[] = [];
  for (const [y, t] of together) {
    if (t < (a.min_together ?? 1)) continue;
    const withY = BigInt([...baskets.values()].filter((b) => b.has(y)).length);
    const n = BigInt(t);
    rows.push({ id: y, name: names.get(y)!, together: t, support: round4(n, all), confidence: round4(n, withX), lift: round4(n * all, withX * withY) });
  }
  rows.sort((p, q) => q.together - p.together || q.lift - p.lift || p.id - q.id);
  return rows.slice(0, a.limit ?? 10);
}
