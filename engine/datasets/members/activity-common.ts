// What the members' activity endpoints (SPEC-members section 4) share: the `tz` member (an
// IANA zone, or `member`: each member's own zone's calendar), the plan each asks (an
// activity plan over the members' periods, filters rooted at the member), and the window
// zone of date-only start / end. Pure.
import { z } from 'zod';
import type { Common, PlanContext } from '../../endpoint.ts';
import type { ActivityPlan, ActivityQuestion } from '../../query/nodes.ts';
import type { TimeWindow } from '../../query/spec.ts';
import { MEMBER_ACTIVITY } from './intervals.ts';

/** The word that asks for each member's own zone. */
export const OWN_ZONE = 'member';

/** `tz`, with its default. */
export const activityZone = (fallback: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .default(fallback)
    .describe("IANA zone whose calendar days, hours and weekdays count, or `member`: each member's own zone (a member in Tokyo is active on the Tokyo date)");

/** With `tz=member` the window is one for everybody: a date-only start / end is read in UTC. */
export const windowZone = (i: Common): string => (i.tz === OWN_ZONE ? 'UTC' : i.tz);

export function activityPlan(i: Common, window: TimeWindow, ctx: PlanContext, question: ActivityQuestion): ActivityPlan {
  return {
    kind: 'activity',
    dataset: 'members',
    window,
    intervals: MEMBER_ACTIVITY.name,
    filter: ctx.parseFilter(i.filters, '/filters', MEMBER_ACTIVITY.entity),
    zone: i.tz === OWN_ZONE ? { kind: 'entity' } : { kind: 'fixed', tz: i.tz },
    question,
  };
}

/** A download's name: the endpoint and the window's last day. */
export const fileName = (name: string, w: TimeWindow): string => `members-${name}-${w.end.slice(0, 10)}`;
