// Aggregate plans -> SQL: measures per group of fact rows in a window, ordered with
// deterministic ties, paged, with the number of groups. Plans the keyed compiler can answer
// (one key, counts and one distinct count) go there; the rest are answered here, from the
// rollups where every measure is a count and the rollup holds every column, else from the
// fact table. Pure: no I/O.
import { rollupSum } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import { compileKeyed, keyedShape } from './compile-keyed.ts';
import { aggregateSql, baseMeasures, ratioSql, rollupSums, summedColumn } from './measures.ts';
import type { AggregatePlan } from './nodes.ts';
import { orderOf, orderSql } from './order.ts';
import { JoinSet, fieldAt, readPath } from './paths.ts';
import { fieldColumns } from '../fields.ts';
import type { ReadPath } from './paths.ts';
import { chooseFamily, decompose } from './rollups.ts';
import { exactRollupSource } from './exact-rollup.ts';
import { countedSegmentsSource } from './counted-segments.ts';
import type { SourceRequest } from './source-request.ts';
import { subtreeSql } from './subtree.ts';
import { lateLabels, lateLabelsSql } from './late-labels.ts';
import { additiveSegmentsSql, windowSql } from './segments.ts';

/** The fact columns the paths read (themselves, or the keys they join through). */
export const factColumnsOf = (fields: ReadonlyMap<string, FieldDef>, paths: readonly string[]): string[] => paths.flatMap((p) => fieldColumns(fieldAt(fields, p)));

/** Where the rows come from: `FROM` text (alias f) with the window and filter applied, and
 *  how each measure reads there (a rollup row stands for `n` fact rows and holds sums). */
export interface RowSource {
  readonly from: string;
  measure(name: string): string;
  /** A grouped path whose value the rows hold (a rollup keyed by it), read instead of joining. */
  path?(p: string): ReadPath | undefined;
}

export function rowSource(req: SourceRequest): RowSource {
  const { ds, plan, needed, measures, fields, o, params, dialect } = req;
  // Whole answers of the counted rows from a rollup of them, where one holds the groups.
  const exact = exactRollupSource(req);
  if (exact) return exact;
  const counted = countedSegmentsSource(req, ['day', 'month'], req.dimensions.length === 0);
  if (counted) return counted;
  const catalog = ds.catalog;
  const cols = filterColumns(plan.filter, fields);
  // Counts and sums of columns add up across rollup rows; anything else reads the fact rows.
  const sums = rollupSums(ds, measures);
  const usable = sums !== undefined && o.rollups !== false && (sums.length === 0 || o.rollupSums === true);
  const family = usable ? chooseFamily(catalog, new Set([...needed, ...cols]), new Set(sums), o.rollupTables) : undefined;
  const where = (p: Params) => (plan.filter ? [compileFilter(plan.filter, fields, p, ident, dialect)] : []);
  if (family) {
    const segs = decompose(plan.window, family, o.span);
    if (segs.some((s) => s.source.kind === 'rollup')) {
      const src = additiveSegmentsSql(segs, catalog, [...needed], sums!, where, params, false);
      // A sum over no rows is null: no rows is 0 rows, and adds up to 0.
      const measure = (m: string) => {
        const c = summedColumn(ds, m);
        return c === undefined ? `COALESCE(${dialect.cast('sum(f.n)', 'BIGINT')}, 0)` : `COALESCE(sum(f.${ident(rollupSum(c))}), 0)`;
      };
      return { from: `(\n  ${src}\n) f`, measure };
    }
  }
  const conds = [windowSql(`f.${ident(catalog.fact.time)}`, plan.window, params), ...(plan.filter ? [compileFilter(plan.filter, fields, params, (c) => `f.${ident(c)}`, dialect)] : [])];
  return { from: `(SELECT * FROM ${ident(catalog.fact.name)} f WHERE ${conds.join(' AND ')}) f`, measure: (m) => aggregateSql(ds, m, 'f', params, dialect) };
}

/** A dimension's value as answered: instants as ISO 8601 text in UTC (as the API writes
 *  them elsewhere), everything else as stored. */
export const answerValue = (r: ReadPath, dialect: Dialect, col: string): string => (r.type === 'timestamp' ? dialect.isoInstant(col) : col);

export function compileAggregate(plan: AggregatePlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params, dialect: Dialect): string {
  if (!plan.subtree && keyedShape(plan, ds)) return compileKeyed(plan, ds, fields, o, params, dialect);
  const base = baseMeasures(ds, plan.measures);
  const terms = orderOf(plan);
  // Labels under the one grouped relation are read after paging (late-labels.ts).
  const late = lateLabels(plan, ds, terms);
  const groupPaths = [...plan.dimensions, ...(late ? [] : plan.labels.map((l) => l.path))];
  const needed = new Set(factColumnsOf(fields, groupPaths));
  const labels = late ? [] : plan.labels.map((l) => l.path);
  const src = rowSource({ ds, plan, dimensions: plan.dimensions, needed, labels, measures: base, fields, o, params, dialect });
  const joins = new JoinSet();
  const reads = groupPaths.map((p) => src.path?.(p) ?? readPath(fields, p, 'f', joins, params, dialect));
  const dimCols = reads.map((r, i) => `${r.sql} AS g${i}`);
  const measureCols = base.map((m, i) => `${src.measure(m)} AS m${i}`);
  const groupBy = reads.length ? ` GROUP BY ${reads.map((_, i) => i + 1).join(', ')}` : '';
  const names = [...plan.dimensions, ...plan.labels.map((l) => l.name)];
  const measureRef = (m: string) => `m${base.indexOf(m)}`;
  const outCols = [
    ...reads.map((r, i) => `${answerValue(r, dialect, `g${i}`)} AS ${ident(names[i]!)}`),
    ...plan.measures.map((m) => `${ds.measures[m]!.kind === 'ratio' ? ratioSql(ds, m, measureRef, dialect) : measureRef(m)} AS ${ident(m)}`),
  ];
  // Ranks over every group, before paging; ordered by the raw value (a ratio's too).
  if (plan.rank) {
    const by = ds.measures[plan.rank.by]!.kind === 'ratio' ? ratioSql(ds, plan.rank.by, measureRef, dialect) : measureRef(plan.rank.by);
    if (plan.rank.rank) outCols.push(`rank() OVER (ORDER BY ${by} DESC NULLS LAST) AS ${ident(plan.rank.rank)}`);
    if (plan.rank.denseRank) outCols.push(`dense_rank() OVER (ORDER BY ${by} DESC NULLS LAST) AS ${ident(plan.rank.denseRank)}`);
  }
  const tree = subtreeSql(plan, ds, measureRef, dialect);
  if (tree) outCols.push(...tree.columns);
  // Instants are ordered as stored, not as their text.
  const sortKey = (by: string) => {
    const i = names.indexOf(by);
    return i >= 0 ? `g${i}` : ident(by);
  };
  const order = orderSql(terms, plan.dimensions, sortKey);
  const limit = params.add(plan.limit, 'BIGINT');
  const offset = params.add(plan.offset, 'BIGINT');
  const nullsDropped = plan.nulls === 'drop' && reads.length ? ` WHERE ${reads.slice(0, plan.dimensions.length).map((_, i) => `g${i} IS NOT NULL`).join(' AND ')}` : '';
  return `WITH ${tree ? 'RECURSIVE ' : ''}base AS (
  SELECT ${[...dimCols, ...measureCols].join(', ')} FROM ${src.from} ${joins.sql}${groupBy}
)${tree?.ctes ?? ''}, out AS${dialect.cteHint('reused')} (
  SELECT ${reads.map((_, i) => `base.g${i}, `).join('')}${outCols.join(', ')} FROM base${tree?.join ?? ''}${nullsDropped}
), ${late ? 'cut' : 'page'} AS (
  SELECT *, true AS present FROM out ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}
)${late ? `, page AS (
  ${lateLabelsSql(plan, ds, 'cut', params, dialect)}
)` : ''}
SELECT (SELECT count(*) FROM out) AS total, page.present, ${[...names, ...plan.measures, ...(plan.rank?.rank ? [plan.rank.rank] : []), ...(plan.rank?.denseRank ? [plan.rank.denseRank] : []), ...(tree?.names ?? [])].map((n) => `page.${ident(n)}`).join(', ')}
FROM (SELECT 1) one LEFT JOIN page ON true
ORDER BY ${orderSql(terms, plan.dimensions, (by) => `page.${sortKey(by)}`)}`;
}
