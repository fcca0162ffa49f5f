// Activity plans asking `sessions`: the lengths of the merged spans in the window (clipped
// to it), counted in fixed length buckets, with their number, mean (in hundredths of a
// second, rounded half up in integers), median and 90th percentile by the nearest-rank
// method (the value at rank ceil(p/100 * n) of the lengths in ascending order). One row,
// present with no span too. Pure.
import type { Catalog } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { sqlInteger } from '../sql.ts';
import { activitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';

/** The length buckets, in seconds: [min, max) each; the last has no upper bound. */
export const SESSION_BUCKETS: readonly { readonly label: string; readonly min: number; readonly max: number | null }[] = [
  { label: '< 1 min', min: 0, max: 60 },
  { label: '1-5 min', min: 60, max: 300 },
  { label: '5-15 min', min: 300, max: 900 },
  { label: '15-60 min', min: 900, max: 3600 },
  { label: '1-4 h', min: 3600, max: 14_400 },
  { label: '4-24 h', min: 14_400, max: 86_400 },
  { label: '>= 24 h', min: 86_400, max: null },
];

export function sessionsSql(plan: ActivityPlan, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const src = activitySources(plan, catalog, options, params, dialect, {});
  const us = (seconds: number) => sqlInteger(seconds * 1_000_000);
  const counts = SESSION_BUCKETS.map((b, i) => `${dialect.countIf(`len >= ${us(b.min)}${b.max === null ? '' : ` AND len < ${us(b.max)}`}`)} AS c${i}`);
  const h = (e: string) => dialect.cast(e, 'HUGEINT');
  // The mean in hundredths of a second: total / n / 10^4 microseconds, half up.
  const meanOf = (n: string, total: string) => dialect.intDiv(`(2 * ${h(total)} + ${h(n)} * 10000)`, `(2 * ${h(n)} * 10000)`);
  const ranks = dialect.nearestRanks('len', [50, 90]);
  if (ranks !== null)
    // The database selects the ranks without ordering every length (a window's sort of the
    // 1.5M runs of a month at 10M periods took 260-690 ms, the selection 180-220 ms).
    return `WITH ${src.ctes.join(', ')}, lens AS (
  SELECT e - s AS len FROM spans
), agg AS (
  SELECT count(*) AS n, sum(len) AS total, ${ranks} AS q, ${counts.join(', ')} FROM lens
)
SELECT n, CASE WHEN n > 0 THEN ${dialect.cast(meanOf('n', 'total'), 'BIGINT')} END AS mean_centis, q[1] AS median, q[2] AS p90, ${SESSION_BUCKETS.map((_, i) => `c${i}`).join(', ')}
FROM agg`;
  const rank = (pct: number) => dialect.intDiv(`(tot.n * ${sqlInteger(pct)} + 99)`, '100');
  const mean = meanOf('tot.n', 'tot.total');
  return `WITH ${src.ctes.join(', ')}, lens AS (
  SELECT e - s AS len, row_number() OVER (ORDER BY e - s) AS r FROM spans
), tot AS (
  SELECT count(*) AS n, coalesce(sum(len), 0) AS total FROM lens
)
SELECT tot.n, CASE WHEN tot.n > 0 THEN ${dialect.cast(mean, 'BIGINT')} END AS mean_centis,
  max(lens.len) FILTER (WHERE lens.r = ${rank(50)}) AS median, max(lens.len) FILTER (WHERE lens.r = ${rank(90)}) AS p90,
  ${counts.join(', ')}
FROM tot LEFT JOIN lens ON true GROUP BY tot.n, tot.total`;
}
