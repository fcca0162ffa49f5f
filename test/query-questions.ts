// Random questions for the query endpoint, from a seeded generator: measures, dimensions,
// granularities, fill and compare, zones, windows in every form the window parameters take
// (rolling ranges, dates in the zone, date-times with and without offsets, microseconds),
// random filter trees (filter-trees.ts), orders and defaults left out. Each comes with the
// reference's answer; questions whose answer would be too big to compare are drawn again.
import type { Json } from './filter-semantics.ts';
import type { ViewRow } from './flat-views.ts';
import { randomTree } from './filter-trees.ts';
import { GRANULARITIES, wallOf } from './query-calendar.ts';
import { DIMENSIONS, EmptyWindow, MEASURES, TooBig, isoMicros, referenceQuery } from './query-reference.ts';
import type { Answer, Question } from './query-reference.ts';

export const ZONES = ['UTC', 'Europe/Berlin', 'America/Santiago', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Kathmandu'];
/** as_of values at awkward instants: after all views, on DST changes, a microsecond before a
 *  year ends, and with offsets. */
const AS_OFS = ['2026-11-01T00:00:00Z', '2025-10-26T01:00:00.000001Z', '2026-03-29T02:30:00+01:00', '2025-04-06T03:00:00Z',
  '2024-12-31T23:59:59.999999Z', '2026-12-31T00:00:00Z', '2025-09-27T14:00:00.5Z', '2026-06-30T23:30:00-03:30'];
/** Dimensions with few values are drawn more often; per-view ones (`id`, `viewed_at`) rarely. */
const COMMON = ['country', 'country__name', 'country__code', 'user', 'user__username', 'user__first_name', 'user__last_name', 'user__display_name',
  'blog', 'blog__title', 'blog__author', 'blog__author__username', 'blog__author__display_name', 'blog__country', 'blog__country__name',
  'blog__country__code', 'blog__author__first_name', 'blog__author__last_name'];
const ALL_DIMENSIONS = Object.keys(DIMENSIONS);

export interface Asked {
  readonly question: Question;
  readonly answer: Answer;
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

/** Epoch microseconds written at offset `minutes`: `...T10:15:00.000123+05:30`. */
function withOffset(us: number, minutes: number): string {
  const local = isoMicros(us + minutes * 60_000_000).slice(0, -1);
  return `${local}${minutes < 0 ? '-' : '+'}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
}

/** `filters: false`: questions without filters (for the plain-SQL reference); `simple`:
 *  the share of questions shaped like the fixed endpoints' once every dimension and
 *  granularity has been asked (default 0.3). */
export function questionMaker(r: () => number, rows: readonly ViewRow[], options: { filters?: boolean; simple?: number } = {}): () => Asked {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const some = <T,>(xs: readonly T[], n: number): T[] => {
    const pool = [...xs];
    return Array.from({ length: Math.min(n, pool.length) }, () => pool.splice(Math.floor(r() * pool.length), 1)[0]!);
  };
  const viewAt = () => pick(rows)['_at'] as number;
  const jitter = () => pick([0, 0, 1, -1, 60_000_000, -3_600_000_000, 86_400_000_000, -7 * 86_400_000_000]);
  const instant = (tz: string): string => {
    const us = viewAt() + jitter();
    const form = r();
    if (form < 0.3) return new Date(wallOf(Math.floor(us / 1000), tz)).toISOString().slice(0, 10);
    if (form < 0.6) return isoMicros(us);
    if (form < 0.8) return withOffset(us, pick([120, -180, 330, 765, -210]));
    return isoMicros(us).slice(0, -1).replace('T', pick(['T', ' ']));
  };

  // The first questions go through every dimension, then through every granularity with
  // and without fill and compare, whatever the seed; the rest are drawn at random.
  let made = 0;
  const COMBOS = GRANULARITIES.flatMap((granularity) => [[false, false], [true, false], [false, true], [true, true]].map(([fill, compare]) => ({ granularity, fill, compare })));
  const draw = (): Question => {
    const q: Question = { measures: some(Object.keys(MEASURES), 1 + Math.floor(r() * 4)) };
    const nd = pick([0, 0, 1, 1, 1, 2, 2, 3]);
    const dims = Array.from({ length: nd }, () => (r() < 0.15 ? pick(ALL_DIMENSIONS) : pick(COMMON)));
    if (made < ALL_DIMENSIONS.length) dims.unshift(ALL_DIMENSIONS[made]!);
    const unique = [...new Set(dims)];
    if (unique.length > 0 || r() < 0.5) q.dimensions = unique;
    const combo = COMBOS[made - ALL_DIMENSIONS.length];
    if (combo !== undefined) q.time = { granularity: combo.granularity, ...(combo.fill ? { fill: true } : {}), ...(combo.compare ? { compare: 'previous' } : {}) };
    else if (r() < 0.55) {
      q.time = { granularity: pick(GRANULARITIES) };
      if (r() < 0.5) q.time.fill = r() < 0.8;
      if (r() < 0.45) q.time.compare = 'previous';
    }
    const tz = pick(ZONES);
    if (tz !== 'UTC' || r() < 0.5) q.tz = tz;
    const w = r();
    if (w < 0.3) {
      q.range = pick(['day', 'week', 'month', 'year', 'all']);
      q.as_of = r() < 0.5 ? pick(AS_OFS) : isoMicros(viewAt() + jitter());
    } else if (w < 0.65) {
      const [a, b] = [instant(tz), instant(tz)];
      const s = r();
      if (s < 0.7) {
        q.start = a;
        q.end = b;
      } else if (s < 0.85) q.start = a;
      else q.end = b;
      q.as_of = pick(AS_OFS);
    } else q.as_of = pick(AS_OFS);
    const f = options.filters === false ? 1 : r();
    if (f < 0.55) q.filters = randomTree(r, rows, 2);
    else if (f < 0.7) q.filters = { and: [randomTree(r, rows, 1), { field: 'viewed_at', op: pick(['gte', 'lt', 'eq']), value: isoMicros(viewAt()) }] } as Json;
    if (r() < 0.5) {
      const by = [...q.measures, ...(q.dimensions ?? []), ...(q.time ? ['period'] : [])];
      q.order = some(by, 1 + Math.floor(r() * 2)).map((b) => {
        const d = r();
        return d < 0.4 ? { by: b, dir: 'desc' } : d < 0.8 ? { by: b, dir: 'asc' } : { by: b };
      });
    }
    if (r() < 0.6) q.limit = 100_000;
    return made >= ALL_DIMENSIONS.length + COMBOS.length && r() < (options.simple ?? 0.3) ? simple(q) : q;
  };

  /** A question shaped like the fixed endpoints' (one relation key or none, counts, a whole-
   *  day or rolling window, mostly UTC, one filter leaf or none): the engine answers these by
   *  its fast paths (rollups, distinct sets, first-seen columns). */
  const simple = (q: Question): Question => {
    const s: Question = { measures: some(r() < 0.8 ? ['views', 'blogs', 'viewers'] : Object.keys(MEASURES), 1 + Math.floor(r() * 3)), as_of: q.as_of! };
    if (r() < 0.8) s.dimensions = [pick(['country', 'user', 'blog', 'blog__author', 'blog__country'])];
    if (r() < 0.4) s.time = { granularity: pick(['day', 'week', 'month', 'year'] as const), ...(r() < 0.5 ? { fill: true } : {}), ...(r() < 0.3 ? { compare: 'previous' as const } : {}) };
    const tz = r() < 0.7 ? 'UTC' : pick(ZONES);
    if (tz !== 'UTC') s.tz = tz;
    if (r() < 0.5) s.range = pick(['week', 'month', 'year', 'all']);
    else [s.start, s.end] = [instant(tz).slice(0, 10), instant(tz).slice(0, 10)].sort() as [string, string];
    const f = r();
    if (f < 0.5 && options.filters !== false) s.filters = randomTree(r, rows, 0);
    if (r() < 0.3) s.order = [{ by: pick(s.measures), dir: pick(['asc', 'desc'] as const) }];
    if (r() < 0.5) s.limit = 100_000;
    return s;
  };

  return () => {
    for (;;) {
      const question = draw();
      try {
        const answer = referenceQuery(question, rows);
        made++;
        return { question, answer };
      } catch (e) {
        // Too big to compare, or a start not before the end (a 400, tested apart): again.
        if (!(e instanceof TooBig) && !(e instanceof EmptyWindow)) throw e;
      }
    }
  };
}
