// The members generator's names and favourite zones. Names are faker's first and last
// names, combined in SQL (generate.ts), and a few awkward ones that put the filter
// language's and the old endpoint's hard cases into the data. Deterministic for a seed.
import { Faker, base, en } from '@faker-js/faker';

export interface NameParts {
  readonly first: readonly string[];
  readonly last: readonly string[];
  /** Whole names drawn for about one member in 25. */
  readonly odd: readonly string[];
}

/** Distinct draws from faker until `n` (or until it repeats itself too often). */
function pool(draw: () => string, n: number): string[] {
  const seen = new Set<string>();
  for (let tries = 0; seen.size < n && tries < n * 20; tries++) seen.add(draw());
  return [...seen];
}

// LIKE wildcards, both quotes, a backslash, non-ASCII text, an emoji, a comma, leading and
// trailing spaces, a tab, and the old service's own populate names (ten capital letters).
const AWKWARD = [
  "O'Brien \"Bo\" Smith",
  '100% Real_Name',
  'C:\\Users\\Ann',
  'Zoë Ñúñez-Çelik',
  '李小龍',
  'Анна Каренина',
  'محمد عبد الله',
  '🚀 Rocket Raccoon',
  'Smith, John',
  ' padded name ',
  'tab\tin name',
  'IYNQSFTFGP',
  'EGDRKNVWXL',
];

export function nameParts(seed: number): NameParts {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  const first = pool(() => faker.person.firstName(), 1500);
  const last = pool(() => faker.person.lastName(), 1500);
  const upper = () => faker.string.alpha({ length: 10, casing: 'upper' });
  return { first, last, odd: [...AWKWARD, ...Array.from({ length: 20 }, upper)] };
}

/** Half the members live in one of these (the rest anywhere): zones with DST changes in
 *  either hemisphere, odd offsets (+05:30, +12:45), a zone that skips midnight, and legacy
 *  link names. */
export const COMMON_ZONES: readonly string[] = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'US/Pacific',
  'US/Eastern',
  'America/Santiago',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Calcutta',
  'Asia/Tokyo',
  'Asia/Kathmandu',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Auckland',
  'Africa/Djibouti',
];
