// A cohort's entities with the bucket of their first counted row, read from the entity's
// own rows where the import copied the first instant of its counted rows there (a per-key
// rollup with `times` and `copyTo`: each customer's first counted order), instead of
// grouping every (entity, bucket) row per entity. Exact only where the window starts at or
// before the first row of data: an entity's first row in the window is then its first of
// all, if that is before the window's end. Pure.
import { tableKey } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { perKeyRollup } from './exact-rollup.ts';
import type { CohortPlan } from './nodes.ts';
import { fieldsFrom, targetOf } from './paths.ts';
import { unbounded } from './rollups.ts';

/** The `firsts` rows (e, c) from the entity's table, or undefined where it holds no copy. */
export function copiedFirsts(
  plan: CohortPlan,
  ds: DatasetDef,
  fields: ReadonlyMap<string, FieldDef>,
  o: CompileOptions,
  params: Params,
  dialect: Dialect,
  /** The bucket of an instant, in the question's zone. */
  trunc: (instant: string) => string,
  /** The fact column holding the entity's key. */
  keyColumn: string | undefined,
): string | undefined {
  if (keyColumn === undefined || ds.counts === undefined || unbounded(plan.window, o.span).start !== null) return undefined;
  const copy = perKeyRollup(ds, keyColumn, [], true, fields, o, dialect)?.copy;
  const t = targetOf(ds.catalog, plan.entity);
  if (copy === undefined || copy.table !== t.name) return undefined;
  const first = `x.${ident(copy.time('first'))}`;
  const conds = [`${first} IS NOT NULL`, `${first} < ${params.add(plan.window.end, 'TIMESTAMP')}`];
  if (plan.filter) conds.push(compileFilter(plan.filter, fieldsFrom(ds.catalog, t.name), params, (c) => `x.${ident(c)}`, dialect));
  return `SELECT x.${ident(tableKey(t))} AS e, ${trunc(first)} AS c FROM ${ident(t.name)} x WHERE ${conds.join(' AND ')}`;
}
