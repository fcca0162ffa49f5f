// Awkward member activity for the activity analytics' tests: members in zones with DST
// changes at odd hours (America/Santiago changes at midnight, America/Havana repeats its
// midnight, Pacific/Chatham is +12:45/+13:45, Asia/Kolkata +5:30, the legacy link
// US/Pacific), periods that overlap, touch, repeat, hold no time, cross local midnights and
// DST changes, last days, start before the windows; a member without periods and one with
// only empty ones. All times are whole minutes (the reference counts minute by minute).
// The rows are plain objects, the reference's source of truth.
import { rng } from './helpers.ts';

export interface FxMember {
  readonly id: string;
  readonly real_name: string;
  readonly tz: string;
}
export interface FxPeriod {
  readonly id: number;
  readonly member_id: string;
  /** Epoch milliseconds, whole minutes. */
  readonly start: number;
  readonly end: number;
}
export interface MembersFixture {
  readonly members: readonly FxMember[];
  readonly periods: readonly FxPeriod[];
}

export const ZONES = ['Europe/London', 'America/Santiago', 'Pacific/Chatham', 'Asia/Kolkata', 'US/Pacific', 'America/Havana', 'UTC', 'Asia/Tokyo'] as const;
const NAMES = ["O'Brien", '100%_Club', 'Zoë Ærø', 'plain', 'plain', '日本語', 'back\\slash', 'Smith', 'a_b%c', 'Ann'];

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

/** Ids whose text order is not their numeric or insertion order; a few share a prefix. */
function uuid(i: number, r: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  return `${i % 5 === 0 ? 'aaaaaaaa' : hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

export function membersFixture(seed = 17): MembersFixture {
  const r = rng(seed);
  const members: FxMember[] = [];
  for (let i = 0; i < 26; i++) members.push({ id: uuid(i, r), real_name: NAMES[i % NAMES.length]!, tz: ZONES[i % ZONES.length]! });
  const periods: FxPeriod[] = [];
  const add = (m: number, start: number, end: number) => periods.push({ id: periods.length + 1, member_id: members[m]!.id, start, end });
  // Member 0 (London): overlapping periods across the spring change (01:00Z) and midnight,
  // then one touching the merged run's end.
  add(0, at('2024-03-30T22:00:00Z'), at('2024-03-31T03:00:00Z'));
  add(0, at('2024-03-31T00:30:00Z'), at('2024-03-31T05:00:00Z'));
  add(0, at('2024-03-31T05:00:00Z'), at('2024-03-31T06:00:00Z'));
  add(0, at('2024-10-26T23:00:00Z'), at('2024-10-27T02:30:00Z'));
  // Member 1 (Santiago): across the night the clocks go back at local midnight (Apr 6 has
  // 25 hours) and the one they skip it (Sep 8 starts at 01:00).
  add(1, at('2024-04-06T23:00:00Z'), at('2024-04-07T06:00:00Z'));
  add(1, at('2024-09-08T02:00:00Z'), at('2024-09-08T06:00:00Z'));
  add(1, at('2024-09-07T23:59:00Z'), at('2024-09-08T00:01:00Z'));
  // Member 2 (Chatham): across its change (14:00Z) and its midnight (10:15Z / 11:15Z).
  add(2, at('2024-04-06T10:00:00Z'), at('2024-04-06T16:00:00Z'));
  add(2, at('2024-09-28T13:00:00Z'), at('2024-09-28T15:30:00Z'));
  // Member 3 (Kolkata): a day and more, over two local midnights (18:30Z).
  add(3, at('2024-03-31T18:00:00Z'), at('2024-04-01T20:00:00Z'));
  // Member 4 (US/Pacific): an empty period, a one-minute one, across the autumn change.
  add(4, at('2024-04-02T12:00:00Z'), at('2024-04-02T12:00:00Z'));
  add(4, at('2024-04-02T12:10:00Z'), at('2024-04-02T12:11:00Z'));
  add(4, at('2024-11-03T08:00:00Z'), at('2024-11-03T10:30:00Z'));
  // Member 5 (Havana): over its repeated midnight (01:00 CDT -> 00:00 CST at 05:00Z) and its
  // skipped one (00:00 CST -> 01:00 CDT at 05:00Z in March).
  add(5, at('2024-11-03T03:30:00Z'), at('2024-11-03T06:30:00Z'));
  add(5, at('2024-03-10T04:30:00Z'), at('2024-03-10T05:30:00Z'));
  // Member 6 has no periods; member 7 only empty ones.
  add(7, at('2024-04-01T10:00:00Z'), at('2024-04-01T10:00:00Z'));
  add(7, at('2024-10-30T10:00:00Z'), at('2024-10-30T10:00:00Z'));
  // Member 8: five days across the windows' starts; member 9: the same period three times.
  add(8, at('2024-03-22T06:00:00Z'), at('2024-03-27T06:00:00Z'));
  add(8, at('2024-10-22T06:00:00Z'), at('2024-10-27T06:00:00Z'));
  for (let k = 0; k < 3; k++) add(9, at('2024-04-03T23:15:00Z'), at('2024-04-04T01:45:00Z'));
  // Member 10: first activity long before every window.
  add(10, at('2023-01-01T00:00:00Z'), at('2023-01-01T01:00:00Z'));
  // ... and, in a window, a run ending on the hour and the next starting inside that hour
  // (a start of a member not active at the hour's first instant).
  add(10, at('2024-10-29T08:00:00Z'), at('2024-10-29T09:00:00Z'));
  add(10, at('2024-10-29T09:20:00Z'), at('2024-10-29T09:40:00Z'));
  // Random periods near the DST changes for the others (and some more for all).
  const anchors = ['2024-03-31T01:00:00Z', '2024-04-07T03:00:00Z', '2024-04-06T14:00:00Z', '2024-09-08T04:00:00Z', '2024-09-28T14:00:00Z', '2024-10-27T01:00:00Z', '2024-11-03T09:00:00Z', '2024-11-03T05:00:00Z', '2024-03-10T10:00:00Z'].map(at);
  const lengths = [0, 1, 7, 30, 59, 61, 240, 600, 1439, 1500, 4000];
  for (let m = 11; m < members.length; m++) {
    for (let k = 0; k < 9; k++) {
      const anchor = anchors[Math.floor(r() * anchors.length)]!;
      const start = anchor + Math.round((r() - 0.5) * 6 * DAY / MIN) * MIN;
      const len = lengths[Math.floor(r() * lengths.length)]! * MIN;
      add(m, start, start + len);
      // Some overlap the one before.
      if (r() < 0.3) add(m, start + Math.floor(len / 2 / MIN) * MIN, start + len + 45 * MIN);
    }
  }
  return { members, periods };
}

/** A UTC timestamp as DuckDB's text (`YYYY-MM-DD HH:MM:SS`). */
export const sqlTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
