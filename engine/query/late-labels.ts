// Labels read after paging (LabelTerm): where an aggregate groups by one relation's key and
// every label lies under that relation (a product's name, its category's name), the labels
// are read on the page's rows only, from the relation's table by key, instead of joined to
// every fact row and grouped by (a text GROUP BY over the window's rows: most of the time of
// a ranking over a million lines). References are checked on import, so every key is in its
// table. Pure: no I/O.
import { tableKey } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { AggregatePlan, OrderTerm } from './nodes.ts';
import { JoinSet, fieldsFrom, isRelationPath, readPath, targetOf } from './paths.ts';

/** Whether the plan's labels can wait until after paging (none of them orders the groups). */
export function lateLabels(plan: AggregatePlan, ds: DatasetDef, order: readonly OrderTerm[]): boolean {
  const dim = plan.dimensions[0];
  if (plan.labels.length === 0 || plan.dimensions.length !== 1 || dim === undefined || !isRelationPath(ds.catalog, dim)) return false;
  return plan.labels.every((l) => l.path.startsWith(`${dim}__`) && !order.some((t) => t.by === l.name));
}

/** The rows of `page` (whose `g0` is the grouped key) with the labels beside them. */
export function lateLabelsSql(plan: AggregatePlan, ds: DatasetDef, page: string, params: Params, dialect: Dialect): string {
  const dim = plan.dimensions[0]!;
  const target = targetOf(ds.catalog, dim);
  const fromTarget = fieldsFrom(ds.catalog, target.name);
  const joins = new JoinSet();
  joins.add([`LEFT JOIN ${ident(target.name)} l ON l.${ident(tableKey(target))} = ${page}.g0`]);
  const labels = plan.labels.map((l) => `${readPath(fromTarget, l.path.slice(dim.length + 2), 'l', joins, params, dialect).sql} AS ${ident(l.name)}`);
  return `SELECT ${page}.*, ${labels.join(', ')} FROM ${page} ${joins.sql}`;
}
