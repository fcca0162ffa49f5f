// The questions the activity analytics' tests ask of the fixture: windows around the DST
// changes (as request members and as the reference's instants), zones, and member filters
// (as request JSON, as the parsed tree the plans hold, and as a predicate written by hand).
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { buildFields } from '../engine/fields.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import type { FilterNode } from '../engine/filter/parse.ts';
import type { TimeWindow } from '../engine/query/spec.ts';
import type { FxMember, MembersFixture } from './members-activity-fixture.ts';
import type { Json } from './filter-semantics.ts';

export interface WindowCase {
  /** Request members. */
  readonly ask: Record<string, string>;
  /** The plan's window (UTC text) and the reference's (epoch ms). */
  readonly plan: TimeWindow;
  readonly ref: { readonly start: number | null; readonly end: number };
}

const utc = (iso: string) => iso.replace('T', ' ').replace('Z', '');
const explicit = (start: string, end: string): WindowCase => ({ ask: { start, end }, plan: { start: utc(start), end: utc(end) }, ref: { start: Date.parse(start), end: Date.parse(end) } });

export const AS_OF = '2024-11-20T12:34:00Z';

/** Spring changes (London, Havana, US/Pacific), autumn ones (Santiago and Chatham in April;
 *  London, US/Pacific and Havana in Oct/Nov), Santiago's and Chatham's spring in September,
 *  a rolling month, a window starting mid-day. */
export const WINDOWS: readonly WindowCase[] = [
  explicit('2024-03-25T00:00:00Z', '2024-04-12T00:00:00Z'),
  explicit('2024-10-25T00:00:00Z', '2024-11-08T00:00:00Z'),
  explicit('2024-09-01T00:00:00Z', '2024-10-01T00:00:00Z'),
  explicit('2024-03-09T13:37:00Z', '2024-03-12T00:00:00Z'),
  { ask: { range: 'month', as_of: AS_OF }, plan: { start: '2024-10-21 12:34:00', end: '2024-11-20 12:34:00' }, ref: { start: Date.parse('2024-10-21T12:34:00Z'), end: Date.parse(AS_OF) } },
];

export const FIXED_ZONES = ['Europe/London', 'America/Santiago', 'Pacific/Chatham', 'Asia/Kolkata', 'US/Pacific', 'America/Havana'] as const;

/** Window i of those a zone other than UTC reads from UTC's days with (activity-zoned-days.ts):
 *  around the fixture's DST changes, cut at many hours and minutes (every sixth start and
 *  every fourth end on a UTC midnight), in zones that repeat and skip hours and midnights,
 *  at +05:30, +09:00 and +12:45. Epoch milliseconds. */
export function zonedWindow(i: number): { start: number; end: number; tz: string } {
  const zones = ['Europe/London', 'America/Santiago', 'America/Havana', 'Pacific/Chatham', 'Asia/Kolkata', 'US/Pacific', 'Asia/Tokyo'];
  const pairs = [['2024-03-28T00:00:00Z', '2024-04-12T00:00:00Z'], ['2024-10-24T00:00:00Z', '2024-11-08T00:00:00Z'], ['2024-09-02T00:00:00Z', '2024-09-30T00:00:00Z']] as const;
  const [a, b] = pairs[i % 3]!;
  const shift = i % 6 === 0 ? 0 : ((i * 5) % 23) * 3600_000 + ((i * 7) % 60) * 60_000;
  const cut = i % 4 === 1 ? 0 : ((i * 11) % 23) * 3600_000 + (i % 3) * 60_000;
  return { start: Date.parse(a) + shift, end: Date.parse(b) - cut, tz: zones[i % zones.length]! };
}

export interface FilterCase {
  readonly json: Json;
  readonly keep: (m: FxMember) => boolean;
}

export function filterCases(fx: MembersFixture): FilterCase[] {
  const periodsOf = (m: FxMember) => fx.periods.filter((p) => p.member_id === m.id);
  return [
    { json: { field: 'tz', op: 'in', value: ['America/Santiago', 'America/Havana', 'US/Pacific'] }, keep: (m) => ['America/Santiago', 'America/Havana', 'US/Pacific'].includes(m.tz) },
    { json: { not: { field: 'real_name', op: 'contains', value: 'PLAIN' } }, keep: (m) => !m.real_name.toLowerCase().includes('plain') },
    // One-to-many: some period of the member a day long or more.
    { json: { field: 'activity_periods__duration', op: 'gte', value: 86400 }, keep: (m) => periodsOf(m).some((p) => p.end - p.start >= 86_400_000) },
    { json: { or: [{ field: 'real_name', op: 'eq', value: "O'Brien" }, { field: 'tz', op: 'startswith', value: 'pacific/' }] }, keep: (m) => m.real_name === "O'Brien" || m.tz.toLowerCase().startsWith('pacific/') },
  ];
}

const memberFields = buildFields(membersDataset.catalog, 'member');
/** A filter's JSON as the tree an endpoint puts in its plan (rooted at the member). */
export const parsedFilter = (json: Json): FilterNode | undefined => parseFilter(json, membersDataset.catalog, memberFields, '/filters');
