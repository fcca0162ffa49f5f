// Source data for the query endpoint's tests, made by hand (seeded) to hold what answers get
// wrong: anonymous and country-less views, blogs with no country, users with null, empty or
// blank names (display names falling back to usernames) and namesakes, text with quotes, %,
// _, backslashes, tabs, a newline, non-ASCII and astral characters (code-point order differs
// from UTF-16 order), equal counts, views over several years with empty months and a few
// before 1970, views around every DST change of four zones in 2024-2026 and around local
// day / week / month / quarter / year edges in six zones (to the microsecond), microsecond
// timestamps, and durations whose sums pass 2^31. Written as Parquet, imported the ordinary
// way; the flat rows are read back from the Parquet files (reference.ts), never the snapshot.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import { importSnapshot } from '../data/import.ts';
import { rng } from './helpers.ts';
import { flatViews } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';
import { parquetReference, SPEC_COLUMNS, SPEC_TABLES } from './reference.ts';
import { DAY, offsetMinutes } from './query-calendar.ts';
import { firstInstant } from './series-reference.ts';

export const TRANSITION_ZONES = ['Europe/Berlin', 'America/Santiago', 'Pacific/Chatham', 'America/St_Johns'];
export const EDGE_ZONES = ['UTC', 'Europe/Berlin', 'America/Santiago', 'Asia/Kolkata', 'Pacific/Chatham', 'Asia/Kathmandu'];
/** Local dates that start a year, quarter, month or ISO week (or several). */
const EDGE_DATES = ['2024-01-01', '2024-04-01', '2025-01-01', '2025-03-31', '2025-09-29', '2025-10-01', '2026-01-01', '2026-03-02'];
/** UTC months with no view at all. */
export const EMPTY_MONTHS = ['2022-02', '2023-07', '2023-08', '2023-09', '2024-08', '2025-06'];
export const LAST_VIEW = Date.UTC(2026, 11, 15);

const COUNTRIES: [string, string | null][] = [
  ['Chile', 'CHL'], ["Côte d'Ivoire", 'CIV'], ['100%_Land', null], ['Georgia', 'GEO'], ['Georgia', 'GE2'], ['日本', 'JPN'],
  ['Back\\slash\tTab', 'BST'], ['Ｆullwidth', 'FWD'], ['😀 Emoji', 'EMJ'], ['Zeta', null], ['No views', 'NOV'],
];
const AWKWARD_USERS: [string, string | null, string | null][] = [
  ["o'brien_%\\x", 'Ann', 'Lee'], ['annlee2', 'Ann', 'Lee'], ['ÆØÅ-ünï', null, null], ['blank', '', ''], ['spaces', '  ', ''],
  ['firstonly', 'Zoë', null], ['lastonly', null, "D'Angelo"], ['tabby', '\tTab', 'Cat'], ["Robert'); DROP TABLE blog;--", 'Bobby', 'Tables'],
  ['😀emoji', '😀', ''], ['ＦＷ', 'Ｆull', 'Ｗidth'], ['pct%', '100%', '_under_'], ['quote"d', 'Say "hi"', null], [' lead', ' ', ' '],
  ['alice', 'alice', 'Smith'], ['Alice', 'Alice', 'smith'], ['zed', 'Zed', ''], ['émile', 'Émile', 'Zola'],
];
const FIRST = ['Ana', 'Bo', 'Chen', 'Dara', 'Eli', 'Femi', 'Gus', 'Hana', 'Ivo', 'Jun'];
const LAST = ['Diaz', 'Li', 'Okafor', 'Berg', 'Nakamura', 'Silva'];
const AWKWARD_TITLES = [
  'He said "hi"', "It's 100% done", 'under_score_', 'back\\slash', 'tab\there', 'ÉTÉ à Paris — été', '日本語のブログ', '📈 growth', '',
  'Same title', 'Same title', 'ａbc fullwidth', 'new\nline', 'Zebra', 'apple', 'Apple', '%_%', "'; SELECT 1;--",
];

const USERS = 48;
const BLOGS = 41;

/** `YYYY-MM-DD HH:MM:SS.ffffff` UTC of epoch microseconds. */
export function utcText(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(us - ms * 1000).padStart(3, '0')}`;
}

/** Instants (epoch ms) where a zone's offset changes, 2024-2026, to the second. */
export function transitions(tz: string): number[] {
  const out: number[] = [];
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2027, 0, 1); t += DAY) {
    if (offsetMinutes(t, tz) === offsetMinutes(t + DAY, tz)) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetMinutes(mid, tz) === offsetMinutes(lo, tz)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

interface View { at: number; blog: number; user: number | null; country: number | null; duration: number }

function views(r: () => number): View[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const who = (at: number, blog = 1 + Math.floor(36 * r() ** 2)): View => {
    const u = r();
    const duration = r() < 0.003 ? 2_000_000_000 + Math.floor(r() * 100) : r() < 0.4 ? pick([1, 5, 10, 30, 60, 120, 300]) : 1 + Math.floor(900 * r());
    return { at, blog, user: u < 0.06 ? null : 1 + Math.floor(USERS * r() ** 1.6), country: u < 0.03 || r() < 0.03 ? null : 1 + Math.floor(10 * r() ** 1.5), duration };
  };
  const out: View[] = [];
  // Traffic growing over six years, at microsecond, millisecond and whole-second precision.
  const from = Date.UTC(2021, 0, 1);
  for (let i = 0; i < 2400; i++) {
    const ms = from + Math.floor((LAST_VIEW - from) * Math.sqrt(r()));
    const mode = r();
    const us = mode < 0.5 ? ms * 1000 + Math.floor(r() * 1000) : mode < 0.75 ? ms * 1000 : Math.floor(ms / 1000) * 1_000_000;
    out.push(who(us));
  }
  // Four blogs with exactly nine views each: ties.
  for (let b = 37; b <= 40; b++) for (let i = 0; i < 9; i++) out.push(who((Date.UTC(2025, 6, 1) + Math.floor(r() * 60 * DAY)) * 1000, b));
  const us = (ms: number, d: number) => ms * 1000 + d;
  const NEAR = [-61 * 60e6, -59 * 60e6, -60e6, -1, 0, 1, 60e6, 59 * 60e6, 61 * 60e6, 119 * 60e6];
  for (const tz of TRANSITION_ZONES) for (const t of transitions(tz)) for (const d of NEAR) out.push(who(us(t, d)));
  const EDGE = [-60e6, -1, 0, 1, 60e6];
  for (const tz of EDGE_ZONES) for (const date of EDGE_DATES) for (const d of EDGE) out.push(who(us(firstInstant(date, tz), d)));
  // Around the epoch: floor division of negative instants.
  for (const t of ['1969-07-20T20:17:40Z', '1969-12-31T18:30:00Z', '1969-12-31T23:59:59.999Z']) out.push(who(us(Date.parse(t), 0)));
  out.push(who(-1), who(0));
  return out.filter((v) => !EMPTY_MONTHS.includes(utcText(v.at).slice(0, 7)));
}

function tables(seed: number): Record<string, Record<string, unknown>[]> {
  const r = rng(seed);
  const country = COUNTRIES.map(([name, code], i) => ({ id: i + 1, name, code }));
  const user = Array.from({ length: USERS }, (_, i) => {
    const a = AWKWARD_USERS[i];
    const [username, first_name, last_name] = a ?? [`user${i + 1}`, FIRST[i % FIRST.length]!, i % 7 === 0 ? null : LAST[i % LAST.length]!];
    return { id: i + 1, username, first_name, last_name, date_joined: utcText(Date.UTC(2020, 0, 1 + i) * 1000) };
  });
  const blog = Array.from({ length: BLOGS }, (_, i) => ({
    id: i + 1,
    title: AWKWARD_TITLES[i] ?? `Blog number ${i + 1}`,
    author_id: 1 + Math.floor(USERS * r() ** 2),
    country_id: i % 5 === 2 ? null : 1 + Math.floor(10 * r()),
    created_at: utcText(Date.UTC(2019, 0, 1) * 1000 + Math.floor(r() * 7 * 365 * DAY) * 1000 + (i % 2 ? 0 : Math.floor(r() * 1000))),
  }));
  const blog_view = views(r).map((v, i) => ({ id: i + 1, blog_id: v.blog, user_id: v.user, country_id: v.country, viewed_at: utcText(v.at), duration: v.duration }));
  return { country, user, blog, blog_view };
}

export interface QueryFixture {
  /** The snapshot imported from the source. */
  readonly db: string;
  /** The source's Parquet folder. */
  readonly source: string;
  /** Every view, keyed by filter path (flat-views.ts), from the source. */
  readonly rows: ViewRow[];
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function queryFixture(dir: string, seed = 14): Promise<QueryFixture> {
  const json = join(dir, 'json');
  const source = join(dir, 'parquet');
  mkdirSync(json, { recursive: true });
  mkdirSync(source, { recursive: true });
  const data = tables(seed);
  const scratch = await Database.open(':memory:');
  try {
    for (const t of SPEC_TABLES) {
      const file = join(json, `${t}.json`);
      writeFileSync(file, JSON.stringify(data[t]));
      const columns = `{${Object.entries(SPEC_COLUMNS[t]).map(([c, type]) => `${literal(c)}: ${literal(type)}`).join(', ')}}`;
      await scratch.exec(`COPY (SELECT * FROM read_json(${literal(file)}, format = 'array', columns = ${columns})) TO ${literal(join(source, `${t}.parquet`))} (FORMAT parquet)`);
    }
  } finally {
    scratch.close();
  }
  const db = join(dir, 'query.duckdb');
  await importSnapshot({ source, dbPath: db });
  const ref = await parquetReference(source);
  try {
    return { db, source, rows: await flatViews(ref) };
  } finally {
    ref.close();
  }
}
