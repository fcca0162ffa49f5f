// The members dataset's lists and the old /fetch/ answer (SPEC-members sections 2 and 3), as
// zod schemas: OpenAPI components beside those of answer-schemas.ts. The activity
// analytics' answers: activity-answer-schemas.ts.
import { z } from 'zod';
import { count, Window, instant } from './answer-schemas.ts';

// Times in the member's own zone, with its offset at that instant.
const zonedInstant = z.string().meta({ examples: ['2020-06-20T17:29:00+03:00'] }).describe("ISO 8601 in the member's zone, with its offset at that instant");
const memberRow = {
  id: z.uuid().describe('lowercase'),
  real_name: z.string(),
  tz: z.string().describe('an IANA zone (legacy links such as US/Pacific included)'),
  activity_periods: z
    .array(z.object({ start_time: zonedInstant, end_time: zonedInstant, duration: count.describe('seconds, sub-second parts dropped') }))
    .describe('by start_time, then id; with window parameters, those that overlap the window'),
};

export const MembersAnswer = z.object({
  count: count.describe('members in all pages'),
  limit: z.number().int(),
  offset: count,
  next: z.string().nullable().describe('path and query of the next page (as_of pinned), or null'),
  previous: z.string().nullable().describe('path and query of the previous page, or null'),
  members: z.array(z.object(memberRow)).describe('by id (lowercase text)'),
  window: Window,
});

export const MemberAnswer = z.object({ ...memberRow, window: Window });

export const FetchAnswer = z
  .object({
    ok: z.literal(true),
    members: z
      .array(
        z.object({
          id: z.uuid(),
          real_name: z.string(),
          tz: z.string(),
          activity: z
            .array(z.object({ start_time: z.string().meta({ examples: ['June 20 2020 14:29'] }), end_time: z.string().meta({ examples: ['July 20 2020 14:29'] }) }))
            .describe('by start_time, then id; UTC, to the minute (seconds dropped)'),
        }),
      )
      .describe('by id (lowercase text)'),
  })
  .describe("the old service's answer, streamed");
