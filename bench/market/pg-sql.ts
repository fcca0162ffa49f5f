// What the old Django service's functions ask PostgreSQL for each marketplace question:
// the obvious GROUP BY and window-function queries over the shop_* tables, with its
// indexes. $1 and $2 bound the window (order time); money stays NUMERIC, written as text.
// Orders "count" when paid, shipped or delivered (SPEC-marketplace section 2); C collation
// for names, as the engine orders text by code point.

const COUNTED = `o.status IN ('paid', 'shipped', 'delivered')`;
const WIN = `o.created_at >= $1 AND o.created_at < $2`;
const LINE = `i.quantity * i.unit_price`;
const M = (x: string) => `(${x})::numeric(20,2)`;
/** Counted lines in the window, joined to their order. */
const lines = (s: string, joins = '') => `${s}.shop_orderitem i JOIN ${s}.shop_order o ON o.id = i.order_id ${joins} WHERE ${COUNTED} AND ${WIN}`;
const withProduct = (s: string) => `JOIN ${s}.shop_product p ON p.id = i.product_id`;
const withCategory = (s: string) => `${withProduct(s)} JOIN ${s}.shop_category c ON c.id = p.category_id`;

const summary = (s: string) => `SELECT ${M(`COALESCE(sum(${LINE}), 0)`)} AS revenue, count(DISTINCT o.id) AS orders, COALESCE(sum(i.quantity), 0) AS items_sold,
  count(DISTINCT o.customer_id) AS customers, count(DISTINCT i.product_id) AS products,
  round(sum(${LINE}) / NULLIF(count(DISTINCT o.id), 0), 2) AS average_order_value
FROM ${lines(s)}`;

const LABEL: Record<'day' | 'month', string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM' };
const revenue = (unit: 'day' | 'month') => (s: string) => `WITH b AS (
  SELECT date_trunc('${unit}', o.created_at AT TIME ZONE 'UTC') AS p, sum(${LINE}) AS revenue, count(DISTINCT o.id) AS orders, sum(i.quantity) AS items
  FROM ${lines(s)} GROUP BY 1),
g AS (SELECT generate_series(min(p), max(p), interval '1 ${unit}') AS p FROM b),
f AS (SELECT g.p, COALESCE(b.revenue, 0) AS revenue, COALESCE(b.orders, 0) AS orders, COALESCE(b.items, 0) AS items,
  lag(COALESCE(b.revenue, 0)) OVER (ORDER BY g.p) AS prev FROM g LEFT JOIN b ON b.p = g.p)
SELECT to_char(p, '${LABEL[unit]}') AS label, ${M('revenue')} AS revenue, orders, items, ${M('sum(revenue) OVER (ORDER BY p)')} AS cumulative,
  CASE WHEN prev IS NULL OR prev = 0 THEN NULL ELSE round((revenue - prev) * 100 / prev, 2) END AS growth
FROM f ORDER BY p`;

const topProducts = (by: 'revenue' | 'quantity') => (s: string) => {
  const measure = by === 'revenue' ? `sum(${LINE})` : 'sum(i.quantity)';
  return `SELECT p.id, p.name, c.name AS category, ${M(`sum(${LINE})`)} AS revenue, sum(i.quantity) AS quantity, count(DISTINCT o.id) AS orders,
  rank() OVER (ORDER BY ${measure} DESC), dense_rank() OVER (ORDER BY ${measure} DESC)
FROM ${lines(s, withCategory(s))} GROUP BY p.id, c.name ORDER BY ${measure} DESC, p.id LIMIT 10`;
};

const products = (offset: number) => (s: string) => `WITH sold AS (
  SELECT i.product_id, sum(i.quantity) AS quantity, sum(${LINE}) AS revenue, count(DISTINCT o.id) AS orders, max(o.created_at) AS last
  FROM ${lines(s)} GROUP BY 1)
SELECT p.id, p.name, c.name, p.price, p.rating, p.is_active, COALESCE(sold.quantity, 0), ${M('COALESCE(sold.revenue, 0)')}, COALESCE(sold.orders, 0), sold.last
FROM ${s}.shop_product p JOIN ${s}.shop_category c ON c.id = p.category_id LEFT JOIN sold ON sold.product_id = p.id
ORDER BY COALESCE(sold.revenue, 0) DESC, p.id LIMIT 100 OFFSET ${Number(offset)}`;

/** Per buyer in the window: counted orders, spend, first and last order. */
const spend = (s: string, where = '') => `SELECT o.customer_id AS id, count(DISTINCT o.id) AS orders, sum(${LINE}) AS revenue, min(o.created_at) AS first, max(o.created_at) AS last
  FROM ${lines(s)} ${where} GROUP BY 1`;

const customers = (minSpent: string, offset: number) => (s: string) => {
  if (!/^\d+(\.\d+)?$/.test(minSpent)) throw new Error(`not a decimal: ${minSpent}`);
  return `WITH c AS (${spend(s)} HAVING sum(${LINE}) > ${minSpent})
SELECT cu.id, cu.name, cu.city, c.orders, ${M('c.revenue')}, round(c.revenue / c.orders, 2), c.first, c.last,
  rank() OVER (ORDER BY c.revenue DESC), dense_rank() OVER (ORDER BY c.revenue DESC)
FROM c JOIN ${s}.shop_customer cu ON cu.id = c.id ORDER BY c.revenue DESC, cu.id LIMIT 100 OFFSET ${Number(offset)}`;
};

// A service function's three queries (the row, its lifetime, its categories) as one.
const customer = (id: number) => (s: string) => `WITH w AS (${spend(s, `AND o.customer_id = ${Number(id)}`)}),
life AS (SELECT count(DISTINCT o.id) AS orders, sum(${LINE}) AS revenue FROM ${s}.shop_orderitem i JOIN ${s}.shop_order o ON o.id = i.order_id
  WHERE ${COUNTED} AND o.customer_id = ${Number(id)}),
cats AS (SELECT c.id, c.name, sum(${LINE}) AS revenue FROM ${lines(s, withCategory(s))} AND o.customer_id = ${Number(id)} GROUP BY c.id, c.name),
top AS (SELECT string_agg(name || '=' || ${M('revenue')}::text, '|' ORDER BY revenue DESC, id) AS top FROM (SELECT * FROM cats ORDER BY revenue DESC, id LIMIT 5) t)
SELECT cu.id, cu.name, cu.city, w.orders, ${M('w.revenue')}, round(w.revenue / w.orders, 2), life.orders, ${M('life.revenue')}, COALESCE(top.top, '')
FROM ${s}.shop_customer cu LEFT JOIN w ON w.id = cu.id, life, top WHERE cu.id = ${Number(id)}`;

// Order.objects.annotate(item_count=Sum, total=Sum).filter(...).order_by('-created_at', 'id')
// with its items prefetched: written here as one query.
const orders = (having: string, where: string) => (s: string) => `WITH page AS (
  SELECT o.id, o.created_at, o.status, o.customer_id, COALESCE(sum(i.quantity), 0) AS item_count, COALESCE(sum(${LINE}), 0) AS total,
    COALESCE(string_agg(i.product_id || 'x' || i.quantity || '@' || i.unit_price || '=' || (${LINE}), ' ' ORDER BY i.id), '') AS items
  FROM ${s}.shop_order o LEFT JOIN ${s}.shop_orderitem i ON i.order_id = o.id
  WHERE ${WIN} ${where} GROUP BY o.id ${having} ORDER BY o.created_at DESC, o.id LIMIT 100)
SELECT page.id, page.created_at, page.status, cu.id, cu.name, page.item_count, ${M('page.total')}, page.items
FROM page JOIN ${s}.shop_customer cu ON cu.id = page.customer_id ORDER BY page.created_at DESC, page.id`;

const alsoBought = (product: number, basis: 'customer' | 'order') => (s: string) => `WITH b AS (
  SELECT DISTINCT ${basis === 'customer' ? 'o.customer_id' : 'o.id'} AS basket, i.product_id FROM ${lines(s)}),
n AS (SELECT count(DISTINCT basket) AS baskets FROM b),
x AS (SELECT basket FROM b WHERE product_id = ${Number(product)}),
nx AS (SELECT count(*) AS baskets FROM x),
y AS (SELECT product_id, count(*) AS baskets FROM b GROUP BY 1),
t AS (SELECT b.product_id, count(*) AS together FROM b JOIN x ON x.basket = b.basket WHERE b.product_id <> ${Number(product)} GROUP BY 1)
SELECT p.id, p.name, t.together, round(t.together::numeric / n.baskets, 4), round(t.together::numeric / nx.baskets, 4),
  round(t.together::numeric * n.baskets / (nx.baskets * y.baskets), 4)
FROM t JOIN y ON y.product_id = t.product_id JOIN ${s}.shop_product p ON p.id = t.product_id, n, nx
ORDER BY t.together DESC, t.together::numeric * n.baskets / (nx.baskets * y.baskets) DESC, p.id LIMIT 10`;

const categories = (s: string) => `WITH RECURSIVE own AS (
  SELECT p.category_id AS id, sum(${LINE}) AS revenue, sum(i.quantity) AS quantity
  FROM ${lines(s, withProduct(s))} GROUP BY 1),
tree AS (SELECT id, id AS top FROM ${s}.shop_category UNION ALL SELECT c.id, tree.top FROM ${s}.shop_category c JOIN tree ON c.parent_id = tree.id),
sub AS (SELECT tree.top AS id, sum(own.revenue) AS revenue FROM tree JOIN own ON own.id = tree.id GROUP BY 1),
total AS (SELECT sum(revenue) AS revenue FROM own)
SELECT c.id, c.name, c.parent_id, ${M('own.revenue')}, own.quantity, round(own.revenue * 100 / total.revenue, 2), ${M('sub.revenue')}
FROM own JOIN ${s}.shop_category c ON c.id = own.id JOIN sub ON sub.id = own.id, total ORDER BY own.revenue DESC, c.id`;

const cohorts = (periods: number) => (s: string) => `WITH m AS (
  SELECT o.customer_id AS cu, date_trunc('month', o.created_at AT TIME ZONE 'UTC') AS b, sum(${LINE}) AS revenue FROM ${lines(s)} GROUP BY 1, 2),
f AS (SELECT cu, min(b) AS first FROM m GROUP BY 1),
k AS (SELECT f.first, ((extract(year FROM m.b) - extract(year FROM f.first)) * 12 + extract(month FROM m.b) - extract(month FROM f.first))::int AS k,
  count(*) AS buyers, sum(m.revenue) AS revenue FROM m JOIN f ON f.cu = m.cu GROUP BY 1, 2),
size AS (SELECT first, count(*) AS customers FROM f GROUP BY 1),
g AS (SELECT size.first, size.customers, s.k, k.buyers, k.revenue,
  size.first + make_interval(months => s.k) >= ($2::timestamptz AT TIME ZONE 'UTC') AS past
  FROM size CROSS JOIN generate_series(0, ${Number(periods) - 1}) AS s(k) LEFT JOIN k ON k.first = size.first AND k.k = s.k)
SELECT to_char(first, 'YYYY-MM'), customers,
  string_agg(CASE WHEN past THEN 'null' ELSE round(COALESCE(buyers, 0) * 100.0 / customers, 2)::text END, '|' ORDER BY k),
  string_agg(CASE WHEN past THEN 'null' ELSE ${M('COALESCE(revenue, 0)')}::text END, '|' ORDER BY k)
FROM g GROUP BY first, customers ORDER BY first`;

const query = (s: string) => `SELECT to_char(date_trunc('month', o.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period, pc.name AS parent,
  ${M(`sum(${LINE})`)} AS revenue, count(DISTINCT o.id) AS orders
FROM ${lines(s, `${withCategory(s)} LEFT JOIN ${s}.shop_category pc ON pc.id = c.parent_id`)}
GROUP BY 1, 2 ORDER BY 1, pc.name COLLATE "C" NULLS LAST`;

export const PG = { summary, revenue, topProducts, products, customers, customer, orders, alsoBought, categories, cohorts, query };
