// GET|POST /api/v1/members/heatmap (SPEC-members section 4): 168 cells, one per ISO weekday
// (1 = Monday) and hour of the wall clock, by default each member's own: active seconds
// summed over members and the members active in the cell at least once. Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import type { ActivityPlan } from '../../query/nodes.ts';
import { common } from '../../request.ts';
import { OWN_ZONE, activityPlan, activityZone, fileName, windowZone } from './activity-common.ts';

export const HeatmapParams = z.object({ ...common, tz: activityZone(OWN_ZONE) });
export type HeatmapInput = z.output<typeof HeatmapParams>;

const COLUMNS: Columns = [
  ['weekday', 'int'],
  ['hour', 'int'],
  ['member_seconds', 'float'],
  ['members', 'int'],
];

export const heatmap: Endpoint<HeatmapInput, ActivityPlan> = {
  name: 'heatmap',
  operation: 'MembersHeatmap',
  answerSchema: 'MembersHeatmapAnswer',
  summary: 'Active seconds and members per weekday and hour, by default of each member\u2019s own clock',
  schema: HeatmapParams,
  defaultRange: 'month',
  windowZone,
  filename: (_i, w) => fileName('heatmap', w),
  ask: (i, window, ctx) => activityPlan(i, window, ctx, { kind: 'heatmap' }),
  plan: (p) => p,
  answer(i, range, _plan, result) {
    return { body: { tz: i.tz, range, data: result.rows }, columns: COLUMNS, data: result.rows };
  },
};
