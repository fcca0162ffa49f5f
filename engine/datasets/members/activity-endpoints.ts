// The members' activity analytics (SPEC-members section 4), by path below /api/v1/members/.
import type { AnyEndpoint } from '../../endpoint.ts';
import { active } from './active.ts';
import { activityTime } from './activity-time.ts';
import { concurrency } from './concurrency.ts';
import { heatmap } from './heatmap.ts';
import { sessions } from './sessions.ts';

export const ACTIVITY_ENDPOINTS: Readonly<Record<string, AnyEndpoint>> = {
  active,
  'activity-time': activityTime,
  concurrency,
  sessions,
  heatmap,
};
