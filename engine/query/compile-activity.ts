// Activity plans -> SQL: one compiler per question, over the sources every question shares
// (activity-sources.ts). Pure: no I/O.
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { assertNever } from '../errors.ts';
import type { Params } from '../params.ts';
import { activeSql } from './activity-active.ts';
import { concurrencySql } from './activity-concurrency.ts';
import { heatmapSql } from './activity-heatmap.ts';
import { sessionsSql } from './activity-sessions.ts';
import { timeSql } from './activity-time.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';

export function compileActivity(plan: ActivityPlan, ds: DatasetDef, options: CompileOptions, params: Params, dialect: Dialect): string {
  const q = plan.question;
  const c = ds.catalog;
  switch (q.kind) {
    case 'active':
      return activeSql(plan, q, c, options, params, dialect);
    case 'time':
      return timeSql(plan, q, c, options, params, dialect);
    case 'concurrency':
      return concurrencySql(plan, q.bucket, c, options, params, dialect);
    case 'sessions':
      return sessionsSql(plan, c, options, params, dialect);
    case 'heatmap':
      return heatmapSql(plan, c, options, params, dialect);
    default:
      return assertNever(q);
  }
}
