// The marketplace benchmark's questions (SPEC-marketplace section 4): each as the HTTP
// request a client sends, the cells of its answer that are checked, and the SQL a Django
// service function would have PostgreSQL run for the same answer (pg-sql.ts).
import { PG } from './pg-sql.ts';

type Body = Record<string, unknown>;
type Row = Record<string, unknown>;

export interface MarketVariant {
  readonly name: string;
  /** Below /api/v1/marketplace/ (`customers/17`). */
  readonly path: string;
  readonly method: 'GET' | 'POST';
  /** Request members (besides as_of, which the runner adds). */
  readonly members: Record<string, unknown>;
  /** The answer's checked cells, row by row, in the order of `pg`'s columns. */
  readonly cells: (body: Body) => unknown[][];
  /** PostgreSQL text over schema `s` with $1 = the answer's window start ('-infinity' for
   *  none) and $2 = its end. */
  readonly pg: (s: string) => string;
}

/** The ids the variants ask about, picked from the data set (pick-ids.ts). */
export interface MarketIds {
  /** The customer with the most spend. */
  readonly customer: number;
  /** The product in the most counted orders. */
  readonly product: number;
  /** Products in the data set: the middle page's offset is half of it. */
  readonly products: number;
}

const rows = (b: Body): Row[] => (Array.isArray(b['data']) ? (b['data'] as Row[]) : [b['data'] as Row]);
const pick = (...keys: string[]) => (b: Body) => rows(b).map((r) => keys.map((k) => r[k]));
/** Two decimals as text, whether the answer wrote the number or a string. */
const fixed2 = (v: unknown) => (v === null || v === undefined ? 'null' : Number(v).toFixed(2));
const money = (v: unknown) => (v === null || v === undefined ? 'null' : String(v));

const SUMMARY = ['revenue', 'orders', 'items_sold', 'customers', 'products', 'average_order_value'];
const SERIES = ['label', 'revenue', 'orders', 'items_sold', 'cumulative_revenue', 'growth'];
const TOP = ['id', 'name', 'category', 'revenue', 'quantity', 'orders', 'rank', 'dense_rank'];
const PRODUCT = ['id', 'name', 'category', 'price', 'rating', 'is_active', 'quantity_sold', 'revenue', 'orders', 'last_sold_at'];
const CUSTOMER = ['id', 'name', 'city', 'orders', 'revenue', 'average_order_value', 'first_order_at', 'last_order_at', 'rank', 'dense_rank'];
const ALSO = ['id', 'name', 'together', 'support', 'confidence', 'lift'];

const orderCells = (b: Body) =>
  rows(b).map((o) => {
    const items = (o['items'] ?? []) as Row[];
    const customer = (o['customer'] ?? {}) as Row;
    return [o['id'], o['created_at'], o['status'], customer['id'], customer['name'], o['item_count'], o['total'], items.map((i) => `${i['product_id']}x${i['quantity']}@${i['unit_price']}=${i['line_total']}`).join(' ')];
  });

const customerCells = (b: Body) =>
  rows(b).map((c) => {
    const life = (c['lifetime'] ?? {}) as Row;
    const top = (c['top_categories'] ?? []) as Row[];
    return [c['id'], c['name'], c['city'], c['orders'], c['revenue'], c['average_order_value'], life['orders'], life['revenue'], top.map((t) => `${t['name']}=${money(t['revenue'])}`).join('|')];
  });

const cohortCells = (b: Body) =>
  rows(b).map((c) => [c['cohort'], c['customers'], ((c['retention'] ?? []) as unknown[]).map(fixed2).join('|'), ((c['revenue'] ?? []) as unknown[]).map(money).join('|')]);

export function marketVariants(ids: MarketIds): MarketVariant[] {
  // A page in the middle of the list (the first page under 200 products).
  const deep = Math.floor(ids.products / 200) * 100;
  const get = (name: string, path: string, members: Record<string, unknown>, cells: MarketVariant['cells'], pg: MarketVariant['pg']): MarketVariant => ({ name, path, method: 'GET', members, cells, pg });
  return [
    get('summary', 'summary', {}, pick(...SUMMARY), PG.summary),
    get('summary, last 30 days', 'summary', { range: 'month' }, pick(...SUMMARY), PG.summary),
    get('revenue by month', 'revenue', {}, pick(...SERIES), PG.revenue('month')),
    get('revenue by day, last 30 days', 'revenue', { compare: 'day', range: 'month' }, pick(...SERIES), PG.revenue('day')),
    get('top products by revenue', 'top-products', {}, pick(...TOP), PG.topProducts('revenue')),
    get('top products by quantity', 'top-products', { by: 'quantity' }, pick(...TOP), PG.topProducts('quantity')),
    get('products by revenue, middle page', 'products', { order_by: 'revenue', offset: deep }, pick(...PRODUCT), PG.products(deep)),
    get('customers spending over 100.00, page 2', 'customers', { min_spent: '100.00', offset: 100 }, pick(...CUSTOMER), PG.customers('100.00', 100)),
    get('one customer', `customers/${ids.customer}`, {}, customerCells, PG.customer(ids.customer)),
    get('orders of more than 5 items', 'orders', { min_items: 5 }, orderCells, PG.orders('HAVING COALESCE(sum(i.quantity), 0) > 5', '')),
    get('cancelled orders', 'orders', { status: 'cancelled' }, orderCells, PG.orders('', `AND o.status = 'cancelled'`)),
    get('also bought, by customer', `products/${ids.product}/also-bought`, {}, pick(...ALSO), PG.alsoBought(ids.product, 'customer')),
    get('also bought, by order', `products/${ids.product}/also-bought`, { basis: 'order' }, pick(...ALSO), PG.alsoBought(ids.product, 'order')),
    get('categories', 'categories', {}, pick('id', 'name', 'parent_id', 'revenue', 'quantity', 'share', 'subtree_revenue'), PG.categories),
    get('cohorts, 12 months', 'cohorts', { periods: 12 }, cohortCells, PG.cohorts(12)),
    {
      name: 'query: revenue by parent category by month',
      path: 'query',
      method: 'POST',
      members: { measures: ['revenue', 'orders'], dimensions: ['product__category__parent__name'], time: { granularity: 'month' }, limit: 100_000 },
      cells: pick('period', 'product__category__parent__name', 'revenue', 'orders'),
      pg: PG.query,
    },
  ];
}
