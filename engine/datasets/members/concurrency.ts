// GET|POST /api/v1/members/concurrency (SPEC-members section 4): per bucket of the window
// (a minute to a day of `tz`'s wall clock), the most members active at one instant and the
// members active at any time in it; and the window's peak, with the first instant it is
// reached. With `tz=member` instants are wall-clock times of each member's zone, written
// without an offset. Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import type { ActivityPlan } from '../../query/nodes.ts';
import { common } from '../../request.ts';
import { activityPlan, activityZone, fileName, windowZone } from './activity-common.ts';

export const ConcurrencyParams = z.object({
  ...common,
  tz: activityZone('UTC'),
  bucket: z.enum(['minute', '5m', '15m', 'hour', 'day']).default('hour').describe('bucket length on the wall clock of `tz`'),
});
export type ConcurrencyInput = z.output<typeof ConcurrencyParams>;

const COLUMNS: Columns = [
  ['period', 'string'],
  ['peak', 'int'],
  ['members', 'int'],
];

export const concurrency: Endpoint<ConcurrencyInput, ActivityPlan> = {
  name: 'concurrency',
  operation: 'MembersConcurrency',
  answerSchema: 'MembersConcurrencyAnswer',
  summary: 'Members active at once per bucket (peak) and at any time in it, and the window\u2019s peak',
  schema: ConcurrencyParams,
  defaultRange: 'month',
  windowZone,
  filename: (i, w) => fileName(`concurrency-${i.bucket}`, w),
  ask: (i, window, ctx) => activityPlan(i, window, ctx, { kind: 'concurrency', bucket: i.bucket }),
  plan: (p) => p,
  answer(i, range, _plan, result) {
    const peak = result.parts?.['peak']?.rows[0] ?? { members: 0, at: null };
    return { body: { bucket: i.bucket, tz: i.tz, range, peak, data: result.rows }, columns: COLUMNS, data: result.rows };
  },
};
