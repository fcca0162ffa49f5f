// The query endpoint's answers (POST /api/v1/blog/query) computed by brute force in
// TypeScript from the source's rows (flat-views.ts: plain joins over the source files, never
// a snapshot): the window from the question's text, the filter by filter-semantics.ts,
// buckets from Intl's zone data (query-calendar.ts), groups, measures, zero-filling,
// previous buckets, growth and order in plain loops, and every rounding in exact integers.
// It shares no SQL, no plan and no code with the engine.
import { firstInstant } from './series-reference.ts';
import { holds, micros, TYPES } from './filter-semantics.ts';
import type { Json } from './filter-semantics.ts';
import { displayName } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';
import { bucketOf, bucketsFromTo, periodText, stepBucket, wallOf } from './query-calendar.ts';
import type { Granularity } from './query-calendar.ts';

export interface Question {
  measures: string[];
  dimensions?: string[];
  time?: { granularity: Granularity; fill?: boolean; compare?: 'previous' };
  filters?: Json;
  order?: { by: string; dir?: 'asc' | 'desc' }[];
  range?: 'day' | 'week' | 'month' | 'year' | 'all';
  start?: string;
  end?: string;
  as_of?: string;
  tz?: string;
  limit?: number;
  offset?: number;
}

export type ColumnType = 'integer' | 'number' | 'decimal' | 'text' | 'timestamp' | 'datetime' | 'date';
export interface Answer {
  columns: { name: string; type: ColumnType }[];
  data: Record<string, Json>[];
  count: number;
  limit: number;
  offset: number;
  range: string | null;
  window: { start: string | null; end: string };
}

export const MEASURES: Record<string, ColumnType> = {
  views: 'integer', blogs: 'integer', viewers: 'integer', total_duration: 'integer',
  avg_duration: 'number', max_duration: 'integer', views_per_viewer: 'decimal',
};
/** The filterable paths (spec section 3) and the two display names. */
export const DIMENSIONS: Record<string, 'integer' | 'text' | 'timestamp'> = { ...TYPES, user__display_name: 'text', blog__author__display_name: 'text' };

/** Fill and the previous bucket step through the wall-clock calendar (one hour, day, ...
 *  after another in local time, as a calendar on the wall shows them), not through
 *  instants: the hour skipped when clocks go forward is a bucket of its own (empty), the
 *  hour repeated when they go back is one bucket. */
export const CALENDAR = 'wall-clock';

/** A question whose answer would hold more than `maxRows` rows (before paging). */
export class TooBig extends Error {}
/** A question whose start is not before its end (a 400). */
export class EmptyWindow extends Error {}

const DAYS: Record<string, number | null> = { day: 1, week: 7, month: 30, year: 365, all: null };

/** Epoch microseconds of a window parameter: a date alone is the first instant of that
 *  local date in `tz`; a date-time without an offset is UTC. */
function instantOf(text: string, tz: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? firstInstant(text, tz) * 1000 : micros(text);
}

/** ISO 8601 UTC with Z, milliseconds always, microseconds where there are some. */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const below = us - ms * 1000;
  const iso = new Date(ms).toISOString();
  return below === 0 ? iso : `${iso.slice(0, -1)}${String(below).padStart(3, '0')}Z`;
}

export function windowOf(q: Question): { start: number | null; end: number; range: string | null } {
  const tz = q.tz ?? 'UTC';
  const asOf = instantOf(q.as_of!, tz);
  if (q.start !== undefined || q.end !== undefined) {
    const start = q.start === undefined ? null : instantOf(q.start, tz);
    const end = q.end === undefined ? asOf : instantOf(q.end, tz);
    if (start !== null && q.end !== undefined && start >= end) throw new EmptyWindow();
    return { start, end: Math.min(end, asOf), range: null };
  }
  const range = q.range ?? 'all';
  const days = DAYS[range]!;
  return { start: days === null ? null : asOf - days * 86_400_000_000, end: asOf, range };
}

/** A dimension's value on a view: ids, numbers, text, or epoch microseconds for timestamps. */
function dimensionOf(row: ViewRow, path: string): number | string | null {
  if (path === 'user__display_name') return row['user'] === null ? null : displayName(row['user__username'], row['user__first_name'], row['user__last_name']);
  if (path === 'blog__author__display_name') return displayName(row['blog__author__username'], row['blog__author__first_name'], row['blog__author__last_name']);
  const v = row[path] ?? null;
  return v !== null && DIMENSIONS[path] === 'timestamp' ? micros(v as string) : v;
}

interface Cell { n: number; blogs: Set<unknown>; viewers: Set<unknown>; sum: number; max: number }
/** A measure's value exactly, as num/den (den > 0), and as the answer writes it. */
interface Value { json: Json; num: bigint; den: bigint }

const whole = (n: number): Value => ({ json: n, num: BigInt(n), den: 1n });
/** |n| / d (d > 0) rounded half away from zero, with n's sign. */
function roundHalfAway(n: bigint, d: bigint): bigint {
  const a = n < 0n ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return n < 0n ? -q : q;
}

function measure(name: string, c: Cell | undefined): Value | null {
  const n = c?.n ?? 0;
  switch (name) {
    case 'views': return whole(n);
    case 'blogs': return whole(c?.blogs.size ?? 0);
    case 'viewers': return whole(c?.viewers.size ?? 0);
    case 'total_duration': return whole(c?.sum ?? 0);
    case 'avg_duration': return n === 0 ? null : { json: c!.sum / n, num: BigInt(c!.sum), den: BigInt(n) };
    case 'max_duration': return n === 0 ? null : whole(c!.max);
    case 'views_per_viewer': {
      const v = c?.viewers.size ?? 0;
      if (v === 0) return null;
      const h = roundHalfAway(BigInt(n) * 100n, BigInt(v));
      return { json: `${h / 100n}.${String(h % 100n).padStart(2, '0')}`, num: h, den: 100n };
    }
  }
  throw new Error(`reference: unknown measure ${name}`);
}

/** Percent change from `prev` to `cur`, rounded half away from zero to 2 decimals, exactly. */
function growth(cur: Value | null, prev: Value | null): number | null {
  if (cur === null || prev === null || prev.num === 0n) return null;
  const h = roundHalfAway((cur.num * prev.den - prev.num * cur.den) * 10000n, cur.den * prev.num);
  if (h === 0n) return 0;
  const a = h < 0n ? -h : h;
  return Number(`${h < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`);
}

type Key = number | string | Buffer | null;
interface OutRow { json: Record<string, Json>; keys: Record<string, Key> }

function compareKeys(a: Key, b: Key): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (Buffer.isBuffer(a)) return Buffer.compare(a, b as Buffer);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

export function referenceQuery(q: Question, rows: readonly ViewRow[], maxRows = 20_000): Answer {
  const dims = q.dimensions ?? [];
  const tz = q.tz ?? 'UTC';
  const g = q.time?.granularity;
  const w = windowOf(q);
  const cells = new Map<string, Map<number, Cell>>();
  const groups = new Map<string, (number | string | null)[]>();
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    const at = row['_at'] as number;
    if (at >= w.end || (w.start !== null && at < w.start)) continue;
    if (q.filters !== undefined && !holds(q.filters as { [k: string]: Json }, row)) continue;
    const values = dims.map((d) => dimensionOf(row, d));
    const key = JSON.stringify(values);
    if (!groups.has(key)) groups.set(key, values);
    const b = g === undefined ? 0 : bucketOf(wallOf(Math.floor(at / 1000), tz), g);
    first = Math.min(first, b);
    last = Math.max(last, b);
    let byBucket = cells.get(key);
    if (!byBucket) cells.set(key, (byBucket = new Map()));
    let c = byBucket.get(b);
    if (!c) byBucket.set(b, (c = { n: 0, blogs: new Set(), viewers: new Set(), sum: 0, max: -Infinity }));
    const duration = row['duration'] as number;
    c.n++;
    c.blogs.add(row['blog']);
    if (row['user'] !== null) c.viewers.add(row['user']);
    c.sum += duration;
    c.max = Math.max(c.max, duration);
  }
  // No dimensions and no time: one row, whatever matched.
  if (g === undefined && dims.length === 0 && groups.size === 0) groups.set('[]', []);

  const out: OutRow[] = [];
  const emit = (key: string, b: number) => {
    const values = groups.get(key)!;
    const json: Record<string, Json> = {};
    const keys: Record<string, Key> = {};
    if (g !== undefined) {
      json['period'] = periodText(b, g);
      keys['period'] = b;
    }
    dims.forEach((d, i) => {
      const v = values[i]!;
      const type = DIMENSIONS[d]!;
      json[d] = v !== null && type === 'timestamp' ? isoMicros(v as number) : v;
      keys[d] = v !== null && type === 'text' ? Buffer.from(v as string) : v;
    });
    for (const m of q.measures) {
      const v = measure(m, cells.get(key)?.get(b));
      json[m] = v === null ? null : v.json;
      keys[m] = v === null ? null : Number(v.num) / Number(v.den);
      if (q.time?.compare === 'previous') {
        const prev = b === first ? null : measure(m, cells.get(key)?.get(stepBucket(b, g!, -1)));
        json[`${m}_previous`] = prev === null ? null : prev.json;
        json[`${m}_growth`] = growth(v, prev);
      }
    }
    out.push({ json, keys });
  };
  if (g === undefined) {
    if (groups.size > maxRows) throw new TooBig();
    for (const key of groups.keys()) emit(key, 0);
  } else if (groups.size > 0) {
    const span = bucketsFromTo(first, last, g);
    if ((q.time?.fill ? span * groups.size : rows.length) > maxRows) throw new TooBig();
    for (const key of groups.keys()) {
      if (q.time?.fill) for (let b = first; b <= last; b = stepBucket(b, g, 1)) emit(key, b);
      else for (const b of cells.get(key)!.keys()) emit(key, b);
    }
  }

  const terms = q.order?.length ? q.order.map((t) => ({ by: t.by, dir: t.dir ?? 'asc' })) : [g === undefined ? { by: q.measures[0]!, dir: 'desc' } : { by: 'period', dir: 'asc' }];
  const seen = new Set<string>();
  const all = [...terms, ...dims.map((by) => ({ by, dir: 'asc' })), ...(g === undefined ? [] : [{ by: 'period', dir: 'asc' }])].filter((t) => !seen.has(t.by) && seen.add(t.by));
  out.sort((a, b) => {
    for (const t of all) {
      const x = a.keys[t.by] ?? null;
      const y = b.keys[t.by] ?? null;
      const c = compareKeys(x, y);
      if (c !== 0) return x === null || y === null || t.dir === 'asc' ? c : -c;
    }
    return 0;
  });

  const columns: Answer['columns'] = [];
  if (g !== undefined) columns.push({ name: 'period', type: g === 'hour' ? 'datetime' : 'date' });
  for (const d of dims) columns.push({ name: d, type: DIMENSIONS[d]! });
  for (const m of q.measures) {
    columns.push({ name: m, type: MEASURES[m]! });
    if (q.time?.compare === 'previous') columns.push({ name: `${m}_previous`, type: MEASURES[m]! }, { name: `${m}_growth`, type: 'number' });
  }
  const limit = q.limit ?? 1000;
  const offset = q.offset ?? 0;
  return {
    columns,
    data: out.slice(offset, offset + limit).map((r) => Object.fromEntries(columns.map((c) => [c.name, r.json[c.name]!]))),
    count: out.length,
    limit,
    offset,
    range: w.range,
    window: { start: w.start === null ? null : isoMicros(w.start), end: isoMicros(w.end) },
  };
}
