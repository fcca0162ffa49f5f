// GET|POST /api/v1/members/sessions (SPEC-members section 4): the distribution of merged
// period lengths in the window (clipped to it) over seven length buckets, with their count,
// mean, median and 90th percentile (nearest rank). CSV and Arrow hold the buckets. Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import type { ActivityPlan } from '../../query/nodes.ts';
import { common } from '../../request.ts';
import { activityPlan, activityZone, fileName, windowZone } from './activity-common.ts';

// `tz` only reads a date-only start / end (`member` as everywhere: UTC); lengths need no calendar.
export const SessionsParams = z.object({ ...common, tz: activityZone('UTC') });
export type SessionsInput = z.output<typeof SessionsParams>;

const COLUMNS: Columns = [
  ['label', 'string'],
  ['min_seconds', 'int'],
  ['max_seconds', 'int'],
  ['count', 'int'],
];

export const sessions: Endpoint<SessionsInput, ActivityPlan> = {
  name: 'sessions',
  operation: 'MembersSessions',
  answerSchema: 'MembersSessionsAnswer',
  summary: 'Lengths of merged activity periods: seven buckets, count, mean, median and 90th percentile',
  schema: SessionsParams,
  defaultRange: 'month',
  windowZone,
  filename: (_i, w) => fileName('sessions', w),
  ask: (i, window, ctx) => activityPlan({ ...i, tz: 'UTC' }, window, ctx, { kind: 'sessions' }),
  plan: (p) => p,
  answer(_i, range, _plan, result) {
    const summary = result.parts?.['summary']?.rows[0] ?? { count: 0, mean: null, median: null, p90: null };
    return { body: { range, ...summary, buckets: result.rows }, columns: COLUMNS, data: result.rows };
  },
};
