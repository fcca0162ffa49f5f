// Basket plans over all time of the counted rows from stored pairs (catalog.pairs): X's
// rows of the pairs table give `together` per other item, and the `all` rollups of the same
// rows give the baskets (their distinct count of the basket column) and each item's
// baskets (the per-item rollup's). The same CTEs as compile-basket.ts's plain ones (co,
// cut, candidates, sizes, totals), exact: a pair's `together` is the number of distinct
// baskets holding both. Pure.
import type { PairsDef, RollupDef } from '../catalog.ts';
import { rollupDistinct } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { FieldDef } from '../fields.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { isCondition, sameWithin } from './exact-rollup.ts';
import type { BasketPlan } from './nodes.ts';
import { holdsAll } from './rollups.ts';

const factColumn = (fields: ReadonlyMap<string, FieldDef>, path: string): string | undefined => {
  const s = fields.get(path)?.storage;
  return s && s.hops.length === 0 && s.value.kind === 'column' ? s.value.column : undefined;
};

/** The CTEs co .. totals from stored pairs, or undefined where they do not answer the plan
 *  (a window short of all time, a filter beyond the pairs' condition, no such pairs or
 *  rollups in the snapshot). `x`, `min`, `limit`: the bound parameters' text. */
export function storedPairsCtes(plan: BasketPlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, x: string, min: string, limit: string): string | undefined {
  if (o.rollups === false || plan.filter === undefined) return undefined;
  const basket = factColumn(fields, plan.basis);
  const item = factColumn(fields, plan.item);
  if (basket === undefined || item === undefined) return undefined;
  const filter = plan.filter;
  const pairs = (ds.catalog.pairs ?? []).find((d: PairsDef) => d.basket === basket && d.item === item && o.pairTables?.has(d.name) && isCondition(filter, d.where, fields));
  if (!pairs || !holdsAll(plan.window, o.span)) return undefined;
  const held = (r: RollupDef) => r.grain === 'all' && (r.paths ?? []).length === 0 && (o.rollupTables === undefined || o.rollupTables.has(r.name)) && JSON.stringify(r.where) === JSON.stringify(pairs.where) && (r.distinct ?? []).includes(basket);
  const rollups = ds.catalog.rollups.flat().filter(held);
  const whole = rollups.find((r) => r.columns.length === 0);
  // One row per item: its other columns are the same within it.
  const same = new Set(sameWithin(ds.catalog, item));
  const perItem = rollups.find((r) => r.columns.includes(item) && r.columns.every((c) => same.has(c)));
  if (!whole || !perItem) return undefined;
  const n = ident(rollupDistinct(basket));
  const i = ident(item);
  return `co AS (
  SELECT p.y AS i, p.together FROM ${ident(pairs.name)} p WHERE p.x = ${x} AND p.together >= ${min}
), cut AS (
  SELECT min(together) AS t FROM (SELECT together FROM co ORDER BY together DESC LIMIT ${limit})
), candidates AS (
  SELECT * FROM co WHERE together >= (SELECT t FROM cut)
), sizes AS (
  SELECT r.${i} AS i, r.${n} AS with_i FROM ${ident(perItem.name)} r WHERE r.${i} IN (SELECT i FROM candidates)
), totals AS (
  SELECT (SELECT w.${n} FROM ${ident(whole.name)} w) AS baskets, COALESCE((SELECT r.${n} FROM ${ident(perItem.name)} r WHERE r.${i} = ${x}), 0) AS with_x
)`;
}
