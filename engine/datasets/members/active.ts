// GET|POST /api/v1/members/active (SPEC-members section 4): per day, ISO week or month of
// the window, in `tz`, the members active in it and the new ones (first activity ever in
// it); per day also WAU, MAU (active in the 7 and 30 days ending with it, inside the
// window) and stickiness (active / MAU, percent). Every bucket of the window present. Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import type { ActivityPlan } from '../../query/nodes.ts';
import { common } from '../../request.ts';
import { activityPlan, activityZone, fileName, windowZone } from './activity-common.ts';

export const ActiveParams = z.object({
  ...common,
  tz: activityZone('UTC'),
  compare: z.enum(['day', 'week', 'month']).default('day').describe('buckets: calendar days, ISO weeks (from Monday) or months'),
});
export type ActiveInput = z.output<typeof ActiveParams>;

const COLUMNS: Columns = [
  ['period', 'string'],
  ['label', 'string'],
  ['active', 'int'],
  ['new', 'int'],
];
const DAILY: Columns = [...COLUMNS, ['wau', 'int'], ['mau', 'int'], ['stickiness', 'float']];

export const active: Endpoint<ActiveInput, ActivityPlan> = {
  name: 'active',
  operation: 'MembersActive',
  answerSchema: 'MembersActiveAnswer',
  summary: 'Active and new members per day, week or month; per day also WAU, MAU and stickiness',
  schema: ActiveParams,
  defaultRange: 'month',
  windowZone,
  filename: (i, w) => fileName(`active-${i.compare}`, w),
  ask: (i, window, ctx) => activityPlan(i, window, ctx, { kind: 'active', granularity: i.compare }),
  plan: (p) => p,
  answer(i, range, _plan, result) {
    const data = result.rows;
    return { body: { compare: i.compare, tz: i.tz, range, data }, columns: i.compare === 'day' ? DAILY : COLUMNS, data };
  },
};
