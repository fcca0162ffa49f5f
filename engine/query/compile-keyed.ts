// Aggregate plans grouped by one key of the fact table (a viewer, a country, a blog) whose
// measures are a count and at most one distinct count: the distinct count is answered by
// the cheapest exact way the snapshot allows (distinct sets, first-seen columns, rollups),
// the page is cut before labels are joined. compile-aggregate.ts sends such plans here and
// the rest to the general compiler. Pure: no I/O.
import type { Catalog, DistinctSetDef, FirstSeenDef, RollupDef } from '../catalog.ts';
import { rollupDistinct, tableKey } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter, filterColumns } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident, sqlInteger } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import type { AggregatePlan } from './nodes.ts';
import { orderOf, orderSql } from './order.ts';
import { JoinSet, factColumnOf, fieldsFrom, isRelationPath, readPath, targetOf } from './paths.ts';
import { chooseFamily, decompose, holdsAll, unbounded } from './rollups.ts';
import { sameWithin } from './exact-rollup.ts';
import type { Segment } from './rollups.ts';
import { segmentsSql, unionSegments, windowSql } from './segments.ts';
import { countingRollups, firstSeenSql } from './first-seen.ts';
import { pinnedColumns } from './projection.ts';

/** What a keyed plan groups by and counts. */
export interface Keyed {
  /** The fact column holding the group's key. */
  readonly key: string;
  readonly keyNullable: boolean;
  /** The fact column whose distinct values are counted, if a measure asks. */
  readonly distinct: string | undefined;
  /** The counted column may be null (a view without a viewer): nulls are no value. */
  readonly distinctNullable: boolean;
}

/** The plan's shape if the keyed compiler can answer it: one dimension copied into the
 *  fact table, measures that are counts or distinct counts of one column. */
export function keyedShape(plan: AggregatePlan, ds: DatasetDef): Keyed | undefined {
  // One relation's key (an id), copied into the fact table.
  if (plan.dimensions.length !== 1 || plan.rank || !isRelationPath(ds.catalog, plan.dimensions[0]!)) return undefined;
  const key = factColumnOf(ds.catalog, plan.dimensions[0]!);
  if (key === undefined) return undefined;
  const distinct = new Set<string>();
  for (const name of plan.measures) {
    const m = ds.measures[name];
    if (m?.kind === 'count_distinct') distinct.add(m.column);
    else if (m?.kind !== 'count') return undefined;
  }
  if (distinct.size > 1) return undefined;
  const col = ds.catalog.fact.columns.find((c) => c.name === key)!;
  const d = [...distinct][0];
  const dcol = d === undefined ? undefined : ds.catalog.fact.columns.find((c) => c.name === d);
  return { key, keyNullable: col.nullable, distinct: d, distinctNullable: dcol?.nullable ?? false };
}

/** How a keyed plan counts its groups' distinct values. All give the same answer; each
 *  applies only where the snapshot has what it reads and the filter lets it be exact.
 *  - `count`: no distinct count is asked, rows are only counted;
 *  - `distinct-sets`: unions of per-group bitstrings (stored ones where the filter names
 *    only the group key, built from rows elsewhere);
 *  - `first-seen`: counts the rows that are their (group, value) pair's first in the
 *    window, where the filter is constant within a pair;
 *  - `pairs`: (group, value) pairs, then groups: the plain way, and the reference. */
export type Strategy = 'count' | 'distinct-sets' | 'first-seen' | 'pairs';

const subset = (xs: ReadonlySet<string>, of: ReadonlySet<string>) => [...xs].every((x) => of.has(x));


/** The distinct-set declaration for a keyed plan's key and counted column, if any. */
const setFor = (catalog: Catalog, k: Keyed) => catalog.distinctSets.find((s) => s.key === k.key && s.distinct === k.distinct);

/** Whether the snapshot stores `set`'s tables (old snapshots: where they have its range). */
const storedSet = (set: DistinctSetDef, o: CompileOptions) =>
  o.setTables === undefined ? o.idRanges?.[set.ids] !== undefined : o.setTables.has(set.day) && o.setTables.has(set.month);

/** Whether the snapshot holds first-seen column `column` (and its rollups' counts). */
const holdsFirstSeen = (o: CompileOptions, column: string) => o.firstSeen === true || (typeof o.firstSeen === 'object' && o.firstSeen.has(column));

/** The first-seen column that counts a keyed plan's distinct values exactly under its
 *  filter, if the snapshot holds one: the filter is constant within one of its pairs, and a
 *  finer pair's further columns (FirstSeenDef.within) are pinned to one value by it (under
 *  `country in (a, b)` a viewer's blog seen from both would count twice). The plain pair's
 *  column (its rollups count its firsts) before a finer one's. */
export function firstSeenFor(plan: AggregatePlan, ds: DatasetDef, k: Keyed, cols: ReadonlySet<string>, o: CompileOptions): FirstSeenDef | undefined {
  const catalog = ds.catalog;
  const pinned = pinnedColumns(ds, plan.filter);
  const exact = (f: FirstSeenDef) =>
    (f.within ?? []).every((c) => pinned.has(c)) && subset(cols, new Set([k.key, ...[k.distinct!, ...(f.within ?? [])].flatMap((c) => sameWithin(catalog, c))]));
  return catalog.firstSeen
    .filter((f) => f.key === k.key && f.distinct === k.distinct && holdsFirstSeen(o, f.column) && exact(f))
    .sort((a, b) => (a.within?.length ?? 0) - (b.within?.length ?? 0))[0];
}

/** The cheapest exact strategy, by cost: a rollup's first- or last-ever counts (a window
 *  with no lower bound, or none of whose rows are at or after its end) read a few integers
 *  per key and bucket; stored sets a bitstring per key and bucket; a first-seen count reads
 *  each row of the window once; sets built on the fly cost a bit per row; pairs
 *  hash every (key, value) pair of the window. */
export function strategyFor(plan: AggregatePlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions): Strategy {
  const k = keyedShape(plan, ds);
  if (!k) throw new Error('not a keyed plan');
  if (k.distinct === undefined) return 'count';
  // The sets and first-seen columns are built over values that are never null.
  if (o.rollups === false || k.distinctNullable) return 'pairs';
  const catalog = ds.catalog;
  const cols = filterColumns(plan.filter, fields);
  const set = setFor(catalog, k);
  const onlyKey = subset(cols, new Set([k.key]));
  const first = firstSeenFor(plan, ds, k, cols, o);
  // Rollups' first- or last-ever counts read a few integers per key and bucket where stored
  // sets read a bitstring per key and bucket.
  if (first && countingRollups(plan, first, catalog, cols, o)) return 'first-seen';
  if (set && o.idRanges?.[set.ids] && storedSet(set, o) && onlyKey) return 'distinct-sets';
  if (first) return 'first-seen';
  if (set && o.idRanges?.[set.ids]) return 'distinct-sets';
  return 'pairs';
}

/** The window as segments over a rollup family holding `needed`, or the fact table. */
function cut(plan: AggregatePlan, catalog: Catalog, needed: ReadonlySet<string>, o: CompileOptions): Segment[] {
  const family = o.rollups === false ? undefined : chooseFamily(catalog, needed, new Set(), o.rollupTables);
  return family ? decompose(plan.window, family, o.span) : [{ source: { kind: 'fact' }, from: plan.window.start, to: plan.window.end }];
}

/** SQL for the relation (id, d, z): one row per non-null key with its distinct count d
 *  and its rows z. */
function groupsSql(plan: AggregatePlan, k: Keyed, strategy: Strategy, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params, d: Dialect, extra?: string): string {
  const catalog = ds.catalog;
  const keyName = k.key;
  const key = ident(keyName);
  const cols = filterColumns(plan.filter, fields);
  const where = (p: Params) => [`${key} IS NOT NULL`, ...(extra ? [extra] : []), ...(plan.filter ? [compileFilter(plan.filter, fields, p, ident, d)] : [])];
  switch (strategy) {
    case 'count': {
      const segs = cut(plan, catalog, new Set([keyName, ...cols]), o);
      const src = segmentsSql(segs, catalog, `${key} AS id`, where, params, false);
      return `SELECT id, ${d.nullOf('BIGINT')} AS d, ${d.cast('sum(n)', 'BIGINT')} AS z FROM (\n  ${src}\n) GROUP BY id`;
    }
    case 'distinct-sets': {
      const set = setFor(catalog, k)!;
      const range = o.idRanges![set.ids]!;
      const value = ident(set.distinct);
      const stored = storedSet(set, o) && subset(cols, new Set([set.key]));
      const segs = stored
        ? decompose(plan.window, { month: { name: set.month }, day: { name: set.day } })
        : cut(plan, catalog, new Set([set.key, set.distinct, ...cols]), o);
      const bits = d.bitsetAgg(value, sqlInteger(range.min), sqlInteger(range.max));
      const src = unionSegments(segs, catalog, where, params, (r) =>
        stored && !r.fact
          ? `SELECT ${key} AS id, n, bits FROM ${r.table} WHERE ${r.conds}`
          : `SELECT ${key} AS id, ${d.cast(r.fact ? 'count(*)' : 'sum(n)', 'BIGINT')} AS n, ${bits} AS bits FROM ${r.table} WHERE ${r.conds} GROUP BY ${key}`);
      return `SELECT id, ${d.bitsetUnionCount('bits')} AS d, ${d.cast('sum(n)', 'BIGINT')} AS z FROM (\n  ${src}\n) GROUP BY id`;
    }
    case 'first-seen':
      return firstSeenSql(plan, firstSeenFor(plan, ds, k, cols, o)!, catalog, cols, where, o, params, d);
    case 'pairs': {
      // Two phases: (key, value) pairs first, then per key. DuckDB does this faster than
      // count(DISTINCT) over the raw rows, and both give the same distinct counts.
      const distinct = k.distinct!;
      const segs = cut(plan, catalog, new Set([keyName, distinct, ...cols]), o);
      const src = segmentsSql(segs, catalog, `${key} AS id, ${ident(distinct)} AS v`, where, params, false);
      // A key with one value per counted value (a blog's author) makes the pairs the same as
      // the values alone, and a dense id groups in a perfect hash table (11 -> 7 ms, 10M views).
      const perValue = o.rollups !== false && sameWithin(catalog, distinct).includes(keyName);
      const pairs = perValue ? `SELECT v, ${d.anyValue('id')} AS id, sum(n) AS n FROM (\n  ${src}\n) GROUP BY v` : `SELECT id, v, sum(n) AS n FROM (\n  ${src}\n) GROUP BY id, v`;
      // A null value is a pair of its own, but no value to count (a nullable column only).
      return `SELECT id, ${d.bigCount(k.distinctNullable ? 'count(v)' : 'count(*)')} AS d, ${d.cast('sum(n)', 'BIGINT')} AS z FROM (
  ${pairs}
) GROUP BY id`;
    }
  }
}

/** For a window holding every fact row: the groups read straight from an `all` rollup
 *  whose rows are one per key (its other columns are the key's own attributes) and that
 *  holds every filtered column and the distinct count asked (its first-ever count, or a
 *  stored distinct count): no grouping, no pairs. */
function wholeSql(plan: AggregatePlan, k: Keyed, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params, d: Dialect): string | undefined {
  if (o.rollups === false || !holdsAll(plan.window, o.span)) return undefined;
  const catalog = ds.catalog;
  const cols = filterColumns(plan.filter, fields);
  const perKey = new Set([k.key, ...sameWithin(catalog, k.key)]);
  const firstSeen = catalog.firstSeen.find((f) => f.key === k.key && f.distinct === k.distinct && f.within === undefined)?.column;
  for (const r of catalog.rollups.flat()) {
    if (r.grain !== 'all' || r.where !== undefined || (r.paths ?? []).length > 0 || (o.rollupTables !== undefined && !o.rollupTables.has(r.name))) continue;
    if (!r.columns.includes(k.key) || !r.columns.every((c) => perKey.has(c)) || ![...cols].every((c) => r.columns.includes(c))) continue;
    const distinct =
      k.distinct === undefined ? d.nullOf('BIGINT')
      : firstSeen !== undefined && r.firsts === firstSeen && holdsFirstSeen(o, firstSeen) ? 'f'
      : r.distinct?.includes(k.distinct) ? ident(rollupDistinct(k.distinct))
      : undefined;
    if (distinct === undefined) continue;
    const where = [`${ident(k.key)} IS NOT NULL`, ...(plan.filter ? [compileFilter(plan.filter, fields, params, ident, d)] : [])];
    return `SELECT ${ident(k.key)} AS id, ${distinct} AS d, n AS z FROM ${ident(r.name)} WHERE ${where.join(' AND ')}`;
  }
  return undefined;
}

/** The rows whose key is null, as one group (plain: a scan of the window). */
function nullGroupSql(plan: AggregatePlan, k: Keyed, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, params: Params, d: Dialect): string {
  const conds = [windowSql(ident(ds.catalog.fact.time), plan.window, params), `${ident(k.key)} IS NULL`, ...(plan.filter ? [compileFilter(plan.filter, fields, params, ident, d)] : [])];
  const distinct = k.distinct === undefined ? d.nullOf('BIGINT') : d.bigCount(`count(DISTINCT ${ident(k.distinct)})`);
  return `SELECT NULL AS id, ${distinct} AS d, ${d.bigCount('count(*)')} AS z FROM ${ident(ds.catalog.fact.name)} WHERE ${conds.join(' AND ')} HAVING count(*) > 0`;
}

export function compileKeyed(asked: AggregatePlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, o: CompileOptions, params: Params, dialect: Dialect): string {
  // A start at or before the first row bounds nothing: without it, first-seen counts read
  // first-ever counts from rollups.
  const plan = { ...asked, window: unbounded(asked.window, o.span) };
  const k = keyedShape(plan, ds)!;
  const dim = plan.dimensions[0]!;
  // Internal names: id (the key), d (the distinct count), z (the count).
  const internal = (by: string) => (by === dim ? 'id' : ds.measures[by]?.kind === 'count_distinct' ? 'd' : 'z');
  const whole = wholeSql(plan, k, ds, fields, o, params, dialect);
  const strategy = whole === undefined ? strategyFor(plan, ds, fields, o) : undefined;
  // Pairs cost a hash of every (key, value) pair in the window; where the order does not
  // need the distinct counts, the groups are counted and paged first, and the pairs of the
  // page's keys alone are counted after (a page of 100 viewers instead of 250,000).
  const deferred = strategy === 'pairs' && !orderOf(plan).some((t) => internal(t.by) === 'd');
  let groups = whole ?? groupsSql(plan, k, deferred ? 'count' : strategy!, ds, fields, o, params, dialect);
  if (plan.nulls === 'keep' && k.keyNullable) groups = `${groups}\n  UNION ALL ${nullGroupSql(plan, k, ds, fields, params, dialect)}`;
  const limit = params.add(plan.limit, 'BIGINT');
  const offset = params.add(plan.offset, 'BIGINT');
  const order = (prefix: string) => orderSql(orderOf(plan), plan.dimensions, (by) => `${prefix}${internal(by)}`);
  // Labels are read through the grouped relation from its key (every key is in its table:
  // references are checked on import), after the page is cut, for its rows only.
  const target = targetOf(ds.catalog, dim);
  const fromTarget = fieldsFrom(ds.catalog, target.name);
  const joins = new JoinSet();
  if (plan.labels.length) joins.add([`LEFT JOIN ${ident(target.name)} l ON l.${ident(tableKey(target))} = g.id`]);
  const labels = plan.labels.map((l) => {
    if (!l.path.startsWith(`${dim}__`)) throw new Error(`label ${l.path} is not under the grouped relation ${dim}`);
    return `${readPath(fromTarget, l.path.slice(dim.length + 2), 'l', joins, params, dialect).sql} AS ${ident(l.name)}`;
  });
  const out = [
    `page.id AS ${ident(dim)}`,
    ...plan.labels.map((l) => `page.${ident(l.name)}`),
    ...plan.measures.map((m) => `page.${internal(m)} AS ${ident(m)}`),
  ];
  const late = deferred ? `, late AS (\n  ${groupsSql(plan, k, 'pairs', ds, fields, o, params, dialect, `${ident(k.key)} IN (SELECT id FROM top)`)}\n)` : '';
  // A null group's distinct count comes with it (nullGroupSql); the others' from `late`.
  const d = deferred ? 'COALESCE(late.d, g.d, 0)' : 'g.d';
  return `WITH g AS${dialect.cteHint('reused')} (
  ${groups}
), top AS (
  SELECT id, d, z FROM g ORDER BY ${order('')} LIMIT ${limit} OFFSET ${offset}
)${late}, page AS (
  SELECT ${dialect.keepName('g.id', 'id')}, ${d} AS d, ${dialect.keepName('g.z', 'z')}, true AS present${labels.map((l) => `, ${l}`).join('')} FROM top g ${deferred ? 'LEFT JOIN late ON late.id = g.id ' : ''}${joins.sql}
)
SELECT (SELECT count(*) FROM g) AS total, page.present, ${out.join(', ')}
FROM (SELECT 1) one LEFT JOIN page ON true
ORDER BY ${order('page.')}`;
}
