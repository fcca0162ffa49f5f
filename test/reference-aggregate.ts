// What the query endpoint's brute-force references share (query-reference.ts for the blog,
// market-reference.ts for the marketplace): cells per group and wall-clock bucket, zero-fill,
// previous buckets, growth, order and the answer's shape, in plain loops and exact integers.
// A dataset's reference adds which rows count, its dimensions' values and its measures over
// a cell. It shares no SQL, no plan and no code with the engine.
import type { Json } from './filter-semantics.ts';
import { bucketOf, bucketsFromTo, periodText, stepBucket, wallOf } from './query-calendar.ts';
import type { Granularity } from './query-calendar.ts';

/** A measure's value exactly, as num/den (den > 0), and as the answer writes it. */
export interface Value { json: Json; num: bigint; den: bigint }

export const whole = (n: number): Value => ({ json: n, num: BigInt(n), den: 1n });

/** |n| / d (d > 0) rounded half away from zero, with n's sign. */
export function roundHalfAway(n: bigint, d: bigint): bigint {
  const a = n < 0n ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return n < 0n ? -q : q;
}

/** Percent change from `prev` to `cur`, rounded half away from zero to 2 decimals, exactly. */
function growth(cur: Value | null, prev: Value | null): number | null {
  if (cur === null || prev === null || prev.num === 0n) return null;
  const h = roundHalfAway((cur.num * prev.den - prev.num * cur.den) * 10000n, cur.den * prev.num);
  if (h === 0n) return 0;
  const a = h < 0n ? -h : h;
  return Number(`${h < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`);
}

/** A value as it sorts: text as UTF-8 bytes (the engine's binary collation), nulls last. */
export type Key = number | bigint | Buffer | boolean | null;

function compareKeys(a: Key, b: Key): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (Buffer.isBuffer(a)) return Buffer.compare(a, b as Buffer);
  return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
}

/** A question whose answer would hold more than the reference's `maxRows` rows (before paging). */
export class TooBig extends Error {}

export interface AggregateQuestion {
  measures: string[];
  dimensions?: string[];
  time?: { granularity: Granularity; fill?: boolean; compare?: 'previous' };
  order?: { by: string; dir?: 'asc' | 'desc' }[];
  tz?: string;
  limit?: number;
  offset?: number;
}

export interface AggregateAnswer<T extends string> {
  columns: { name: string; type: T | 'date' | 'datetime' | 'number' }[];
  data: Record<string, Json>[];
  count: number;
  limit: number;
  offset: number;
  range: string | null;
  window: { start: string | null; end: string };
}

/** One dataset's part: rows carry `_at`, their instant in epoch microseconds. */
export interface ReferenceRules<R, C, T extends string> {
  /** Whether a row of the window counts (the counting rule and the question's filter). */
  counts(row: R): boolean;
  dimension(row: R, path: string): Json;
  dimensionJson(path: string, v: Json): Json;
  dimensionKey(path: string, v: Json): Key;
  emptyCell(): C;
  add(cell: C, row: R): void;
  measure(name: string, cell: C | undefined): Value | null;
  measureKey(name: string, v: Value): Key;
  measureTypes: Record<string, T>;
  dimensionTypes: Record<string, T>;
}

/** ISO 8601 UTC with Z, milliseconds always, microseconds where there are some. */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const below = us - ms * 1000;
  const iso = new Date(ms).toISOString();
  return below === 0 ? iso : `${iso.slice(0, -1)}${String(below).padStart(3, '0')}Z`;
}

export function aggregateReference<R extends { readonly [k: string]: unknown }, C, T extends string>(
  q: AggregateQuestion,
  w: { start: number | null; end: number; range: string | null },
  rows: readonly R[],
  rules: ReferenceRules<R, C, T>,
  maxRows: number,
): AggregateAnswer<T> {
  const dims = q.dimensions ?? [];
  const tz = q.tz ?? 'UTC';
  const g = q.time?.granularity;
  const cells = new Map<string, Map<number, C>>();
  const groups = new Map<string, Json[]>();
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    const at = row['_at'] as number;
    if (at >= w.end || (w.start !== null && at < w.start) || !rules.counts(row)) continue;
    const values = dims.map((d) => rules.dimension(row, d));
    const key = JSON.stringify(values);
    if (!groups.has(key)) groups.set(key, values);
    const b = g === undefined ? 0 : bucketOf(wallOf(Math.floor(at / 1000), tz), g);
    first = Math.min(first, b);
    last = Math.max(last, b);
    let byBucket = cells.get(key);
    if (!byBucket) cells.set(key, (byBucket = new Map()));
    let c = byBucket.get(b);
    if (!c) byBucket.set(b, (c = rules.emptyCell()));
    rules.add(c, row);
  }
  // No dimensions and no time: one row, whatever matched.
  if (g === undefined && dims.length === 0 && groups.size === 0) groups.set('[]', []);

  const out: { json: Record<string, Json>; keys: Record<string, Key> }[] = [];
  const emit = (key: string, b: number) => {
    const values = groups.get(key)!;
    const json: Record<string, Json> = {};
    const keys: Record<string, Key> = {};
    if (g !== undefined) {
      json['period'] = periodText(b, g);
      keys['period'] = b;
    }
    dims.forEach((d, i) => {
      json[d] = rules.dimensionJson(d, values[i]!);
      keys[d] = rules.dimensionKey(d, values[i]!);
    });
    for (const m of q.measures) {
      const v = rules.measure(m, cells.get(key)?.get(b));
      json[m] = v === null ? null : v.json;
      keys[m] = v === null ? null : rules.measureKey(m, v);
      if (q.time?.compare === 'previous') {
        const prev = b === first ? null : rules.measure(m, cells.get(key)?.get(stepBucket(b, g!, -1)));
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

  const columns: AggregateAnswer<T>['columns'] = [];
  if (g !== undefined) columns.push({ name: 'period', type: g === 'hour' ? 'datetime' : 'date' });
  for (const d of dims) columns.push({ name: d, type: rules.dimensionTypes[d]! });
  for (const m of q.measures) {
    columns.push({ name: m, type: rules.measureTypes[m]! });
    if (q.time?.compare === 'previous') columns.push({ name: `${m}_previous`, type: rules.measureTypes[m]! }, { name: `${m}_growth`, type: 'number' });
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
