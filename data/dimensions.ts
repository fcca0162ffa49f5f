// The small tables of a generated data set (countries, users, blogs), made with faker in
// JavaScript: they are a few hundred thousand rows at most. The views, which are millions,
// are generated in SQL (generate.ts).
import { Faker, base, en } from '@faker-js/faker';
import { COUNTRIES } from './countries.ts';

export interface Sizes {
  readonly countries: number;
  readonly users: number;
  readonly authors: number;
  readonly blogs: number;
}

/** How the traffic is spread: `skewed` (a few blogs, countries and viewers take most
 *  views; traffic grows over time) or `uniform` (every id and instant equally likely). */
export type Shape = 'skewed' | 'uniform';
export const SHAPES: readonly Shape[] = ['skewed', 'uniform'];

/** Each shape in a few words, for the help texts and the benchmark's tables. */
export const SHAPE_SUMMARY: Record<Shape, string> = {
  skewed: 'a few blogs, countries and viewers take most views, growing over time',
  uniform: 'even over blogs, viewers, countries and two years',
};

export function sizesFor(views: number, shape: Shape = 'skewed'): Sizes {
  if (shape === 'uniform') {
    // Per 10M views: 300,000 blogs, 200,000 users, 200 countries (as many as the table holds).
    const users = Math.max(50, Math.round(views / 50));
    return {
      countries: Math.min(COUNTRIES.length, Math.max(8, Math.round(views / 50_000))),
      users,
      authors: Math.max(10, Math.round(users / 8)),
      blogs: Math.max(20, Math.round((views * 3) / 100)),
    };
  }
  const users = Math.max(50, Math.round(views / 40));
  return {
    countries: Math.min(60, Math.max(8, Math.round(views / 200))),
    users,
    authors: Math.max(10, Math.round(users / 8)),
    blogs: Math.max(20, Math.round(views / 200)),
  };
}

/** Rows in table column order; timestamps as seconds before the data set's end. */
export interface Dimensions {
  readonly country: [number, string, string][];
  readonly user: [number, string, string, string, number][];
  /** id, title, author_id, country_id, created_at (seconds before end). */
  readonly blog: [number, string, number, number | null, number][];
  /** Per user: the country most of their views come from (null: usually none). */
  readonly homeCountry: (number | null)[];
}

/** A Zipf-like (s = 1) pick of 1..n from a uniform u in [0, 1): log-uniform rank. */
export function zipf(n: number, u: number): number {
  return Math.min(n, Math.max(1, Math.floor(Math.exp(u * Math.log(n + 1)))));
}

const DAY = 86_400;

// Titles that put the filter language's awkward cases into the data: LIKE wildcards,
// backslashes, both quote characters, and non-ASCII text.
const AWKWARD: ((t: string) => string)[] = [
  (t) => `100% ${t}`,
  (t) => `${t}_v2 (draft_final)`,
  (t) => `O'Reilly's "${t}"`,
  (t) => `Ünïcödé ${t} — 日本語のブログ`,
  (t) => `C:\\path\\${t} 50%_off`,
  (t) => `${t} 🚀 naïve café`,
];

export function makeDimensions(sizes: Sizes, seed: number, shape: Shape = 'skewed'): Dimensions {
  const pick = (n: number, u: number) => (shape === 'uniform' ? Math.min(n, Math.floor(u * n) + 1) : zipf(n, u));
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);

  // Real (name, ISO 3166-1 alpha-3) pairs from one table. In the skewed shape the views'
  // country pick is Zipf-like by id (generate.ts), so id 1 takes the most views: the United
  // States and the United Kingdom lead, which the README's and Swagger's examples filter on;
  // the rest follow in a seeded order.
  const LEADING = ['USA', 'GBR'];
  const rest = faker.helpers.shuffle(COUNTRIES.filter(([code]) => !LEADING.includes(code)));
  const chosen = [...LEADING.map((c) => COUNTRIES.find(([code]) => code === c)!), ...rest].slice(0, sizes.countries);
  const country: Dimensions['country'] = chosen.map(([code, name], i) => [i + 1, name, code]);

  const user: Dimensions['user'] = [];
  const homeCountry: (number | null)[] = [null];
  const usernames = new Set<string>();
  for (let id = 1; id <= sizes.users; id++) {
    let first = faker.person.firstName();
    let last = faker.person.lastName();
    // Some accounts never filled in a name: their display name is the username.
    const r = faker.number.float();
    if (r < 0.02) first = last = '';
    else if (r < 0.03) last = '';
    let username = faker.internet.username({ firstName: first || 'user', lastName: last || String(id) }).toLowerCase();
    if (usernames.has(username)) username = `${username}${id}`;
    usernames.add(username);
    user.push([id, username, first, last, faker.number.int({ min: 0, max: 3 * 365 * DAY })]);
    homeCountry.push(faker.number.float() < 0.03 ? null : pick(country.length, faker.number.float()));
  }

  const blog: Dimensions['blog'] = [];
  for (let id = 1; id <= sizes.blogs; id++) {
    let title = faker.company.catchPhrase();
    if (faker.number.float() < 0.05) title = faker.helpers.arrayElement(AWKWARD)(title);
    // Authors are the first users, a few of them prolific.
    const author = pick(sizes.authors, faker.number.float());
    const blogCountry = faker.number.float() < 0.1 ? null : pick(country.length, faker.number.float());
    // Blogs appear over two years; views start at creation (generate.ts). In the uniform
    // shape every blog exists before the two years of views begin, in the year before.
    const createdBefore = shape === 'uniform' ? faker.number.int({ min: 2 * 365 * DAY + 1, max: 3 * 365 * DAY }) : faker.number.int({ min: DAY, max: 2 * 365 * DAY });
    blog.push([id, title, author, blogCountry, createdBefore]);
  }
  return { country, user, blog, homeCountry };
}
