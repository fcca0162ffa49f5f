// Reading a window from rollups where that gives exactly the fact table's answer: the
// window is cut, in UTC, into whole months (month rollup), whole days (day rollup) and the
// partial days at its edges (fact table). A rollup family is used only when it holds every
// column the query needs; otherwise the whole window comes from the fact table.
import type { Catalog, RollupDef } from '../catalog.ts';
import { formatUtc, instantBefore as lt, parseUtc, utcMs } from '../values.ts';
import type { Instant } from '../values.ts';
import type { TimeWindow } from './spec.ts';

/** A half-open slice [from, to) of a window (from null: unbounded), read from `source`. */
export interface Segment {
  readonly source: { readonly kind: 'fact' } | { readonly kind: 'rollup'; readonly table: string };
  readonly from: string | null;
  readonly to: string;
}

const DAY = 86_400_000;

/** A table of whole UTC days or months: a rollup, or a family of blog sets. */
interface Named {
  readonly name: string;
}

// Window bounds are always formatUtc's 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
const parse = parseUtc;
const fmt = (i: Instant) => formatUtc(i.ms, i.micro);
const atMs = (ms: number): Instant => ({ ms, micro: 0 });

const floorDay = (i: Instant) => atMs(Math.floor(i.ms / DAY) * DAY);
const ceilDay = (i: Instant) => (i.micro === 0 && i.ms % DAY === 0 ? i : atMs(Math.floor(i.ms / DAY) * DAY + DAY));
const floorMonth = (i: Instant) => {
  const d = new Date(i.ms);
  return atMs(utcMs(d.getUTCFullYear(), d.getUTCMonth(), 1));
};
const ceilMonth = (i: Instant) => {
  const f = floorMonth(i);
  if (f.ms === i.ms && i.micro === 0) return i;
  const d = new Date(f.ms);
  return atMs(utcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
};

/** The rollup family (month and day grains) holding every needed column (and the sums of
 *  every column in `sums`), if any. */
export function chooseFamily(catalog: Catalog, needed: ReadonlySet<string>, sums: ReadonlySet<string> = new Set()): { month?: RollupDef; day: RollupDef } | undefined {
  const holds = (r: RollupDef) => [...needed].every((c) => r.columns.includes(c)) && [...sums].every((c) => r.sums?.includes(c));
  for (const family of catalog.rollups) {
    const day = family.find((r) => r.grain === 'day');
    if (!day || !holds(day)) continue;
    const month = family.find((r) => r.grain === 'month' && holds(r));
    return month ? { month, day } : { day };
  }
  return undefined;
}

/** Cuts a window into segments; `month` absent: no month rollup (say, for ISO weeks). */
export function decompose(w: TimeWindow, family: { month?: Named | undefined; day: Named }): Segment[] {
  const fact = { kind: 'fact' } as const;
  const rollup = (r: Named) => ({ kind: 'rollup', table: r.name }) as const;
  const e = parse(w.end);
  const s = w.start === null ? null : parse(w.start);
  const d1 = floorDay(e);
  const d0 = s === null ? null : ceilDay(s);
  if (d0 !== null && !lt(d0, d1)) return [{ source: fact, from: w.start, to: w.end }];
  const out: Segment[] = [];
  if (s !== null && lt(s, d0!)) out.push({ source: fact, from: w.start, to: fmt(d0!) });
  const m0 = d0 === null ? null : ceilMonth(d0);
  const m1 = floorMonth(d1);
  if (family.month && (m0 === null || lt(m0, m1))) {
    if (d0 !== null && lt(d0, m0!)) out.push({ source: rollup(family.day), from: fmt(d0), to: fmt(m0!) });
    out.push({ source: rollup(family.month), from: m0 === null ? null : fmt(m0), to: fmt(m1) });
    if (lt(m1, d1)) out.push({ source: rollup(family.day), from: fmt(m1), to: fmt(d1) });
  } else {
    out.push({ source: rollup(family.day), from: d0 === null ? null : fmt(d0), to: fmt(d1) });
  }
  if (lt(d1, e)) out.push({ source: fact, from: fmt(d1), to: w.end });
  return out;
}
