// The marketplace's small tables (categories, customers, products), made with faker in
// JavaScript: at most a few hundred thousand rows. Orders and their lines, which are
// millions, are generated in SQL (generate.ts). Deterministic for a seed.
import { Faker, base, en } from '@faker-js/faker';

export interface MarketSizes {
  readonly orders: number;
  readonly customers: number;
  readonly categories: number;
  readonly products: number;
  /** Products 1..sold are ever sold; the rest never are. */
  readonly sold: number;
}

/** SPEC-marketplace section 5: N/20 customers, N/50 products, 40 categories. */
export function marketSizes(orders: number): MarketSizes {
  const products = Math.max(20, Math.round(orders / 50));
  return {
    orders,
    customers: Math.max(20, Math.round(orders / 20)),
    categories: CATEGORY_TREE.length,
    products,
    // About 2% of products (at least one) never sell.
    sold: products - Math.max(1, Math.round(products / 50)),
  };
}

/** The category tree by position (id = index + 1): the parent's id, or null for a root.
 *  Eight roots, 29 children, and three grandchildren (a three-level branch: 38 and 39 under
 *  9, 40 under 10). Parents have products of their own too (tables.ts below). */
export const CATEGORY_TREE: readonly (number | null)[] = [
  ...Array<null>(8).fill(null),
  ...Array.from({ length: 29 }, (_, i) => 1 + (i % 8)),
  9,
  9,
  10,
];

const DAY = 86_400;

// Names that put the filter language's awkward cases into the data: LIKE wildcards, both
// quote characters, backslashes and non-ASCII text.
const AWKWARD: ((t: string) => string)[] = [
  (t) => `100% ${t}`,
  (t) => `${t}_v2 (limited_edition)`,
  (t) => `O'Neil's "${t}"`,
  (t) => `Ünïcödé ${t} — 日本語`,
  (t) => `C:\\shop\\${t} 50%_off`,
  (t) => `${t} 🚀 crème brûlée`,
];
const AWKWARD_CATEGORIES = ["Kids' Toys", '100% Cotton', 'under_score', 'Café & Thé', '日本の本', 'Back\\slash "Quoted"'];

/** `cents` as decimal text with two digits after the point. */
export const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** A product price in cents, 0.99 to 2,000.00, log-uniform in magnitude with the endings
 *  shops use (.99, .00, .50), so that equal prices are common. */
function priceCents(u: number, ending: number): number {
  const whole = Math.max(1, Math.min(2000, Math.round(Math.exp(u * Math.log(2000)))));
  const cents = ending < 0.6 ? whole * 100 - 1 : ending < 0.85 ? whole * 100 : whole * 100 - 50;
  return Math.max(99, Math.min(200_000, cents));
}

/** Rows in column order; times as seconds before the data set's end. */
export interface MarketTables {
  /** id, name, parent_id. */
  readonly category: [number, string, number | null][];
  /** id, name, city, email, phone, created_before (s). */
  readonly customer: [number, string, string | null, string, string, number][];
  /** id, name, category_id, price (text), rating (text or null), is_active (0/1), created_before (s). */
  readonly product: [number, string, number, string, string | null, number, number][];
}

/** The span orders are spread over, before the end (seconds). */
export const ORDER_SPAN = 2 * 365 * DAY;

export function makeTables(sizes: MarketSizes, seed: number): MarketTables {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  const awkward = (name: string, p: number) => (faker.number.float() < p ? faker.helpers.arrayElement(AWKWARD)(name) : name);

  const category: MarketTables['category'] = CATEGORY_TREE.map((parent, i) => {
    const name =
      i >= 8 && i < 8 + AWKWARD_CATEGORIES.length
        ? AWKWARD_CATEGORIES[i - 8]!
        : parent === null
          ? faker.commerce.department()
          : `${faker.commerce.productAdjective()} ${faker.commerce.product()}`;
    return [i + 1, name, parent];
  });

  const customer: MarketTables['customer'] = [];
  for (let id = 1; id <= sizes.customers; id++) {
    const name = awkward(faker.person.fullName(), 0.03);
    const city = faker.number.float() < 0.08 ? null : faker.location.city();
    // Customers sign up over the two years of orders; their orders follow (generate.ts).
    customer.push([id, name, city, faker.internet.email().toLowerCase(), faker.phone.number(), faker.number.int({ min: DAY, max: ORDER_SPAN })]);
  }

  // Most products sit in categories with no children; one in six in a parent category.
  const parents = new Set(CATEGORY_TREE.filter((p): p is number => p !== null));
  const leaves = category.map(([id]) => id).filter((id) => !parents.has(id));
  const inner = [...parents];
  const product: MarketTables['product'] = [];
  for (let id = 1; id <= sizes.products; id++) {
    const name = awkward(faker.commerce.productName(), 0.05);
    const cat = faker.number.float() < 1 / 6 ? faker.helpers.arrayElement(inner) : faker.helpers.arrayElement(leaves);
    // The cheapest and dearest prices occur: the first two products take them.
    const cents = id === 1 ? 99 : id === 2 ? 200_000 : priceCents(faker.number.float(), faker.number.float());
    const r = faker.number.float();
    // Ratings skew high; some products have none; 0.00 and 5.00 occur.
    const rating = r < 0.15 ? null : r < 0.16 ? '0.00' : r < 0.18 ? '5.00' : money(Math.round(500 - 400 * faker.number.float() ** 2));
    const active = faker.number.float() < 0.1 ? 0 : 1;
    // Every product is listed before the orders begin.
    product.push([id, name, cat, money(cents), rating, active, faker.number.int({ min: ORDER_SPAN + DAY, max: ORDER_SPAN + 365 * DAY })]);
  }
  return { category, customer, product };
}
