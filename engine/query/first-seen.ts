// Distinct (key, value) pairs per key counted from a first-seen column (catalog.firstSeen):
// a row is its pair's first in a window [s, e) when its pair's previous row is before s, so
// one pass over the window's rows counts them. Where the window has no lower bound, a first
// is a first ever, and rollups count those (`f`) for whole months and days; where no row is
// at or after the window's end (a window ending now), the pairs in it are those whose last
// row ever is at or after s, and rollups count those (`l`, FirstSeenDef.last) likewise.
// Exact for any filter constant within a pair (compile-keyed.ts decides). Pure: no I/O.
import type { Catalog, FirstSeenDef, RollupDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import type { AggregatePlan } from './nodes.ts';
import { chooseFamily, decompose, endsAfterAll, subtractedStart } from './rollups.ts';
import { unionSegments, windowSql } from './segments.ts';
import type { SegmentRead } from './segments.ts';

/** Which rollup count answers the window: first-ever counts (no lower bound), last-ever
 *  counts (no row at or after the end, and the snapshot holds them), or none. */
function rollupCount(plan: AggregatePlan, column: string, o: CompileOptions): 'f' | 'l' | undefined {
  if (o.rollups === false) return undefined;
  if (plan.window.start === null) return 'f';
  return o.lastSeen?.has(column) && endsAfterAll(plan.window, o.span) ? 'l' : undefined;
}

/** The rollups (day, month, all) whose counts answer a first-seen count of the window
 *  with this filter's columns, with the count they read, if any: a few integers per key
 *  and bucket, cheaper than any set or scan. */
export function countingRollups(plan: AggregatePlan, def: FirstSeenDef, catalog: Catalog, cols: ReadonlySet<string>, o: CompileOptions) {
  const count = rollupCount(plan, def.column, o);
  const fam = count === undefined ? undefined : chooseFamily(catalog, new Set([def.key, ...cols]), new Set(), o.rollupTables);
  const counting = (r: RollupDef | undefined) => (r?.firsts === def.column ? r : undefined);
  const family = fam && { day: counting(fam.day), month: counting(fam.month), all: counting(fam.all) };
  // An `all` grain alone answers only windows holding every row (compile-keyed.ts reads
  // those whole): any other window would be read from the fact table whole.
  return family && (family.day || family.month) ? { family, count: count! } : undefined;
}

/** SQL for (id, d, z): per non-null key, its distinct values d and rows z in the window. */
export function firstSeenSql(
  plan: AggregatePlan,
  def: FirstSeenDef,
  catalog: Catalog,
  cols: ReadonlySet<string>,
  where: (p: Params) => string[],
  o: CompileOptions,
  params: Params,
  d: Dialect,
): string {
  const key = ident(def.key);
  const prev = ident(def.column);
  const rollups = countingRollups(plan, def, catalog, cols, o);
  if (rollups) {
    const { family, count } = rollups;
    // A fact segment's rows that its rollups would have counted: firsts ever, or lasts ever.
    const counted = count === 'l' ? ident(def.last!) : `${prev} IS NULL`;
    const factRows = (r: SegmentRead, sign: string) =>
      `SELECT ${key} AS id, ${sign}${d.countIf(counted)} AS f, ${sign}${d.bigCount('count(*)')} AS n FROM ${r.table} WHERE ${r.conds} GROUP BY ${key}`;
    // Both counts add up over rows, so they subtract too (a key whose rows all fall in the
    // subtracted part nets no row, and is no group).
    const signed = subtractedStart(plan.window, family, o.span);
    const src = unionSegments(signed?.add ?? decompose(plan.window, family, o.span), catalog, where, params, (r) =>
      r.fact ? factRows(r, '') : `SELECT ${key} AS id, ${count} AS f, n FROM ${r.table} WHERE ${r.conds}`);
    const less = signed ? `\n  UNION ALL ${unionSegments([signed.subtract], catalog, where, params, (r) => factRows(r, '-'))}` : '';
    return `SELECT id, ${d.cast('sum(f)', 'BIGINT')} AS d, ${d.cast('sum(n)', 'BIGINT')} AS z FROM (\n  ${src}${less}\n) GROUP BY id${signed ? ' HAVING sum(n) > 0' : ''}`;
  }
  const conds = [windowSql(ident(catalog.fact.time), plan.window, params), ...where(params)];
  const first = plan.window.start === null ? `${prev} IS NULL` : `${prev} IS NULL OR ${prev} < ${params.add(plan.window.start, 'TIMESTAMP')}`;
  return `SELECT ${key} AS id, ${d.countIf(first)} AS d, ${d.bigCount('count(*)')} AS z FROM ${ident(catalog.fact.name)}
  WHERE ${conds.join(' AND ')} GROUP BY ${key}`;
}
