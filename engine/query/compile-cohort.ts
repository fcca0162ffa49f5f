// Cohort plans -> SQL, and their rows -> the answer's lists. Pure: no I/O.
//
// Entities (customers) are put in the calendar bucket, in the question's zone, of their
// first counted fact row in the window; then, per cohort and bucket k after it (k from 0 to
// periods - 1), how many of its entities have rows in that bucket and the measure's sum
// over them. The fact rows are read once, per entity and bucket; the filter, rooted at the
// entity's table, is a semi-join of the fact's key of the entity on that table. In UTC, the
// (entity, bucket) figures come from a counted rollup by the entity's key where one is built
// (counted-segments.ts: whole months and days from it, the partial days from the fact rows).
import { tableKey } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import { aggregateSql, measureType } from './measures.ts';
import type { MeasureType } from './measures.ts';
import type { CohortPlan } from './nodes.ts';
import { JoinSet, fieldsFrom, readPath, targetOf } from './paths.ts';
import { PERIODS } from './periods.ts';
import { windowSql } from './segments.ts';
import type { CompileOptions } from './compile-options.ts';
import { countedSegmentsSource } from './counted-segments.ts';
import { copiedFirsts } from './cohort-firsts.ts';

export function compileCohort(plan: CohortPlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, params: Params, dialect: Dialect, o: CompileOptions = { rollups: false }): string {
  const catalog = ds.catalog;
  const kind = ds.measures[plan.measure]?.kind;
  // A cohort's figure is the sum of its entities' figures: only counts and sums add up so.
  if (kind !== 'count' && kind !== 'sum') throw new Error(`cohort: measure '${plan.measure}' is not a count or a sum`);
  const p = PERIODS[plan.granularity];
  const utc = plan.tz === 'UTC';
  const tz = utc ? '' : params.add(plan.tz, 'VARCHAR');
  const unit = params.add(p.unit, 'VARCHAR');
  const trunc = (instant: string) => dialect.truncate(unit, utc ? instant : dialect.localTime(tz, instant));
  const joins = new JoinSet();
  const entity = readPath(fields, plan.entity, 'f', joins, params, dialect);
  const time = `f.${ident(catalog.fact.time)}`;
  const key = fields.get(plan.entity)?.storage;
  const keyColumn = key && key.hops.length === 0 && key.value.kind === 'column' ? key.value.column : undefined;
  const counted =
    utc && p.rollup !== 'none' && keyColumn !== undefined
      ? countedSegmentsSource({ ds, plan: { window: plan.window, filter: ds.counts }, dimensions: [plan.entity], needed: new Set([keyColumn]), measures: [plan.measure], fields, o, params, dialect }, p.rollup === 'month' ? ['day', 'month'] : ['day'])
      : undefined;
  // The window and the counting rule are the counted rows' own (bound only where read).
  const conds = [...(counted ? [] : [windowSql(time, plan.window, params)]), `${entity.sql} IS NOT NULL`];
  if (ds.counts && !counted) conds.push(compileFilter(ds.counts, fields, params, (c) => `f.${ident(c)}`, dialect));
  if (plan.filter) {
    const t = targetOf(catalog, plan.entity);
    const own = compileFilter(plan.filter, fieldsFrom(catalog, t.name), params, (c) => `x.${ident(c)}`, dialect);
    conds.push(`${entity.sql} IN (SELECT x.${ident(tableKey(t))} FROM ${ident(t.name)} x WHERE ${own})`);
  }
  // Converting every row to local time is the costly part: outside UTC the rows are first
  // summed per entity and instant (an order's lines share both), and only those converted.
  let per: string;
  if (counted?.rowsPer !== undefined && counted.rowsPer === p.unit && counted.row) {
    // The rollup's rows are one per entity and bucket already: read as they are.
    per = `SELECT ${entity.sql} AS e, f.t AS b, ${counted.row(plan.measure)} AS m FROM ${counted.from} WHERE ${conds.join(' AND ')}`;
  } else if (counted) {
    per = `SELECT ${entity.sql} AS e, ${trunc('f.t')} AS b, ${counted.measure(plan.measure)} AS m FROM ${counted.from} WHERE ${conds.join(' AND ')} GROUP BY 1, 2`;
  } else {
    const measure = aggregateSql(ds, plan.measure, 'f', params, dialect);
    const from = `${ident(catalog.fact.name)} f ${joins.sql} WHERE ${conds.join(' AND ')}`;
    per = utc
      ? `SELECT ${entity.sql} AS e, ${trunc(time)} AS b, ${measure} AS m FROM ${from} GROUP BY 1, 2`
      : `SELECT e, ${trunc('t')} AS b, sum(m) AS m FROM (
    SELECT ${entity.sql} AS e, ${time} AS t, ${measure} AS m FROM ${from} GROUP BY 1, 2
  ) GROUP BY 1, 2`;
  }
  const firsts = copiedFirsts(plan, ds, fields, o, params, dialect, trunc, keyColumn);
  const label = p.label === null ? dialect.quarterLabel('co.c') : dialect.formatTime('co.c', params.add(p.label, 'VARCHAR'));
  const periods = params.add(plan.periods, 'BIGINT');
  // The last bucket holding an instant of the window: that of the window's last microsecond.
  const end = params.add(plan.window.end, 'TIMESTAMP');
  const last = trunc(dialect.fromEpochMicros(`(${dialect.epochMicros(end)} - 1)`));
  return `WITH per AS${dialect.cteHint('materialized')} (
  ${per}
), firsts AS (
  ${firsts ?? 'SELECT e, min(b) AS c FROM per GROUP BY e'}
), cohorts AS (
  SELECT c, count(*) AS n FROM firsts GROUP BY c
), cells AS (
  SELECT c, k, count(*) AS active, sum(m) AS m FROM (
    SELECT fi.c, ${dialect.bucketsBetween(unit, 'fi.c', 'per.b')} AS k, per.m FROM per JOIN firsts fi ON fi.e = per.e
  ) WHERE k < ${periods} GROUP BY c, k
)
SELECT ${label} AS cohort, co.n AS customers, ${dialect.bucketsBetween(unit, 'co.c', `(${last})`)} AS horizon, cells.k, cells.active, cells.m
FROM cohorts co JOIN cells ON cells.c = co.c
ORDER BY co.c, cells.k`;
}

/** num / den (non-negative, den > 0) in percent, rounded to 2 decimals half up, exactly. */
function percent(num: bigint, den: bigint): number {
  const hundredths = (2n * 10000n * num + den) / (2n * den);
  return Number(hundredths) / 100;
}

/** The rows of a compiled cohort plan -> one row per cohort, oldest first: `cohort` (the
 *  bucket's label), `customers`, `retention` (percent of the cohort with rows in bucket k,
 *  two decimals) and the measure's list; buckets wholly after the window's end are null, a
 *  bucket with no rows of the cohort is 0. */
export function cohortRows(raw: readonly Record<string, unknown>[], plan: CohortPlan, t: MeasureType): Record<string, unknown>[] {
  const zero = t.type === 'decimal' && (t.scale ?? 0) > 0 ? `0.${'0'.repeat(t.scale!)}` : 0;
  const out: Record<string, unknown>[] = [];
  type Cohort = { cohort: unknown; customers: number; retention: (number | null)[]; values: unknown[] };
  let row: Cohort | undefined;
  const start = (r: Record<string, unknown>): Cohort => {
    const horizon = Number(r['horizon']);
    const c: Cohort = { cohort: r['cohort'], customers: Number(r['customers']), retention: [], values: [] };
    for (let k = 0; k < plan.periods; k++) {
      c.retention.push(k <= horizon ? 0 : null);
      c.values.push(k <= horizon ? zero : null);
    }
    out.push({ cohort: c.cohort, customers: c.customers, retention: c.retention, [plan.measure]: c.values });
    return c;
  };
  for (const r of raw) {
    const c: Cohort = row !== undefined && row.cohort === r['cohort'] ? row : (row = start(r));
    const k = Number(r['k']);
    // A cell past the window's end cannot hold rows of the window: none is.
    if (c.retention[k] === null) continue;
    c.retention[k] = percent(BigInt(r['active'] as number | bigint), BigInt(c.customers));
    c.values[k] = typeof r['m'] === 'bigint' ? Number(r['m']) : r['m'];
  }
  return out;
}

/** The measure's type, for cohortRows. */
export const cohortMeasureType = (ds: DatasetDef, plan: CohortPlan): MeasureType => measureType(ds, plan.measure);
