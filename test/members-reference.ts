// Brute-force answers for the members endpoints, computed in TypeScript over the source rows
// (members-fixture.ts): the old service's /fetch/ and the member lists. Times are written by
// hand from Date's UTC fields and Intl (the zone's offset at each instant), never by the
// engine's code or DuckDB.
import type { MemberRow, PeriodRow } from './members-fixture.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const msOf = (us: number) => Math.floor(us / 1000);

/** The old service's format: `June 20 2020 14:29`, UTC, seconds dropped. */
export function oldTime(us: number): string {
  const d = new Date(msOf(us));
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** ISO 8601 wall time in `tz` with the zone's offset at that instant (Intl's `longOffset`:
 *  GMT, GMT+05:30, GMT+09:18:59); fraction digits only where there are microseconds. */
export function zonedIso(us: number, tz: string): string {
  let off = offsetFormats.get(tz);
  if (!off) offsetFormats.set(tz, (off = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })));
  let wall = wallFormats.get(tz);
  if (!wall)
    wallFormats.set(
      tz,
      (wall = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })),
    );
  const at = new Date(msOf(us));
  const name = off.formatToParts(at).find((p) => p.type === 'timeZoneName')!.value;
  const offset = name === 'GMT' ? '+00:00' : name.slice(3);
  const p = Object.fromEntries(wall.formatToParts(at).map((x) => [x.type, x.value]));
  const micros = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  const fraction = micros === 0 ? '' : `.${pad(micros, 6)}`;
  return `${p['year']}-${p['month']}-${p['day']}T${p['hour']}:${p['minute']}:${p['second']}${fraction}${offset}`;
}

/** A period's length in whole seconds. */
export const seconds = (p: PeriodRow): number => Math.floor((p.end - p.start) / 1_000_000);

/** Members by id text; each member's periods by start, then id. */
export function grouped(members: readonly MemberRow[], periods: readonly PeriodRow[]): { member: MemberRow; periods: PeriodRow[] }[] {
  const by = new Map<string, PeriodRow[]>();
  for (const p of periods) {
    const list = by.get(p.member_id) ?? [];
    list.push(p);
    by.set(p.member_id, list);
  }
  return [...members]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((member) => ({ member, periods: (by.get(member.id) ?? []).sort((a, b) => a.start - b.start || a.id - b.id) }));
}

/** GET /fetch/ with `limit` / `offset`. */
export function fetchReference(members: readonly MemberRow[], periods: readonly PeriodRow[], limit?: number, offset = 0): unknown {
  const all = grouped(members, periods);
  const page = all.slice(offset, limit === undefined ? undefined : offset + limit);
  return {
    ok: true,
    members: page.map(({ member, periods: ps }) => ({
      id: member.id,
      real_name: member.real_name,
      tz: member.tz,
      activity: ps.map((p) => ({ start_time: oldTime(p.start), end_time: oldTime(p.end) })),
    })),
  };
}

/** A window in epoch microseconds (start null: none). */
export interface Win {
  readonly start: number | null;
  readonly end: number;
}

/** SPEC-members section 3: a period overlaps [start, end) when it starts before the end
 *  and ends after the start, or, of no length, lies in it. */
export const overlapsWindow = (p: PeriodRow, w: Win): boolean => p.start < w.end && (w.start === null || p.end > w.start || p.start >= w.start);

export interface ListedMember {
  id: string;
  real_name: string;
  tz: string;
  activity_periods: { start_time: string; end_time: string; duration: number }[];
}

/** GET /api/v1/members: the members `keep` holds for (over the member and all its periods),
 *  with the periods that overlap `win` (and only members with one, when a window is given). */
export function membersReference(
  members: readonly MemberRow[],
  periods: readonly PeriodRow[],
  keep: (m: MemberRow, ps: readonly PeriodRow[]) => boolean,
  win?: Win,
): ListedMember[] {
  const out: ListedMember[] = [];
  for (const { member, periods: ps } of grouped(members, periods)) {
    if (!keep(member, ps)) continue;
    const shown = win ? ps.filter((p) => overlapsWindow(p, win)) : ps;
    if (win && shown.length === 0) continue;
    out.push({
      id: member.id,
      real_name: member.real_name,
      tz: member.tz,
      activity_periods: shown.map((p) => ({ start_time: zonedIso(p.start, member.tz), end_time: zonedIso(p.end, member.tz), duration: seconds(p) })),
    });
  }
  return out;
}

/** ISO text -> epoch microseconds. */
export const usOf = (iso: string): number => Date.parse(iso) * 1000;
