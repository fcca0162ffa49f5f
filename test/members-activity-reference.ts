// The activity analytics by brute force, minute by minute (the fixture's times are whole
// minutes), with wall-clock times from Intl's zone data: a member is active in the minute
// starting at t when one of its periods has start <= t < end and t lies in the window.
// Nothing here merges periods or cuts them at offsets: runs, days, buckets and peaks are
// read off the sets of active minutes.
import { wallOf } from './query-calendar.ts';
import type { FxMember, MembersFixture } from './members-activity-fixture.ts';

const MIN = 60_000;
const DAY = 86_400_000;

export interface RefAsk {
  /** Epoch ms; start null: unbounded. */
  readonly start: number | null;
  readonly end: number;
  /** An IANA zone, or `member`. */
  readonly tz: string;
  /** Which members the filter keeps. */
  readonly keep?: (m: FxMember) => boolean;
}

const offsets = new Map<string, number>();
/** The wall clock at t (epoch ms read as UTC). Offsets change on quarter hours: cached per one. */
export function wall(t: number, tz: string): number {
  const q = Math.floor(t / (15 * MIN));
  const key = `${tz}|${q}`;
  let o = offsets.get(key);
  if (o === undefined) offsets.set(key, (o = wallOf(q * 15 * MIN, tz) - q * 15 * MIN));
  return t + o;
}

const zoneOf = (m: FxMember, a: RefAsk) => (a.tz === 'member' ? m.tz : a.tz);
const dayOf = (wallMs: number) => Math.floor(wallMs / DAY);
export const dateText = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** Per kept member: its active minutes in the window, ascending. */
export function activeMinutes(fx: MembersFixture, a: RefAsk): Map<FxMember, number[]> {
  const out = new Map<FxMember, number[]>();
  for (const m of fx.members) {
    if (a.keep && !a.keep(m)) continue;
    const set = new Set<number>();
    for (const p of fx.periods) {
      if (p.member_id !== m.id) continue;
      for (let t = p.start; t < p.end; t += MIN) if (t < a.end && (a.start === null || t >= a.start)) set.add(t);
    }
    if (set.size) out.set(m, [...set].sort((x, y) => x - y));
  }
  return out;
}

/** The window's first instant (unbounded: the first active minute). */
function windowStart(act: Map<FxMember, number[]>, a: RefAsk): number | null {
  if (a.start !== null) return a.start;
  const firsts = [...act.values()].map((ts) => ts[0]!);
  return firsts.length ? Math.min(...firsts) : null;
}

/** The wall-clock range of the window: over the zones of the active members for `member`
 *  (UTC where none); for a fixed zone, from its first instant's wall-clock time. The earliest
 *  and latest wall-clock times the window's instants show: where clocks go back, the time
 *  just before is later than the window's last instant's, and the time just after earlier
 *  than its first instant's. Offsets change on quarter hours: each quarter's first and last
 *  minute in the window stand for it. */
function wallRange(act: Map<FxMember, number[]>, a: RefAsk): [number, number] | null {
  const ws = windowStart(act, a);
  if (ws === null) return null;
  const zones = a.tz === 'member' ? [...new Set([...act.keys()].map((m) => m.tz))] : [a.tz];
  if (zones.length === 0) zones.push('UTC');
  const Q = 15 * MIN;
  const times = [ws, a.end - 1];
  for (let q = Math.floor(ws / Q) * Q; q < a.end; q += Q) times.push(Math.max(q, ws), Math.min(q + Q, a.end) - 1);
  const walls = zones.flatMap((z) => times.map((t) => wall(t, z)));
  const lo = a.tz === 'member' ? Math.min(...walls) : wall(ws, a.tz);
  return [lo, Math.max(...walls)];
}

export interface ActiveRow {
  period: string;
  label: string;
  active: number;
  new: number;
  wau?: number;
  mau?: number;
  stickiness?: number | null;
}

function isoWeekLabel(monday: number): string {
  const thursday = new Date((monday + 3) * DAY);
  const y = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(y, 0, 1)) / (7 * DAY)) + 1;
  return `${y}-W${String(week).padStart(2, '0')}`;
}

/** percent, two decimals, half up. */
export function pct(a: number, b: number): number {
  const h = (2n * 10000n * BigInt(a) + BigInt(b)) / (2n * BigInt(b));
  return Number(h) / 100;
}

export function refActive(fx: MembersFixture, a: RefAsk, g: 'day' | 'week' | 'month'): ActiveRow[] {
  const act = activeMinutes(fx, a);
  const range = wallRange(act, a);
  if (!range) return [];
  const bucketOfDay = (d: number): number => {
    if (g === 'day') return d;
    if (g === 'week') return d - ((((d + 3) % 7) + 7) % 7);
    const x = new Date(d * DAY);
    return Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), 1) / DAY;
  };
  const days = new Map<FxMember, Set<number>>();
  for (const [m, ts] of act) days.set(m, new Set(ts.map((t) => dayOf(wall(t, zoneOf(m, a))))));
  const buckets: number[] = [];
  for (let d = dayOf(range[0]); d <= dayOf(range[1]); d++) if (buckets.at(-1) !== bucketOfDay(d)) buckets.push(bucketOfDay(d));
  // First-ever activity: the earliest start of a period holding time, in the window.
  const fresh = new Map<number, number>();
  for (const m of fx.members) {
    if (a.keep && !a.keep(m)) continue;
    const starts = fx.periods.filter((p) => p.member_id === m.id && p.end > p.start).map((p) => p.start);
    if (!starts.length) continue;
    const f = Math.min(...starts);
    if (f >= a.end || (a.start !== null && f < a.start)) continue;
    const b = bucketOfDay(dayOf(wall(f, zoneOf(m, a))));
    fresh.set(b, (fresh.get(b) ?? 0) + 1);
  }
  const within = (lo: number, hi: number) => [...days.values()].filter((s) => [...s].some((d) => d >= lo && d <= hi)).length;
  return buckets.map((b) => {
    const text = dateText(b);
    const row: ActiveRow = {
      period: text,
      label: g === 'day' ? text : g === 'week' ? isoWeekLabel(b) : text.slice(0, 7),
      active: [...days.values()].filter((s) => [...s].some((d) => bucketOfDay(d) === b)).length,
      new: fresh.get(b) ?? 0,
    };
    if (g === 'day') {
      row.wau = within(b - 6, b);
      row.mau = within(b - 29, b);
      row.stickiness = row.mau === 0 ? null : pct(row.active, row.mau);
    }
    return row;
  });
}

export interface TimeRow {
  entity: string;
  real_name: string;
  date: string;
  seconds: number;
}

export function refTime(fx: MembersFixture, a: RefAsk): TimeRow[] {
  const rows: TimeRow[] = [];
  for (const [m, ts] of activeMinutes(fx, a)) {
    const per = new Map<number, number>();
    for (const t of ts) {
      const d = dayOf(wall(t, zoneOf(m, a)));
      per.set(d, (per.get(d) ?? 0) + 60);
    }
    for (const [d, s] of per) rows.push({ entity: m.id, real_name: m.real_name, date: dateText(d), seconds: s });
  }
  return rows.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : x.entity < y.entity ? -1 : x.entity > y.entity ? 1 : 0));
}

export interface SessionsRef {
  buckets: { label: string; min_seconds: number; max_seconds: number | null; count: number }[];
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}

const EDGES: [string, number, number | null][] = [
  ['< 1 min', 0, 60],
  ['1-5 min', 60, 300],
  ['5-15 min', 300, 900],
  ['15-60 min', 900, 3600],
  ['1-4 h', 3600, 14400],
  ['4-24 h', 14400, 86400],
  ['>= 24 h', 86400, null],
];

export function refSessions(fx: MembersFixture, a: RefAsk): SessionsRef {
  // Runs of consecutive active minutes.
  const lens: number[] = [];
  for (const ts of activeMinutes(fx, a).values()) {
    let run = 1;
    for (let i = 1; i <= ts.length; i++) {
      if (i < ts.length && ts[i] === ts[i - 1]! + MIN) run++;
      else {
        lens.push(run * 60);
        run = 1;
      }
    }
  }
  lens.sort((x, y) => x - y);
  const n = lens.length;
  const rank = (p: number) => lens[Math.ceil((p * n) / 100) - 1]!;
  const total = lens.reduce((s, x) => s + x, 0);
  return {
    buckets: EDGES.map(([label, lo, hi]) => ({ label, min_seconds: lo, max_seconds: hi, count: lens.filter((x) => x >= lo && (hi === null || x < hi)).length })),
    count: n,
    mean: n === 0 ? null : pct(total, n * 100),
    median: n === 0 ? null : rank(50),
    p90: n === 0 ? null : rank(90),
  };
}

export interface HeatCell {
  weekday: number;
  hour: number;
  member_seconds: number;
  members: number;
}

export function refHeatmap(fx: MembersFixture, a: RefAsk): HeatCell[] {
  const cells = Array.from({ length: 168 }, (_, i) => ({ weekday: Math.floor(i / 24) + 1, hour: i % 24, member_seconds: 0, who: new Set<string>() }));
  for (const [m, ts] of activeMinutes(fx, a)) {
    for (const t of ts) {
      const w = new Date(wall(t, zoneOf(m, a)));
      const c = cells[((w.getUTCDay() + 6) % 7) * 24 + w.getUTCHours()]!;
      c.member_seconds += 60;
      c.who.add(m.id);
    }
  }
  return cells.map((c) => ({ weekday: c.weekday, hour: c.hour, member_seconds: c.member_seconds, members: c.who.size }));
}

export interface ConcurrencyRef {
  rows: { period: string; peak: number; members: number }[];
  peak: { members: number; at: string | null };
}

const WIDTH = { minute: MIN, '5m': 5 * MIN, '15m': 15 * MIN, hour: 60 * MIN, day: DAY } as const;
const isoInstant = (ms: number) => new Date(ms).toISOString();
const isoWall = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export function refConcurrency(fx: MembersFixture, a: RefAsk, bucket: keyof typeof WIDTH): ConcurrencyRef {
  const w = WIDTH[bucket];
  const act = activeMinutes(fx, a);
  const range = wallRange(act, a);
  if (!range) return { rows: [], peak: { members: 0, at: null } };
  // Per minute of the timeline (instants in a zone; wall-clock times for `member`), who is active.
  const who = new Map<number, Set<string>>();
  for (const [m, ts] of act)
    for (const t of ts) {
      const k = a.tz === 'member' ? wall(t, m.tz) : t;
      let s = who.get(k);
      if (!s) who.set(k, (s = new Set()));
      s.add(m.id);
    }
  // Bucket starts: wall-clock ticks; in a zone, the first minute the clock shows a tick or later.
  const starts: number[] = [];
  const [lo, hi] = range;
  if (a.tz === 'member') {
    for (let k = Math.floor(lo / w); k <= Math.floor(hi / w); k++) starts.push(k * w);
  } else {
    // From two days before the window: inside the second pass of a repeated hour, the
    // bucket holding the window's first instant began before the clocks went back.
    const ws = a.start ?? windowStart(act, a)!;
    const t0 = Math.floor(ws / MIN) * MIN - 2 * DAY;
    let next = Math.floor(wall(t0, a.tz) / w) * w;
    for (let t = t0; t < a.end; t += MIN) {
      const c = wall(t, a.tz);
      if (c >= next) {
        starts.push(t);
        while (next <= c) next += w;
      }
    }
    // Only the buckets from the one holding the window's first instant to the one holding its last.
    while (starts.length > 1 && starts.at(-1)! > a.end - 1) starts.pop();
    while (starts.length > 1 && starts[1]! <= ws) starts.shift();
  }
  // Minutes in time order, walked once alongside the buckets.
  const keys = [...who.keys()].sort((x, y) => x - y);
  let j = 0;
  const rows = starts.map((s, i) => {
    const e = starts[i + 1] ?? Infinity;
    let peak = 0;
    const members = new Set<string>();
    while (j < keys.length && keys[j]! < s) j++;
    for (; j < keys.length && keys[j]! < e; j++) {
      const set = who.get(keys[j]!)!;
      peak = Math.max(peak, set.size);
      for (const x of set) members.add(x);
    }
    return { period: (a.tz === 'member' ? isoWall : isoInstant)(s), peak, members: members.size };
  });
  let best = 0;
  let at: number | null = null;
  for (const k of keys)
    if (who.get(k)!.size > best) {
      best = who.get(k)!.size;
      at = k;
    }
  return { rows, peak: { members: best, at: at === null ? null : (a.tz === 'member' ? isoWall : isoInstant)(at) } };
}
