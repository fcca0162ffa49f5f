// Brute-force references of the marketplace's list endpoints (products, customers, one
// customer, orders), over the source rows: the flat lines of market-fixture.ts and the
// products, customers and orders read by plain SQL from the source Parquet files (never the
// snapshot). Money in BigInt cents, instants from epoch microseconds, ranks by counting.
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import type { LineRow, MarketFixture } from './market-fixture.ts';
import { COUNTED, cents, money } from './market-reference.ts';

export interface Source {
  products: { id: number; name: string; category_id: number; category: string; price: string; rating: string | null; is_active: boolean }[];
  customers: { id: number; name: string; city: string | null }[];
  orders: { id: number; customer_id: number; customer_name: string; status: string; at: number }[];
  items: { id: number; order_id: number; product_id: number; product_name: string; quantity: number; unit_price: string }[];
}

export async function readSource(fx: MarketFixture): Promise<Source> {
  const db = await Database.open(':memory:');
  const f = (t: string) => `read_parquet('${join(fx.source, `${t}.parquet`)}')`;
  try {
    const q = async (sql: string) => (await db.query(sql)).rows as never;
    return {
      products: await q(`SELECT p.id, p.name, p.category_id, k.name AS category, p.price::VARCHAR AS price, p.rating::VARCHAR AS rating, p.is_active FROM ${f('product')} p JOIN ${f('category')} k ON k.id = p.category_id`),
      customers: await q(`SELECT id, name, city FROM ${f('customer')}`),
      orders: (await q(`SELECT o.id, o.customer_id, c.name AS customer_name, o.status, epoch_us(o.created_at) AS at FROM ${f('order')} o JOIN ${f('customer')} c ON c.id = o.customer_id`) as { at: unknown }[]).map((o) => ({ ...o, at: Number(o.at) })) as never,
      items: await q(`SELECT i.id, i.order_id, i.product_id, p.name AS product_name, i.quantity, i.unit_price::VARCHAR AS unit_price FROM ${f('order_item')} i JOIN ${f('product')} p ON p.id = i.product_id`),
    };
  } finally {
    db.close();
  }
}

/** A window in epoch microseconds, half-open; start null: no lower bound. */
export interface Win {
  start: number | null;
  end: number;
}
export const winOf = (start: string | null, end: string): Win => ({ start: start === null ? null : Date.parse(start) * 1000, end: Date.parse(end) * 1000 });
const inWin = (w: Win, at: number) => (w.start === null || at >= w.start) && at < w.end;

/** An instant as the API writes it: milliseconds, or microseconds where it has them. */
export function iso(us: number | null): string | null {
  if (us === null) return null;
  const ms = Math.floor(us / 1000);
  const text = new Date(ms).toISOString();
  return us % 1000 === 0 ? text : `${text.slice(0, 19)}.${String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0')}Z`;
}

/** Byte order of UTF-8 text, as DuckDB sorts VARCHARs. */
export const byText = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

interface Figures {
  quantity: number;
  revenue: bigint;
  orders: Set<number>;
  first: number | null;
  last: number | null;
}

/** The counted lines' figures in a window, per value of `key`. */
export function figuresBy(lines: readonly LineRow[], w: Win, key: string): Map<number, Figures> {
  const out = new Map<number, Figures>();
  for (const l of lines) {
    if (!COUNTED.has(l['order__status'] as string) || !inWin(w, l['_at'] as number)) continue;
    const k = l[key] as number;
    let f = out.get(k);
    if (!f) out.set(k, (f = { quantity: 0, revenue: 0n, orders: new Set(), first: null, last: null }));
    const at = l['_at'] as number;
    f.quantity += l['quantity'] as number;
    f.revenue += BigInt(l['quantity'] as number) * cents(l['unit_price'] as string);
    f.orders.add(l['order'] as number);
    f.first = f.first === null || at < f.first ? at : f.first;
    f.last = f.last === null || at > f.last ? at : f.last;
  }
  return out;
}

const halfUp = (c: bigint, n: number): string | null => (n === 0 ? null : money((2n * c + BigInt(n)) / (2n * BigInt(n))));

export type ProductOrder = 'revenue' | 'quantity' | 'price' | 'rating' | 'name';

export function productsReference(src: Source, lines: readonly LineRow[], w: Win, keep: (p: Source['products'][number]) => boolean, orderBy: ProductOrder): Record<string, unknown>[] {
  const figs = figuresBy(lines, w, 'product');
  const rows = src.products.filter(keep).map((p) => {
    const f = figs.get(p.id);
    return { p, f, row: { id: p.id, name: p.name, category: p.category, price: p.price, rating: p.rating, is_active: p.is_active, quantity_sold: f?.quantity ?? 0, revenue: money(f?.revenue ?? 0n), orders: f?.orders.size ?? 0, last_sold_at: iso(f?.last ?? null) } };
  });
  const nullsLast = (a: bigint | null, b: bigint | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : cmpBig(b, a));
  const cmp = {
    revenue: (a: (typeof rows)[number], b: (typeof rows)[number]) => cmpBig(b.f?.revenue ?? 0n, a.f?.revenue ?? 0n),
    quantity: (a: (typeof rows)[number], b: (typeof rows)[number]) => (b.f?.quantity ?? 0) - (a.f?.quantity ?? 0),
    price: (a: (typeof rows)[number], b: (typeof rows)[number]) => cmpBig(cents(b.p.price), cents(a.p.price)),
    rating: (a: (typeof rows)[number], b: (typeof rows)[number]) => nullsLast(a.p.rating === null ? null : cents(a.p.rating), b.p.rating === null ? null : cents(b.p.rating)),
    name: (a: (typeof rows)[number], b: (typeof rows)[number]) => byText(a.p.name, b.p.name),
  }[orderBy];
  return rows.sort((a, b) => cmp(a, b) || a.p.id - b.p.id).map((r) => r.row);
}

/** Exact decimal text -> units of 10^-6 (thresholds may have more decimals than money). */
export const micros = (text: string): bigint => {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text)!;
  const v = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0').slice(0, 6));
  return m[1] ? -v : v;
};

/** Customers with a counted order in the window, passing `keep` and spending more than
 *  `minSpent` (at most six decimals), ranked by spend. */
export function customersReference(src: Source, lines: readonly LineRow[], w: Win, keep: (c: Source['customers'][number]) => boolean, minSpent?: string): Record<string, unknown>[] {
  const figs = figuresBy(lines, w, 'order__customer');
  const listed = src.customers
    .filter(keep)
    .map((c) => ({ c, f: figs.get(c.id) }))
    .filter((x): x is { c: Source['customers'][number]; f: Figures } => x.f !== undefined && x.f.orders.size > 0)
    .filter((x) => minSpent === undefined || x.f.revenue * 10_000n > micros(minSpent));
  const revenues = listed.map((x) => x.f.revenue);
  return listed
    .sort((a, b) => cmpBig(b.f.revenue, a.f.revenue) || a.c.id - b.c.id)
    .map(({ c, f }) => ({
      id: c.id,
      name: c.name,
      city: c.city,
      ...customerFigures(f),
      rank: 1 + revenues.filter((r) => r > f.revenue).length,
      dense_rank: 1 + new Set(revenues.filter((r) => r > f.revenue)).size,
    }));
}

export function customerFigures(f: Figures | undefined): Record<string, unknown> {
  return {
    orders: f?.orders.size ?? 0,
    revenue: money(f?.revenue ?? 0n),
    average_order_value: f ? halfUp(f.revenue, f.orders.size) : null,
    first_order_at: iso(f?.first ?? null),
    last_order_at: iso(f?.last ?? null),
  };
}

/** One customer: the row among all customers with a counted order (rank null without
 *  one), lifetime figures up to the window's end, top five categories in the window. */
export function customerReference(src: Source, lines: readonly LineRow[], w: Win, id: number): Record<string, unknown> {
  const c = src.customers.find((x) => x.id === id)!;
  const ranked = customersReference(src, lines, w, () => true).find((r) => r['id'] === id);
  const life = figuresBy(lines, { start: null, end: w.end }, 'order__customer').get(id);
  const mine = lines.filter((l) => l['order__customer'] === id);
  const cats = figuresBy(mine, w, 'product__category');
  const names = new Map(mine.map((l) => [l['product__category'] as number, l['product__category__name'] as string]));
  const top = [...cats].sort(([ka, a], [kb, b]) => cmpBig(b.revenue, a.revenue) || ka - kb).slice(0, 5).map(([k, f]) => ({ name: names.get(k), revenue: money(f.revenue) }));
  return {
    ...(ranked ?? { id, name: c.name, city: c.city, ...customerFigures(undefined), rank: null, dense_rank: null }),
    lifetime: customerFigures(life),
    top_categories: top,
  };
}

export function ordersReference(src: Source, w: Win, keep: (o: Source['orders'][number], items: Source['items']) => boolean, status?: string, minItems?: number): Record<string, unknown>[] {
  const byOrder = new Map<number, Source['items']>();
  for (const i of src.items) byOrder.set(i.order_id, [...(byOrder.get(i.order_id) ?? []), i]);
  return src.orders
    .filter((o) => inWin(w, o.at) && (status === undefined || o.status === status) && keep(o, byOrder.get(o.id) ?? []))
    .map((o) => {
      const items = [...(byOrder.get(o.id) ?? [])].sort((a, b) => a.id - b.id);
      const count = items.reduce((s, i) => s + i.quantity, 0);
      const total = items.reduce((s, i) => s + BigInt(i.quantity) * cents(i.unit_price), 0n);
      return {
        o,
        count,
        row: {
          id: o.id,
          created_at: iso(o.at),
          status: o.status,
          customer: { id: o.customer_id, name: o.customer_name },
          items: items.map((i) => ({ product_id: i.product_id, product_name: i.product_name, quantity: i.quantity, unit_price: i.unit_price, line_total: money(BigInt(i.quantity) * cents(i.unit_price)) })),
          item_count: count,
          total: money(total),
        },
      };
    })
    .filter((x) => minItems === undefined || x.count > minItems)
    .sort((a, b) => b.o.at - a.o.at || a.o.id - b.o.id)
    .map((x) => x.row);
}
