// Whole answers from an `all` rollup of some rows only (RollupDef.where: a dataset's
// counting rule): usable where the window holds every fact row and the plan's filter is the
// rollup's condition ANDed with conditions on the rollup's own columns. Counts and sums add
// up over a group's rows; distinct counts only where each group of the answer is one rollup
// row (the grouped columns, or columns the same within one of them, a product's category
// for its product): then a group's distinct count is its row's, exactly. Pure.
import type { Catalog, RollupDef, RollupWhere } from '../catalog.ts';
import { ROLLUP_FIRST, ROLLUP_LAST, copiedColumn, rollupDistinct, rollupSum, tableDef } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { FilterNode } from '../filter/parse.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { additive as isAdditive } from './measures.ts';
import { holdsAll } from './rollups.ts';
import type { SourceRequest } from './source-request.ts';
import type { TimeWindow } from './spec.ts';

/** Fact columns whose value is the same on every row sharing `column`'s value: itself and
 *  the columns copied through the relation it is the key of (a product's category). */
export function sameWithin(catalog: Catalog, column: string): string[] {
  const path = catalog.fact.columns.find((c) => c.name === column)?.path;
  if (path === undefined) return [column];
  return catalog.fact.columns.filter((c) => c.path === path || c.path.startsWith(`${path}__`)).map((c) => c.name);
}

/** Whether a filter node is exactly the rollup's condition: `in` the same values, on a
 *  field stored in the condition's fact column. */
export function isCondition(node: FilterNode, w: RollupWhere, fields: ReadonlyMap<string, FieldDef>): boolean {
  if (node.kind !== 'leaf' || node.operator !== 'in' || !Array.isArray(node.value)) return false;
  const field = fields.get(node.field);
  if (!field || field.storage.hops.length > 0 || field.storage.value.kind !== 'column' || field.storage.value.column !== w.column) return false;
  const values = new Set((node.value as unknown[]).map(String));
  return values.size === new Set(w.in).size && w.in.every((v) => values.has(v));
}

/** The rollup column holding a measure's figure of each row, or undefined where it holds
 *  none: counts as `n`, sums of a column or of a computed column of the root with the
 *  measure's expression, distinct counts as the stored ones. */
export function rollupColumn(ds: DatasetDef, name: string, r: RollupDef): string | undefined {
  const m = ds.measures[name];
  switch (m?.kind) {
    case 'count':
      return 'n';
    case 'count_distinct':
      return r.distinct?.includes(m.column) ? rollupDistinct(m.column) : undefined;
    case 'sum': {
      const text = JSON.stringify(m.expr);
      const summed =
        m.expr.kind === 'column' ? m.expr.name : tableDef(ds.catalog, ds.catalog.root).computed?.find((k) => JSON.stringify(k.expr) === text)?.name;
      return summed !== undefined && r.sums?.includes(summed) ? rollupSum(summed) : undefined;
    }
    default:
      return undefined;
  }
}

/** How a measure adds up over the rollup's rows (alias f), or undefined (rollupColumn). */
function measureRead(ds: DatasetDef, name: string, r: RollupDef, dialect: Dialect): string | undefined {
  const c = rollupColumn(ds, name, r);
  if (c === undefined) return undefined;
  const sum = `sum(f.${ident(c)})`;
  return `COALESCE(${ds.measures[name]!.kind === 'sum' ? sum : dialect.cast(sum, 'BIGINT')}, 0)`;
}

export interface ExactSource {
  /** `FROM` text (alias f): the rollup's rows that pass the rest of the filter. */
  readonly from: string;
  measure(name: string): string;
}

export function exactRollupSource(req: SourceRequest): ExactSource | undefined {
  const { ds, plan, dimensions, needed, measures, fields, o, params, dialect } = req;
  const catalog = ds.catalog;
  // Only a dataset that declares rollups of counted rows has any to read.
  if (o.rollups === false || o.rollupSums !== true || !catalog.rollups.flat().some((r) => r.where !== undefined) || !holdsAll(plan.window, o.span)) return undefined;
  const conjuncts = plan.filter === undefined ? [] : plan.filter.kind === 'and' ? plan.filter.children : [plan.filter];
  // Counts and sums add up over any rows of a group. A distinct count is a group's only
  // where the group is one row of the rollup: each dimension a fact column itself (a path
  // through a join, the category's parent, may merge rows) and every other column read (a
  // label's key, the rollup's columns) with one value per group.
  const additive = measures.every((m) => ds.measures[m] !== undefined && isAdditive(ds, m));
  const dimColumns: string[] = [];
  for (const d of dimensions) {
    const s = fields.get(d)?.storage;
    if (!s || s.hops.length > 0 || s.value.kind !== 'column') {
      if (additive) continue;
      return undefined;
    }
    dimColumns.push(s.value.column);
  }
  const perGroup = new Set(dimColumns.flatMap((c) => sameWithin(catalog, c)));
  if (!additive && ![...needed].every((c) => perGroup.has(c))) return undefined;
  for (const r of catalog.rollups.flat()) {
    const w = r.where;
    // A rollup keyed by paths too (RollupDef.paths) has rows per path value: read by counted-segments.ts alone.
    if (r.grain !== 'all' || w === undefined || (r.paths ?? []).length > 0 || (o.rollupTables !== undefined && !o.rollupTables.has(r.name))) continue;
    const at = conjuncts.findIndex((c) => isCondition(c, w, fields));
    if (at < 0) continue;
    const rest = conjuncts.filter((_, i) => i !== at);
    const restColumns = filterColumns({ kind: 'and', children: rest }, fields);
    if (![...needed, ...restColumns].every((c) => r.columns.includes(c)) || (!additive && !r.columns.every((c) => perGroup.has(c)))) continue;
    const reads = new Map(measures.map((m) => [m, measureRead(ds, m, r, dialect)]));
    if ([...reads.values()].some((x) => x === undefined)) continue;
    const where = rest.length ? ` WHERE ${compileFilter({ kind: 'and', children: rest }, fields, params, (c) => `f.${ident(c)}`, dialect)}` : '';
    return { from: `(SELECT * FROM ${ident(r.name)} f${where}) f`, measure: (m) => reads.get(m)! };
  }
  return undefined;
}

/** A rollup read per key: its table, each measure's aggregate over its rows (alias f), and
 *  the column holding it (a rollup's rows are one per key: no aggregate is needed). */
export interface PerKeyRollup {
  readonly table: string;
  /** Where the snapshot holds this rollup copied into the rows of a table (RollupDef.copyTo):
   *  that table, and a measure's copied column. */
  readonly copy?: { readonly table: string; column(measure: string): string; time(which: 'first' | 'last'): string } | undefined;
  read(measure: string): string;
  column(measure: string): string;
}

/** For figures per value of fact column `key` over all time (a list's row figures) of the
 *  counted rows (`counted`: the `all` rollup whose condition is the dataset's counting rule)
 *  or of every row (a rollup without a condition): one whose rows are one per key (its
 *  columns: the key and columns the same within it), holding every measure and, with
 *  `times`, the first and last instants. The caller checks the window. */
export function perKeyRollup(ds: DatasetDef, key: string, measures: readonly string[], times: boolean, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, dialect: Dialect, counted = true): PerKeyRollup | undefined {
  if (o.rollups === false || o.rollupSums !== true || (counted && ds.counts === undefined)) return undefined;
  const counts = ds.counts;
  const same = new Set(sameWithin(ds.catalog, key));
  for (const r of ds.catalog.rollups.flat()) {
    const w = r.where;
    if (r.grain !== 'all' || (r.paths ?? []).length > 0 || (o.rollupTables !== undefined && !o.rollupTables.has(r.name))) continue;
    const rows = counted ? w !== undefined && counts !== undefined && isCondition(counts, w, fields) : w === undefined;
    if (!rows || !r.columns.includes(key) || !r.columns.every((c) => same.has(c)) || (times && r.times !== true)) continue;
    const reads = new Map(measures.map((m) => [m, measureRead(ds, m, r, dialect)]));
    if ([...reads.values()].some((x) => x === undefined)) continue;
    const copy = r.copyTo !== undefined && o.rollupCopies?.has(r.name) ? { table: r.copyTo, column: (m: string) => copiedColumn(r.name, rollupColumn(ds, m, r)!), time: (w: 'first' | 'last') => copiedColumn(r.name, w === 'first' ? ROLLUP_FIRST : ROLLUP_LAST) } : undefined;
    return { table: r.name, read: (m) => reads.get(m)!, column: (m) => `f.${ident(rollupColumn(ds, m, r)!)}`, copy };
  }
  return undefined;
}
