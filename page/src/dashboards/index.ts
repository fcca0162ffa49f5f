// Every dashboard, in tab order.
import { blogDashboard } from './blog.ts';
import { marketplaceDashboard } from './marketplace.ts';
import { membersDashboard } from './members.ts';
import type { DashboardDef } from './types.ts';

export const DASHBOARDS: readonly DashboardDef[] = [blogDashboard, marketplaceDashboard, membersDashboard];
