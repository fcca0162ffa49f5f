// Subtree sums of an aggregate (AggregatePlan.subtree): where the plan groups by the key of
// a table with an acyclic relation to itself (a category's parent), each group also gets the
// sum of additive measures over its subtree: its own rows and every descendant's, at any
// depth, also through rows of the table that have no group of their own. The tree's closure
// (ancestor, descendant) is walked at query time by a recursive CTE over the table, which
// is a dimension table (small beside the facts); UNION (not UNION ALL) stops even on a cycle,
// which the import refuses anyway (data/check-acyclic.ts). Pure: no I/O.
import { tableKey } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident } from '../sql.ts';
import type { AggregatePlan } from './nodes.ts';
import { isRelationPath, targetOf } from './paths.ts';

export interface SubtreeSql {
  /** CTEs after `base` (groups g0 with measure columns): `tree`, `sub`. */
  readonly ctes: string;
  /** The join onto `base` in `out`. */
  readonly join: string;
  /** Output columns of `out`, and their names. */
  readonly columns: readonly string[];
  readonly names: readonly string[];
}

/** The plan's subtree sums as SQL, given how each measure reads in `base` (`measureRef`). A
 *  plan that does not fit (not one dimension, not a relation to a tree, a measure that does
 *  not add up) is a programming error. */
export function subtreeSql(plan: AggregatePlan, ds: DatasetDef, measureRef: (m: string) => string, dialect: Dialect): SubtreeSql | undefined {
  const s = plan.subtree;
  if (!s) return undefined;
  const dim = plan.dimensions[0];
  if (plan.dimensions.length !== 1 || dim === undefined || !isRelationPath(ds.catalog, dim)) throw new Error('subtree: the plan must group by one relation path');
  const t = targetOf(ds.catalog, dim);
  const rel = t.relations.find((r) => r.name === s.relation);
  if (!rel || rel.target !== t.name || rel.acyclic !== true || (rel.kind ?? 'many-to-one') !== 'many-to-one')
    throw new Error(`subtree: '${s.relation}' is not an acyclic relation of ${t.name} to itself`);
  for (const x of s.sums) {
    const k = ds.measures[x.measure]?.kind;
    if ((k !== 'sum' && k !== 'count') || !plan.measures.includes(x.measure)) throw new Error(`subtree: '${x.measure}' is not an additive measure of the plan`);
  }
  const table = ident(t.name);
  const key = ident(tableKey(t));
  const up = ident(rel.column);
  // Every row is its own descendant (depth 0), then each row's children's descendants.
  const tree = `tree(a, d) AS (
  SELECT ${key}, ${key} FROM ${table}
  ${dialect.recursiveUnion} SELECT tree.a, x.${key} FROM tree JOIN ${table} x ON x.${up} = tree.d
)`;
  const total = (m: string) => {
    const sum = `sum(b.${measureRef(m)})`;
    return ds.measures[m]!.kind === 'count' ? dialect.cast(sum, 'BIGINT') : sum;
  };
  const sub = `sub AS (
  SELECT tree.a AS sub_key, ${s.sums.map((x, i) => `${total(x.measure)} AS t${i}`).join(', ')} FROM tree JOIN base b ON b.g0 = tree.d GROUP BY 1
)`;
  return {
    ctes: `, ${tree}, ${sub}`,
    join: ' LEFT JOIN sub ON sub.sub_key = base.g0',
    // Every group is in its own subtree; the COALESCE only guards a key missing from the table.
    columns: s.sums.map((x, i) => `COALESCE(sub.t${i}, base.${measureRef(x.measure)}) AS ${ident(x.name)}`),
    names: s.sums.map((x) => x.name),
  };
}
