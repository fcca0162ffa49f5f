// Windows short of all time from the day and month grains of rollups of some rows only
// (RollupDef.where, a dataset's counting rule): whole UTC months and days from the rollups,
// the partial days at the window's edges from the fact table, grouped there the same way
// (per UTC day and per the rollup's columns), so that every segment's rows look alike and
// add up. Usable where the plan's filter is the rollup's condition ANDed with conditions on
// its own columns, as for exact-rollup.ts. Counts and sums add up over any rows; a distinct
// count only of a column whose rows share one time (DatasetDef `oneTime`: an order's lines)
// and where each group is one rollup row per bucket: the rows of different buckets, days
// and the edges then hold different values, and their counts add up exactly. Pure.
import type { DaySetDef, RollupDef, RollupWhere } from '../catalog.ts';
import { rollupPath } from '../catalog.ts';
import { fieldColumns } from '../fields.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { FilterNode } from '../filter/parse.ts';
import type { Params } from '../params.ts';
import { ident, sqlInteger } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { isCondition, rollupColumn, sameWithin } from './exact-rollup.ts';
import { aggregateSql } from './measures.ts';
import { JoinSet, fieldAt, readPath } from './paths.ts';
import type { ReadPath } from './paths.ts';
import { decompose } from './rollups.ts';
import type { SourceRequest } from './source-request.ts';
import type { TimeWindow } from './spec.ts';

/** Rows of every segment (alias f): the needed columns, `t` (the UTC day or month the row
 *  stands for), and each measure's part; `measure` adds a measure's parts up. */
export interface CountedSource {
  readonly from: string;
  measure(name: string): string;
  /** A grouped path whose value the rows hold (RollupDef.paths), read instead of joining. */
  path(p: string): ReadPath | undefined;
  /** Where the rows are already one per group and UTC day or month (a single segment of a
   *  rollup whose rows are one per group and bucket): that grain; `row` then reads a
   *  measure's value on one row, with no aggregate. */
  readonly rowsPer?: 'day' | 'month' | undefined;
  row?(name: string): string;
}

const part = (i: number) => ident(`__m${i}`);

/** The rollup column a measure's part is, or undefined where the rollup holds none that
 *  adds up across its rows. */
function rollupPart(ds: DatasetDef, name: string, r: RollupDef, oneRowPerGroup: boolean): string | undefined {
  const m = ds.measures[name];
  if (m?.kind === 'count_distinct' && (m.oneTime !== true || !oneRowPerGroup)) return undefined;
  return rollupColumn(ds, name, r);
}

/** The day set answering measure `m` (a distinct count of its column) over the rows `w`
 *  keeps, where the snapshot holds one. */
function daySetFor(ds: DatasetDef, m: string, w: RollupWhere, o: CompileOptions): DaySetDef | undefined {
  const def = ds.measures[m];
  if (def?.kind !== 'count_distinct') return undefined;
  return (ds.catalog.daySets ?? []).find((d) => d.distinct === def.column && o.daySets?.[d.name] !== undefined && JSON.stringify(d.where) === JSON.stringify(w));
}

/** A window's distinct count from a day set: the OR of its whole UTC days' bits and of the
 *  bits of its partial days' rows (read from the fact table under the plan's filter, the
 *  set's own condition), counted; no rows: 0. A scalar subquery. */
function daySetSql(ds: DatasetDef, set: DaySetDef, plan: { readonly window: TimeWindow; readonly filter: FilterNode | undefined }, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params, dialect: Dialect): string {
  const range = o.daySets![set.name]!;
  const col = ident(set.distinct);
  const bounds = (c: string, s: { from: string | null; to: string | null }) => [
    ...(s.from === null ? [] : [`${c} >= ${params.add(s.from, 'TIMESTAMP')}`]),
    ...(s.to === null ? [] : [`${c} < ${params.add(s.to, 'TIMESTAMP')}`]),
  ];
  const parts = decompose(plan.window, { day: set }).map((s) => {
    if (s.source.kind === 'rollup') return `SELECT s.bits FROM ${ident(set.name)} s WHERE ${bounds('s.bucket', s).join(' AND ') || 'true'}`;
    const conds = [...bounds(`f.${ident(ds.catalog.fact.time)}`, s), `f.${col} IS NOT NULL`, ...(plan.filter ? [compileFilter(plan.filter, fields, params, (c) => `f.${ident(c)}`, dialect)] : [])];
    return `SELECT bitstring_agg(f.${col}, ${sqlInteger(range.min)}, ${sqlInteger(range.max)}) AS bits FROM ${ident(ds.catalog.fact.name)} f WHERE ${conds.join(' AND ')}`;
  });
  return `(SELECT COALESCE(bit_count(bit_or(u.bits)), 0) FROM (\n    ${parts.join('\n    UNION ALL ')}\n  ) u)`;
}

const missing = (m: string): never => {
  throw new Error(`counted segments: no measure '${m}'`);
};

export function countedSegmentsSource(
  req: SourceRequest,
  /** The grains the caller's buckets are whole in (a series by week: days only). */
  grains: readonly ('day' | 'month')[],
  /** The caller adds every row up into one answer (no groups, no time buckets): distinct
   *  counts may then come from day sets (catalog.daySets) over the whole window. */
  oneAnswer = false,
): CountedSource | undefined {
  const { ds, plan, dimensions, needed, measures, fields, o, params, dialect } = req;
  const catalog = ds.catalog;
  if (o.rollups === false || o.rollupSums !== true) return undefined;
  const declared = catalog.rollups.map((f) => f.filter((r) => r.where !== undefined && r.grain !== 'all' && (o.rollupTables === undefined || o.rollupTables.has(r.name))));
  if (!declared.some((f) => f.length > 0)) return undefined;
  const conjuncts = plan.filter === undefined ? [] : plan.filter.kind === 'and' ? plan.filter.children : [plan.filter];
  // The columns the same within each group (each dimension a fact column itself), over the
  // dimensions a family does not hold as paths (RollupDef.paths).
  const groupsOf = (dims: readonly string[]) => {
    const dimColumns: string[] = [];
    let direct = true;
    for (const d of dims) {
      const s = fields.get(d)?.storage;
      if (!s || s.hops.length > 0 || s.value.kind !== 'column') direct = false;
      else dimColumns.push(s.value.column);
    }
    return { direct, perGroup: new Set(dimColumns.flatMap((c) => sameWithin(catalog, c))) };
  };
  for (const family of declared) {
    const pick = (g: 'day' | 'month') => (grains.includes(g) ? family.find((r) => r.grain === g) : undefined);
    const [day, month] = [pick('day'), pick('month')];
    const r = day ?? month;
    if (r === undefined || (day && month && (JSON.stringify(day.where) !== JSON.stringify(month.where) || JSON.stringify(day.paths ?? []) !== JSON.stringify(month.paths ?? [])))) continue;
    // A family keyed by paths serves only questions grouped by every one of them; the fact
    // columns the rows need are then those of the other dimensions and of the labels.
    const paths = r.paths ?? [];
    if (!paths.every((p) => dimensions.includes(p))) continue;
    const others = dimensions.filter((d) => !paths.includes(d));
    const need = paths.length === 0 ? needed : new Set([...others, ...(req.labels ?? [])].flatMap((p) => (paths.includes(p) ? [] : fieldColumns(fieldAt(fields, p)))));
    const { direct, perGroup } = groupsOf(others);
    const oneRowPerGroup = (x: RollupDef) => direct && [...need].every((c) => perGroup.has(c)) && x.columns.every((c) => perGroup.has(c));
    const w = r.where!;
    const at = conjuncts.findIndex((c) => isCondition(c, w, fields));
    if (at < 0) continue;
    const rest = conjuncts.filter((_, i) => i !== at);
    const restColumns = filterColumns({ kind: 'and', children: rest }, fields);
    const holds = (x: RollupDef | undefined) => x === undefined || [...need, ...restColumns].every((c) => x.columns.includes(c));
    if (!holds(day) || !holds(month)) continue;
    // Distinct counts that do not add up across buckets, from a day set of the same rows.
    const sets = new Map(
      measures.flatMap((m) => {
        const set = oneAnswer && dimensions.length === 0 && need.size === 0 && rest.length === 0 ? daySetFor(ds, m, w, o) : undefined;
        return set ? [[m, set] as const] : [];
      }),
    );
    const reads = measures.map((m) => [day, month].map((x) => (x === undefined ? '' : sets.has(m) ? '' : rollupPart(ds, m, x, oneRowPerGroup(x)))));
    if (reads.some((xs) => xs.some((x) => x === undefined))) continue;
    const segments = decompose(plan.window, { day, month });
    if (!segments.some((s) => s.source.kind === 'rollup')) continue;
    const setSql = new Map([...sets].map(([m, set]) => [m, daySetSql(ds, set, plan, fields, o, params, dialect)]));
    // Every measure from a day set: each is one value over the whole window, read from a
    // single row (read beside the segments' rows, with no sum to fold them into one, the
    // answer would be a row per segment row, and no row at all in an empty window).
    if (sets.size === measures.length) return { from: '(SELECT 1 AS one) f', measure: (m) => setSql.get(m) ?? missing(m), path: () => undefined };
    const cols = [...need].map((c) => ident(c));
    const pathCols = paths.map((p) => ident(rollupPath(p)));
    // Bound only where a fact segment reads it (an unused parameter is an error).
    let dayUnit: string | undefined;
    const time = `f.${ident(catalog.fact.time)}`;
    const window = (col: string, s: { from: string | null; to: string | null }) => [
      ...(s.from === null ? [] : [`${col} >= ${params.add(s.from, 'TIMESTAMP')}`]),
      ...(s.to === null ? [] : [`${col} < ${params.add(s.to, 'TIMESTAMP')}`]),
    ];
    const selects = segments.map((s) => {
      if (s.source.kind === 'fact') {
        const conds = [...window(time, s), ...(plan.filter ? [compileFilter(plan.filter, fields, params, (c) => `f.${ident(c)}`, dialect)] : [])];
        // The edge days' rows with their paths' values, read as a query reads them.
        const joins = new JoinSet();
        const values = paths.map((p, i) => `${readPath(fields, p, 'f', joins, params, dialect).sql} AS ${pathCols[i]!}`);
        const out = [...cols.map((c) => `f.${c} AS ${c}`), ...values, `${dialect.truncate((dayUnit ??= params.add('day', 'VARCHAR')), time)} AS t`, ...measures.map((m, i) => `${sets.has(m) ? 'NULL' : aggregateSql(ds, m, 'f', params, dialect)} AS ${part(i)}`)];
        return `SELECT ${out.join(', ')} FROM ${ident(catalog.fact.name)} f ${joins.sql} WHERE ${conds.join(' AND ')} GROUP BY ${[...Array(cols.length + paths.length + 1).keys()].map((i) => i + 1).join(', ')}`;
      }
      const x = s.source.table === day?.name ? 0 : 1;
      const conds = [...window('r.bucket', s), ...(rest.length ? [compileFilter({ kind: 'and', children: rest }, fields, params, (c) => `r.${ident(c)}`, dialect)] : [])];
      const out = [...cols.map((c) => `r.${c} AS ${c}`), ...pathCols.map((c) => `r.${c} AS ${c}`), 'r.bucket AS t', ...measures.map((m, i) => `${sets.has(m) ? 'NULL' : `r.${ident(reads[i]![x]!)}`} AS ${part(i)}`)];
      return `SELECT ${out.join(', ')} FROM ${ident(s.source.table)} r WHERE ${conds.join(' AND ') || 'true'}`;
    });
    const measure = (m: string) => {
      const fromSet = setSql.get(m);
      if (fromSet !== undefined) return fromSet;
      const i = measures.indexOf(m);
      if (i < 0) return missing(m);
      const kind = ds.measures[m]!.kind;
      return kind === 'sum' ? `COALESCE(sum(f.${part(i)}), 0)` : `COALESCE(${dialect.cast(`sum(f.${part(i)})`, 'BIGINT')}, 0)`;
    };
    const path = (p: string): ReadPath | undefined => {
      const f = paths.includes(p) ? fieldAt(fields, p) : undefined;
      return f && { sql: `f.${ident(rollupPath(p))}`, type: f.type, nullable: f.nullable };
    };
    const only = segments.length === 1 && segments[0]!.source.kind === 'rollup' ? [day, month].find((x) => x?.name === (segments[0]!.source as { table: string }).table) : undefined;
    const rowsPer = only && sets.size === 0 && oneRowPerGroup(only) && only.grain !== 'all' ? only.grain : undefined;
    const row = (m: string) => `COALESCE(f.${part(measures.indexOf(m))}, 0)`;
    return { from: `(\n  ${selects.join('\n  UNION ALL ')}\n) f`, measure, path, rowsPer, row };
  }
  return undefined;
}
