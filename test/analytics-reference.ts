// The analytics of spec section 5 computed in plain JavaScript from the source's rows
// (flat-views.ts), the filter evaluated by filter-semantics.ts: a reference for the engine's
// answers that shares no SQL, no layout and no code with it.
import { expect } from 'vitest';
import type { AnalyticsResult, GroupRow, QuerySpec, SeriesRow } from '../engine/index.ts';
import { bucketOf, labelOf, nextBucket, ymd } from './calendar.ts';
import { exactGrowth } from './series-reference.ts';
import { blogSideConjuncts, holds } from './filter-semantics.ts';
import type { Json } from './filter-semantics.ts';
import { displayName } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';

export interface SourceRows {
  readonly views: readonly ViewRow[];
  readonly blogs: readonly ViewRow[];
}

/** Epoch microseconds of a `YYYY-MM-DD HH:MM:SS[.ffffff]` UTC text (a spec's window). */
export function micros(text: string): number {
  const [date, time = '00:00:00'] = text.split(' ');
  const [hms, frac = ''] = time.split('.');
  return Date.parse(`${date}T${hms}Z`) * 1000 + Number((frac + '000000').slice(0, 6));
}

type Group = { key: string; x: (r: ViewRow) => string; y: ((r: ViewRow) => string) | 'distinct blogs' };
const GROUPS: Record<string, Group> = {
  viewer_country: { key: 'country', x: (r) => r['country__name'] as string, y: 'distinct blogs' },
  viewer: { key: 'user', x: (r) => displayName(r['user__username'], r['user__first_name'], r['user__last_name']), y: 'distinct blogs' },
  author: { key: 'blog__author', x: (r) => displayName(r['blog__author__username'], r['blog__author__first_name'], r['blog__author__last_name']), y: 'distinct blogs' },
  blog: { key: 'blog', x: (r) => r['blog__title'] as string, y: (r) => r['blog__author__username'] as string },
};

const asNode = (f: Json) => f as { [k: string]: Json };

function grouped(spec: Extract<QuerySpec, { kind: 'blog-views' | 'top' }>, filter: Json | undefined, views: readonly ViewRow[]): AnalyticsResult {
  const g = GROUPS[spec.kind === 'blog-views' ? { country: 'viewer_country', user: 'viewer' }[spec.objectType] : { user: 'author', country: 'viewer_country', blog: 'blog' }[spec.topType]]!;
  const start = spec.window.start === null ? null : micros(spec.window.start);
  const end = micros(spec.window.end);
  const acc = new Map<number, { x: string; y: string | Set<number>; z: number }>();
  for (const v of views) {
    const at = v['_at'] as number;
    const id = v[g.key] as number | null;
    if (id === null || at >= end || (start !== null && at < start)) continue;
    if (filter !== undefined && !holds(asNode(filter), v)) continue;
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { x: g.x(v), y: g.y === 'distinct blogs' ? new Set() : g.y(v), z: 0 }));
    a.z++;
    if (a.y instanceof Set) a.y.add(v['blog'] as number);
  }
  const all: GroupRow[] = [...acc].map(([id, a]) => ({ id, x: a.x, y: a.y instanceof Set ? a.y.size : a.y, z: a.z }));
  all.sort((p, q) => q.z - p.z || p.id - q.id);
  const offset = spec.kind === 'blog-views' ? spec.offset : 0;
  return { kind: 'grouped', total: all.length, rows: all.slice(offset, offset + spec.limit) };
}

export interface SeriesQuestion {
  readonly period: string;
  readonly tz: string;
  /** Epoch microseconds; start null: no lower bound. */
  readonly start: number | null;
  readonly end: number;
  readonly author?: number | null;
  /** Restricts the views, and the blogs counted. */
  readonly view?: (r: ViewRow) => boolean;
  readonly blog?: (r: ViewRow) => boolean;
}

export function referenceSeries(o: SeriesQuestion, data: SourceRows): SeriesRow[] {
  const inWin = (t: number) => (o.start === null || t >= o.start) && t < o.end;
  const ofAuthor = (r: ViewRow) => o.author === undefined || o.author === null || r['blog__author'] === o.author;
  const count = (rows: readonly ViewRow[], at: string, keep: ((r: ViewRow) => boolean) | undefined) => {
    const out = new Map<number, number>();
    for (const r of rows) {
      const t = r[at] as number;
      if (!inWin(t) || !ofAuthor(r) || (keep && !keep(r))) continue;
      const b = bucketOf(Math.floor(t / 1000), o.tz, o.period);
      out.set(b, (out.get(b) ?? 0) + 1);
    }
    return out;
  };
  const vc = count(data.views, '_at', o.view);
  const bc = count(data.blogs, '_created', o.blog);
  const all = [...vc.keys(), ...bc.keys()];
  if (all.length === 0) return [];
  const out: SeriesRow[] = [];
  let prev: number | null = null;
  for (let b = Math.min(...all); b <= Math.max(...all); b = nextBucket(b, o.period)) {
    const n = vc.get(b) ?? 0;
    // Exact percentage, rounded half away from zero (binary doubles miss ties like 0.575).
    const growth = prev === null ? null : exactGrowth(n, prev);
    out.push({ period: ymd(b), label: labelOf(b, o.period), blogs: bc.get(b) ?? 0, views: n, growth });
    prev = n;
  }
  return out;
}

/** The answer to a spec (whose filter was parsed from `filter`), from the source's rows. */
export function referenceAnswer(spec: QuerySpec, filter: Json | undefined, data: SourceRows): AnalyticsResult {
  if (spec.kind !== 'performance') return grouped(spec, filter, data.views);
  const blogSide = blogSideConjuncts(filter);
  return {
    kind: 'series',
    rows: referenceSeries(
      {
        period: spec.compare, tz: spec.tz, start: spec.window.start === null ? null : micros(spec.window.start), end: micros(spec.window.end), author: spec.userId,
        ...(filter === undefined ? {} : { view: (r: ViewRow) => holds(asNode(filter), r) }),
        blog: (r) => blogSide.every((c) => holds(asNode(c), r)),
      },
      data,
    ),
  };
}

/** Equal answers, growth included: both round the exact percentage half away from zero. */
export function expectSameAnswer(got: AnalyticsResult, want: AnalyticsResult, what: string): void {
  expect(got, what).toEqual(want);
}
