// The marketplace dataset (SPEC-marketplace.md): customers, a category tree, products,
// orders and their lines, as data. Money is DECIMAL(12,2) throughout; revenue is the sum of
// quantity * unit_price over the lines of counted orders (paid, shipped, delivered).
import type { Catalog, ColumnDef, Expr, SqlType } from '../../catalog.ts';
import type { DatasetDef } from '../../dataset.ts';

const column = (name: string): Expr => ({ kind: 'column', name });

interface ColumnOptions {
  filterable?: boolean;
  unique?: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
}

const col = (name: string, sqlType: SqlType, nullable: boolean, o: ColumnOptions = {}): ColumnDef => ({
  name,
  sqlType,
  nullable,
  filterable: o.filterable ?? true,
  unique: o.unique ?? name === 'id',
  ...(o.min === undefined ? {} : { min: o.min }),
  ...(o.max === undefined ? {} : { max: o.max }),
  ...(o.values === undefined ? {} : { values: o.values }),
});

/** Foreign keys are offered under their relation's name (`order__customer`), not their own. */
const fk = (name: string, nullable = false): ColumnDef => col(name, 'BIGINT', nullable, { filterable: false });

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
/** SPEC-marketplace section 2: the orders whose lines count. */
export const COUNTED_STATUSES = ['paid', 'shipped', 'delivered'] as const;

const COUNTED: readonly string[] = COUNTED_STATUSES;

export const marketplaceCatalog: Catalog = {
  root: 'order_item',
  tables: [
    {
      name: 'customer',
      // A source's email, phone and password are never read: they are not declared.
      sourceNames: ['customer', 'customers'],
      djangoModel: 'customer',
      columns: [col('id', 'BIGINT', false), col('name', 'VARCHAR', false), col('city', 'VARCHAR', true), col('created_at', 'TIMESTAMP', false)],
      relations: [{ name: 'orders', kind: 'one-to-many', column: 'customer_id', target: 'order' }],
      label: 'name',
    },
    {
      name: 'category',
      sourceNames: ['category', 'categories'],
      djangoModel: 'category',
      columns: [col('id', 'BIGINT', false), col('name', 'VARCHAR', false), fk('parent_id', true)],
      // A tree: a cycle of parents is an import error (acyclic).
      relations: [{ name: 'parent', column: 'parent_id', target: 'category', acyclic: true }],
      label: 'name',
    },
    {
      name: 'product',
      sourceNames: ['product', 'products'],
      djangoModel: 'product',
      columns: [
        col('id', 'BIGINT', false),
        col('name', 'VARCHAR', false),
        fk('category_id'),
        col('price', 'DECIMAL(12,2)', false, { min: 0 }),
        col('rating', 'DECIMAL(3,2)', true, { min: 0, max: 5 }),
        col('is_active', 'BOOLEAN', false),
        col('created_at', 'TIMESTAMP', false),
      ],
      relations: [{ name: 'category', column: 'category_id', target: 'category' }],
      label: 'name',
    },
    {
      name: 'order',
      sourceNames: ['order', 'orders'],
      djangoModel: 'order',
      columns: [col('id', 'BIGINT', false), fk('customer_id'), col('status', 'VARCHAR', false, { values: ORDER_STATUSES }), col('created_at', 'TIMESTAMP', false)],
      relations: [
        { name: 'customer', column: 'customer_id', target: 'customer' },
        { name: 'items', kind: 'one-to-many', column: 'order_id', target: 'order_item' },
      ],
      label: 'id',
    },
    {
      name: 'order_item',
      sourceNames: ['order_item', 'orderitem', 'order_items'],
      djangoModel: 'orderitem',
      columns: [
        col('id', 'BIGINT', false),
        fk('order_id'),
        fk('product_id'),
        col('quantity', 'INTEGER', false, { min: 1 }),
        col('unit_price', 'DECIMAL(12,2)', false, { min: 0 }),
      ],
      // A line's amount, exact (the orders endpoint lists it with each item).
      computed: [{ name: 'line_total', sqlType: 'DECIMAL(18,2)', nullable: false, filterable: false, expr: { kind: 'call', fn: 'multiply', args: [column('quantity'), column('unit_price')] } }],
      relations: [
        { name: 'order', column: 'order_id', target: 'order' },
        { name: 'product', column: 'product_id', target: 'product' },
      ],
      label: 'id',
    },
  ],
  // Every question sums order lines in a window of their order's time, grouped by the
  // product, its category, the order's customer or status: those keys and the time are
  // copied into the line rows, sorted by time, so that windows skip row groups and the
  // common groupings need no join.
  fact: {
    name: 'fact_order_item',
    time: 'created_at',
    sortKey: ['created_at'],
    columns: [
      { name: 'id', path: 'id', sqlType: 'BIGINT', nullable: false },
      { name: 'created_at', path: 'order__created_at', sqlType: 'TIMESTAMP', nullable: false },
      { name: 'order_id', path: 'order', sqlType: 'BIGINT', nullable: false },
      { name: 'product_id', path: 'product', sqlType: 'BIGINT', nullable: false },
      { name: 'quantity', path: 'quantity', sqlType: 'INTEGER', nullable: false },
      { name: 'unit_price', path: 'unit_price', sqlType: 'DECIMAL(12,2)', nullable: false },
      { name: 'customer_id', path: 'order__customer', sqlType: 'BIGINT', nullable: false },
      { name: 'status', path: 'order__status', sqlType: 'VARCHAR', nullable: false },
      { name: 'category_id', path: 'product__category', sqlType: 'BIGINT', nullable: false },
    ],
  },
  // All-time figures of the counted lines (the counting rule below, as data): the summary,
  // per product (best sellers, the product list) and category, per customer (their
  // orders, spend, first and last order), distinct orders, buyers and products included. Read whole by exact-rollup.ts for all-time questions; any other window or
  // filter reads the fact table. A few thousand rows in all, built in one pass each.
  rollups: [
    // With day and month grains: series and windows short of all time read whole days and
    // months from them, the partial days at the edges from the fact table
    // (counted-segments.ts); distinct orders add up across buckets (an order's lines share
    // its time), buyers and products do not.
    [
      { name: 'rollup_counted_day', grain: 'day', columns: [], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] },
      { name: 'rollup_counted_month', grain: 'month', columns: [], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] },
      { name: 'rollup_counted_all', grain: 'all', columns: [], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id', 'customer_id', 'product_id'] },
    ],
    [
      { name: 'rollup_counted_category_day', grain: 'day', columns: ['category_id'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] },
      { name: 'rollup_counted_category_month', grain: 'month', columns: ['category_id'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] },
      { name: 'rollup_counted_category_all', grain: 'all', columns: ['category_id'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] },
    ],
    // Orders per parent category (the query grouped by the parent's name, by month): an
    // order holds lines of several categories under one parent, so the category grains'
    // distinct orders do not add up to a parent's; these grains are keyed by the parent's
    // name itself (RollupDef.paths), their distinct orders counted per name at import.
    [
      { name: 'rollup_counted_parent_name_day', grain: 'day', columns: [], paths: ['product__category__parent__name'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] },
      { name: 'rollup_counted_parent_name_month', grain: 'month', columns: [], paths: ['product__category__parent__name'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] },
    ],
    [{ name: 'rollup_counted_product_all', grain: 'all', columns: ['product_id', 'category_id'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'], times: true }],
    // Each product's distinct buyers: the baskets by customer holding it (also bought from
    // the stored pairs). Its own rollup, so that a snapshot imported before it keeps the one
    // above (a rollup missing a declared column is not read).
    [{ name: 'rollup_counted_product_buyers_all', grain: 'all', columns: ['product_id'], where: { column: 'status', in: COUNTED }, distinct: ['customer_id'] }],
    // One customer's top categories: sorted by customer, so that one customer's rows are a
    // few row groups.
    [{ name: 'rollup_counted_customer_category_all', grain: 'all', columns: ['customer_id', 'category_id'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'] }],
    // Every order's own figures, whatever its status (the orders list's units and total,
    // and its `min_items` condition): one row per order, read for any window (an order's
    // lines share its time, `first_time`). Not a counted rollup: no condition.
    // Copied into the `order` rows too (`copyTo`): the list over `min_items` filters, counts
    // and pages the orders on their own columns, with no join of 2.5M rows to 2.5M.
    [{ name: 'rollup_order_all', grain: 'all', columns: ['order_id'], sums: ['quantity', 'line_total'], times: true, copyTo: 'order' }],
    // Cohorts: per customer and month (the (customer, bucket) figures of a cohort by month
    // in UTC; built where it shrinks the fact table 3x, data/rollup-choice.ts).
    [{ name: 'rollup_counted_customer_month', grain: 'month', columns: ['customer_id'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'] }],
    // Copied into the `customer` rows too (`copyTo`): the customers list over `min_spent`
    // filters, ranks and pages them on their own columns, and cohorts read each customer's
    // first counted order there rather than grouping the (customer, month) rows per customer.
    [{ name: 'rollup_counted_customer_all', grain: 'all', columns: ['customer_id'], where: { column: 'status', in: COUNTED }, sums: ['quantity', 'line_total'], distinct: ['order_id'], times: true, copyTo: 'customer' }],
  ],
  distinctSets: [],
  // A window's distinct buyers and products (the summary of the last 30 days): per UTC day,
  // the counted lines' customers and products as bitstrings (125,000 and 50,000 bits a
  // day), OR-ed over the window's whole days with the edge days' rows (counted-segments.ts).
  daySets: [
    { name: 'set_counted_customer_day', distinct: 'customer_id', ids: 'customer', where: { column: 'status', in: COUNTED } },
    { name: 'set_counted_product_day', distinct: 'product_id', ids: 'product', where: { column: 'status', in: COUNTED } },
  ],
  // Also bought over all time (basket-pairs.ts). By order: every ordered pair of products in
  // one counted order, with the number of orders holding both. By customer, every pair
  // would be a self-join of 13.3 billion rows at 2.5M orders (a customer buys 42 distinct
  // products on average, some thousands): the pairs are stored for the 32 products with the
  // most buyers only (there, those with at least 9,776 of the 115,741 buyers; counting the
  // first per question reads 4.5M of the 4.9M distinct (product, customer) lines), the
  // others counted per question from those distinct lines, stored by product.
  pairs: [
    { name: 'pairs_counted_order_product', basket: 'order_id', item: 'product_id', where: { column: 'status', in: COUNTED } },
    { name: 'pairs_counted_customer_product', basket: 'customer_id', item: 'product_id', where: { column: 'status', in: COUNTED }, partial: { top: 32, lines: 'lines_counted_product_customer' } },
  ],
  firstSeen: [],
};

const lineRevenue: Expr = { kind: 'call', fn: 'multiply', args: [column('quantity'), column('unit_price')] };

export const marketplaceDataset: DatasetDef = {
  name: 'marketplace',
  description: 'Marketplace orders: revenue, products, customers and baskets, exact to the cent (SPEC-marketplace.md)',
  catalog: marketplaceCatalog,
  counts: { kind: 'leaf', field: 'order__status', operator: 'in', value: [...COUNTED_STATUSES] },
  measures: {
    revenue: { kind: 'sum', expr: lineRevenue, description: 'the sum of quantity * unit_price over counted lines (an exact decimal)' },
    // An order's lines share its time: per-quarter-hour counts of orders add up (a series in a zone).
    orders: { kind: 'count_distinct', column: 'order_id', oneTime: true, description: 'counted orders' },
    items_sold: { kind: 'sum', expr: column('quantity'), description: 'units sold: the sum of quantities over counted lines' },
    customers: { kind: 'count_distinct', column: 'customer_id', description: 'distinct customers with a counted order' },
    products: { kind: 'count_distinct', column: 'product_id', description: 'distinct products sold' },
    average_order_value: { kind: 'ratio', numerator: 'revenue', denominator: 'orders', decimals: 2, description: 'revenue / orders, two decimals, half up; null with no order' },
  },
};
