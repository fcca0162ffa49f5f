// GET|POST /api/v1/members/activity-time (SPEC-members section 4): active seconds per member
// and calendar day of `tz` (a period across midnight split between the days), ordered by
// date then member id, paged. Pure.
import { z } from 'zod';
import type { Columns, Endpoint } from '../../endpoint.ts';
import { pageLinks } from '../../endpoint.ts';
import type { ActivityPlan } from '../../query/nodes.ts';
import { common } from '../../request.ts';
import { paging } from '../marketplace/list-common.ts';
import { activityPlan, activityZone, fileName, windowZone } from './activity-common.ts';

export const ActivityTimeParams = z.object({ ...common, tz: activityZone('UTC'), ...paging });
export type ActivityTimeInput = z.output<typeof ActivityTimeParams>;

const COLUMNS: Columns = [
  ['member_id', 'string'],
  ['real_name', 'string'],
  ['date', 'string'],
  ['seconds', 'float'],
];

export const activityTime: Endpoint<ActivityTimeInput, ActivityPlan> = {
  name: 'activity-time',
  operation: 'MembersActivityTime',
  answerSchema: 'MembersActivityTimeAnswer',
  summary: 'Active seconds per member and calendar day',
  schema: ActivityTimeParams,
  defaultRange: 'month',
  windowZone,
  filename: (_i, w) => fileName('activity-time', w),
  ask: (i, window, ctx) => activityPlan(i, window, ctx, { kind: 'time', labels: ['real_name'], limit: i.limit, offset: i.offset }),
  plan: (p) => p,
  answer(i, range, _plan, result, link) {
    const data = result.rows.map((r) => ({ member_id: r['entity'], real_name: r['real_name'], date: r['date'], seconds: r['seconds'] }));
    const links = pageLinks(i.offset, i.limit, result.total, link);
    const body = { tz: i.tz, range, count: result.total, limit: i.limit, offset: i.offset, next: links.next, previous: links.previous, data };
    return { body, columns: COLUMNS, data, links };
  },
};
