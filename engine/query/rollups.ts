// Reading a window from rollups where that gives exactly the fact table's answer: a window
// that holds every row reads the family's `all` grain (one row per key); otherwise it is
// cut, in UTC, into whole months (month rollup), whole days (day rollup) and the partial
// days at its edges (fact table). A rollup family is used only when it holds every column
// the query needs; otherwise the whole window comes from the fact table. A snapshot builds
// only the grains that pay for themselves (data/rollup-choice.ts): a family may lack any.
import type { Catalog, RollupDef } from '../catalog.ts';
import { formatUtc, instantBefore as lt, parseUtc, utcMs } from '../values.ts';
import type { Instant } from '../values.ts';
import type { TimeWindow } from './spec.ts';

/** A half-open slice [from, to) of a window (from null: unbounded), read from `source`;
 *  `to` is null only for an `all` grain, which has no buckets and takes no condition. */
export interface Segment {
  readonly source: { readonly kind: 'fact' } | { readonly kind: 'rollup'; readonly table: string };
  readonly from: string | null;
  readonly to: string | null;
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

/** The grains of one rollup family that a query may read: those the snapshot holds. */
export interface Family {
  readonly day?: RollupDef | undefined;
  readonly month?: RollupDef | undefined;
  /** One row per key over all the data (no bucket): read for windows that hold every row. */
  readonly all?: RollupDef | undefined;
}

/** The first rollup family (smallest first) holding every needed column (and the sums of
 *  every column in `sums`) in some grain the snapshot has (`built`: every grain when
 *  absent). `grains` limits the grains a caller can read (a series needs buckets). */
export function chooseFamily(
  catalog: Catalog,
  needed: ReadonlySet<string>,
  sums: ReadonlySet<string> = new Set(),
  built?: ReadonlySet<string>,
  grains: readonly RollupDef['grain'][] = ['day', 'month', 'all'],
): Family | undefined {
  // A rollup of some rows only (RollupDef.where) is read by exact-rollup.ts and
  // counted-segments.ts alone; one keyed by paths too (RollupDef.paths), by the latter.
  const holds = (r: RollupDef) =>
    r.where === undefined &&
    (r.paths ?? []).length === 0 &&
    (built === undefined || built.has(r.name)) && grains.includes(r.grain) && [...needed].every((c) => r.columns.includes(c)) && [...sums].every((c) => r.sums?.includes(c));
  for (const family of catalog.rollups) {
    const pick = (g: RollupDef['grain']) => family.find((r) => r.grain === g && holds(r));
    const f = { day: pick('day'), month: pick('month'), all: pick('all') };
    if (f.day || f.month || f.all) return f;
  }
  return undefined;
}

/** The instants the fact table's rows span (UTC text, as windows are written). */
export interface TimeSpan {
  readonly min: string;
  readonly max: string;
}

/** Whether a window holds every row of data spanning `span`: its start (if any) at or
 *  before the first row, its end after the last. */
export function holdsAll(w: TimeWindow, span: TimeSpan | undefined): boolean {
  if (span === undefined) return false;
  return (w.start === null || !lt(parse(span.min), parse(w.start))) && lt(parse(span.max), parse(w.end));
}

/** Whether no row of data spanning `span` is at or after the window's end (a window ending
 *  now): every pair with a row in the window has its last row there or later. */
export function endsAfterAll(w: TimeWindow, span: TimeSpan | undefined): boolean {
  return span !== undefined && lt(parse(span.max), parse(w.end));
}

/** The window without its start where that start is at or before the first row of data
 *  spanning `span` (the same rows either way). */
export function unbounded(w: TimeWindow, span: TimeSpan | undefined): TimeWindow {
  return w.start !== null && span !== undefined && !lt(parse(span.min), parse(w.start)) ? { ...w, start: null } : w;
}

/** Cuts a window into segments: the `all` grain alone where the window holds every row of
 *  `span`; else whole months, whole days and the rest from the fact table, as the family
 *  has them (a month grain without a day grain leaves the partial months to the fact). */
export function decompose(w: TimeWindow, family: { month?: Named | undefined; day?: Named | undefined; all?: Named | undefined }, span?: TimeSpan): Segment[] {
  const fact = { kind: 'fact' } as const;
  const rollup = (r: Named) => ({ kind: 'rollup', table: r.name }) as const;
  if (family.all && holdsAll(w, span)) return [{ source: rollup(family.all), from: null, to: null }];
  const whole = (from: string | null, to: string): Segment[] => [{ source: fact, from, to }];
  const e = parse(w.end);
  const s = w.start === null ? null : parse(w.start);
  if (!family.day) {
    if (!family.month) return whole(w.start, w.end);
    const m0 = s === null ? null : ceilMonth(s);
    const m1 = floorMonth(e);
    if (m0 !== null && !lt(m0, m1)) return whole(w.start, w.end);
    return [
      ...(s !== null && lt(s, m0!) ? whole(w.start, fmt(m0!)) : []),
      { source: rollup(family.month), from: m0 === null ? null : fmt(m0), to: fmt(m1) },
      ...(lt(m1, e) ? whole(fmt(m1), w.end) : []),
    ];
  }
  const day = family.day;
  const d1 = floorDay(e);
  const d0 = s === null ? null : ceilDay(s);
  if (d0 !== null && !lt(d0, d1)) return whole(w.start, w.end);
  const out: Segment[] = [];
  if (s !== null && lt(s, d0!)) out.push({ source: fact, from: w.start, to: fmt(d0!) });
  const m0 = d0 === null ? null : ceilMonth(d0);
  const m1 = floorMonth(d1);
  if (family.month && (m0 === null || lt(m0, m1))) {
    if (d0 !== null && lt(d0, m0!)) out.push({ source: rollup(day), from: fmt(d0), to: fmt(m0!) });
    out.push({ source: rollup(family.month), from: m0 === null ? null : fmt(m0), to: fmt(m1) });
    if (lt(m1, d1)) out.push({ source: rollup(day), from: fmt(m1), to: fmt(d1) });
  } else {
    out.push({ source: rollup(day), from: d0 === null ? null : fmt(d0), to: fmt(d1) });
  }
  if (lt(d1, e)) out.push({ source: fact, from: fmt(d1), to: w.end });
  return out;
}

/** For counts that add up over rows (views, first- and last-ever counts), from a family
 *  with months and no days: a window starting inside a month and ending past it, read as
 *  from that month's start (added) less the part before the start (subtracted, from the
 *  fact table), where that part is the shorter side of the start: a month's rollup rows
 *  and a day's views instead of 29 days' views. Undefined where it would read no less. */
export function subtractedStart(w: TimeWindow, family: { month?: Named | undefined; day?: Named | undefined; all?: Named | undefined }, span?: TimeSpan): { add: Segment[]; subtract: Segment } | undefined {
  if (w.start === null || family.day || !family.month) return undefined;
  const s = parse(w.start);
  const [m0, m1] = [floorMonth(s), ceilMonth(s)];
  if (!lt(m0, s) || lt(parse(w.end), m1) || s.ms - m0.ms >= m1.ms - s.ms) return undefined;
  return { add: decompose({ start: fmt(m0), end: w.end }, family, span), subtract: { source: { kind: 'fact' }, from: fmt(m0), to: w.start } };
}
