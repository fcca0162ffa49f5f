// Activity plans asking `active`: per calendar bucket (day, ISO week, month) of the plan's
// zone, the entities active in it and those whose first activity ever starts in it; per day
// also those active in the 7 and 30 days ending with it. Pure: SQL text and parameters.
//
// A span's wall-clock pieces make (entity, local day) pairs; weeks and months group the
// days. The 7- and 30-day counts need no join of days with days: a pair (entity, d) whose
// entity is next active on day d' counts on days d .. min(d + 6, d' - 1) (d + 29), so each
// pair adds 1 from d and takes it back from min(d + 7, d'), and a running sum over the days
// counts every entity once per day.
import type { Catalog } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { sqlInteger } from '../sql.ts';
import { activitySources, segmentAt, wallRangeCte } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan, ActivityQuestion } from './nodes.ts';
import { PERIODS } from './periods.ts';
import { DAY_US } from './zone-segments.ts';

type Active = Extract<ActivityQuestion, { kind: 'active' }>;

export function activeSql(plan: ActivityPlan, q: Active, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const src = activitySources(plan, catalog, options, params, dialect, { firsts: true, pieces: true });
  const p = PERIODS[q.granularity];
  const day = (x: string) => dialect.floorDiv(x, sqlInteger(DAY_US));
  const unit = q.granularity === 'day' ? null : params.add(p.unit, 'VARCHAR');
  /** The bucket (its first day, a DATE) of the day number `d`. */
  const bucket = (d: string) => (unit === null ? dialect.dateOfDay(d) : dialect.cast(dialect.truncate(unit, dialect.dateOfDay(d)), 'DATE'));
  const utc = plan.zone.kind === 'fixed' && plan.zone.tz === 'UTC';
  // A first activity's wall-clock instant: by the offset of its zone at that instant.
  const firstWall = utc ? `SELECT f AS w FROM firsts` : `SELECT fi.f + g.o AS w FROM firsts fi ${segmentAt('fi', 'f', src.entityZone)}`;
  const ctes = [
    ...src.ctes,
    `days AS (
  SELECT DISTINCT m, d FROM (SELECT m, ${dialect.integerSeries(day('lo'), `${day('(hi - 1)')} + 1`)} AS d FROM pieces)
)`,
    wallRangeCte('rng', plan, src, params, dialect),
    `series AS (
  SELECT CAST(b AS DATE) AS b FROM (${dialect.bucketRange(bucket(day('lo')), bucket(day('hi')), p.step, 'rng')})
)`,
    `act AS (
  SELECT b, count(DISTINCT m) AS active FROM (SELECT m, ${bucket('d')} AS b FROM days) GROUP BY b
)`,
    `nw AS (
  SELECT ${bucket(day('w'))} AS b, count(*) AS fresh FROM (${firstWall}) GROUP BY 1
)`,
  ];
  const daily = q.granularity === 'day';
  if (daily)
    ctes.push(
      `runs AS (
  SELECT d, lead(d) OVER (PARTITION BY m ORDER BY d) AS nd FROM days
)`,
      `steps AS (
  SELECT x, sum(w7) AS w7, sum(w30) AS w30 FROM (
    SELECT d AS x, 1 AS w7, 1 AS w30 FROM runs
    UNION ALL SELECT least(d + 7, coalesce(nd, d + 7)), -1, 0 FROM runs
    UNION ALL SELECT least(d + 30, coalesce(nd, d + 30)), 0, -1 FROM runs
  ) GROUP BY x
)`,
      `rolling AS (
  SELECT s.b, sum(coalesce(st.w7, 0)) OVER (ORDER BY s.b) AS wau, sum(coalesce(st.w30, 0)) OVER (ORDER BY s.b) AS mau
  FROM series s LEFT JOIN steps st ON ${dialect.dateOfDay('st.x')} = s.b
)`,
    );
  const period = dialect.formatTime('s.b', params.add('%Y-%m-%d', 'VARCHAR'));
  const label = dialect.formatTime('s.b', params.add(p.label ?? '%Y-%m-%d', 'VARCHAR'));
  return `WITH ${ctes.join(', ')}
SELECT ${period} AS period, ${label} AS label, coalesce(act.active, 0) AS active, coalesce(nw.fresh, 0) AS fresh${daily ? ', CAST(r.wau AS BIGINT) AS wau, CAST(r.mau AS BIGINT) AS mau' : ''}
FROM series s LEFT JOIN act ON act.b = s.b LEFT JOIN nw ON nw.b = s.b${daily ? ' LEFT JOIN rolling r ON r.b = s.b' : ''}
ORDER BY s.b`;
}
