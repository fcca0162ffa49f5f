// Basket plans over all time of the counted rows from stored pairs (catalog.pairs): X's
// rows of the pairs table give `together` per other item, and the `all` rollups of the same
// rows give the baskets (their distinct count of the basket column) and each item's
// baskets (the per-item rollup's). The same CTEs as compile-basket.ts's plain ones (co,
// cut, candidates, sizes, totals), exact: a pair's `together` is the number of distinct
// baskets holding both. Pairs stored for some items only (the ones in most baskets) count
// the others' from the distinct (item, basket) lines, X's baskets a range of them. Pure.
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

/** `co` where the pairs are stored for some x only (PairsDef.partial): X's stored rows, or,
 *  where X has none (no (X, X) row), the other items of X's baskets counted from the
 *  distinct lines; X's baskets are then none, and the join on them reads nothing. */
function partialCo(pairs: string, lines: string, x: string, min: string): string {
  const stored = `SELECT count(*) FROM ${ident(pairs)} s WHERE s.x = ${x} AND s.y = ${x}`;
  const holding = `SELECT h.k FROM ${ident(lines)} h WHERE h.i = ${x} AND (${stored}) = 0`;
  return `SELECT p.y AS i, p.together FROM ${ident(pairs)} p WHERE p.x = ${x} AND p.y <> ${x} AND p.together >= ${min}
  UNION ALL
  SELECT l.i, count(*) AS together FROM ${ident(lines)} l WHERE l.k IN (${holding}) AND l.i <> ${x} GROUP BY l.i HAVING count(*) >= ${min}`;
}

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
  ${pairs.partial ? partialCo(pairs.name, pairs.partial.lines, x, min) : `SELECT p.y AS i, p.together FROM ${ident(pairs.name)} p WHERE p.x = ${x} AND p.together >= ${min}`}
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
