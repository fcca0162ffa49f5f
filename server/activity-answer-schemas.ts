// The members' activity analytics' JSON answers (SPEC-members section 4), as zod schemas:
// OpenAPI components beside those of answer-schemas.ts, and what the tests check real
// answers against. Each mirrors the answer() of its endpoint (engine/datasets/members/).
import { z } from 'zod';
import { Window, count, rangeApplied } from './answer-schemas.ts';

const tz = z.string().describe("the zone asked: an IANA name, or `member` (each member's own)");
const seconds = z.number().min(0).describe('seconds (whole for whole-second data)');

export const MembersActiveAnswer = z.object({
  compare: z.enum(['day', 'week', 'month']),
  tz,
  range: rangeApplied,
  data: z
    .array(
      z.object({
        period: z.string().describe("the bucket's first day, YYYY-MM-DD"),
        label: z.string().meta({ examples: ['2025-11-03', '2025-W45', '2025-11'] }),
        active: count.describe('members with activity in the bucket (inside the window)'),
        new: count.describe("members whose first activity ever starts in the bucket (inside the window)"),
        wau: count.optional().describe('compare=day: members active in the 7 days ending with this one (inside the window)'),
        mau: count.optional().describe('compare=day: members active in the 30 days ending with this one (inside the window)'),
        stickiness: z.number().min(0).max(100).nullable().optional().describe('compare=day: active / mau in percent, two decimals; null when mau is 0'),
      }),
    )
    .describe('every bucket the window touches, oldest first, empty ones zero'),
  window: Window,
});

export const MembersActivityTimeAnswer = z.object({
  tz,
  range: rangeApplied,
  count: count.describe('rows in all pages'),
  limit: z.number().int(),
  offset: count,
  next: z.string().nullable().describe('path and query of the next page (as_of pinned), or null'),
  previous: z.string().nullable().describe('path and query of the previous page, or null'),
  data: z
    .array(z.object({ member_id: z.uuid(), real_name: z.string(), date: z.string().describe('YYYY-MM-DD in tz'), seconds: seconds.describe('active seconds that day') }))
    .describe('per member and day with activity; by date, then member id'),
  window: Window,
});

export const MembersConcurrencyAnswer = z.object({
  bucket: z.enum(['minute', '5m', '15m', 'hour', 'day']),
  tz,
  range: rangeApplied,
  peak: z
    .object({ members: count, at: z.string().nullable().describe('the first instant the peak is reached (null with no activity)') })
    .describe('the most members active at one instant in the window'),
  data: z
    .array(
      z.object({
        period: z.string().meta({ examples: ['2025-11-03T05:30:00.000Z', '2025-11-03T09:00:00'] }).describe("the bucket's start: an ISO instant (UTC); with tz=member a wall-clock time without offset"),
        peak: count.describe('the most members active at one instant of the bucket'),
        members: count.describe('members active at any time in the bucket'),
      }),
    )
    .describe('every bucket the window touches, oldest first'),
  window: Window,
});

export const MembersSessionsAnswer = z.object({
  range: rangeApplied,
  count: count.describe('merged periods in the window'),
  mean: z.number().nullable().describe('seconds, two decimals, half up; null with none'),
  median: seconds.nullable().describe('nearest rank; null with none'),
  p90: seconds.nullable().describe('nearest rank; null with none'),
  buckets: z
    .array(z.object({ label: z.string(), min_seconds: count, max_seconds: count.nullable().describe('exclusive; null: no bound'), count }))
    .describe('the seven length buckets, shortest first'),
  window: Window,
});

export const MembersHeatmapAnswer = z.object({
  tz,
  range: rangeApplied,
  data: z
    .array(
      z.object({
        weekday: z.number().int().min(1).max(7).describe('ISO: 1 = Monday'),
        hour: z.number().int().min(0).max(23),
        member_seconds: seconds.describe('active seconds in the cell, summed over members'),
        members: count.describe('members active in the cell at least once'),
      }),
    )
    .describe('168 cells by weekday, then hour'),
  window: Window,
});

export const ACTIVITY_ANSWERS = { MembersActiveAnswer, MembersActivityTimeAnswer, MembersConcurrencyAnswer, MembersSessionsAnswer, MembersHeatmapAnswer } as const;
