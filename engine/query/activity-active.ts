// Activity plans asking `active`: per calendar bucket (day, ISO week, month) of the plan's
// zone, the entities active in it and those whose first activity ever starts in it; per day
// also those active in the 7 and 30 days ending with it. Pure: SQL text and parameters.
//
// No span is cut into days and no (entity, day) pair is made distinct. An entity's spans
// are disjoint and ordered, so a span counts for the buckets from its first day's to its
// last day's, less those its entity's previous span (in the window) already reached: the
// stretches of one entity never overlap, and a difference array (+1 where a stretch
// begins, -1 after it ends) summed over the buckets counts each entity once. The 7- and
// 30-day counts are the same with each span's days reaching 6 (29) days further. With the
// entities' zones, where the import's days table serves the plan, its days with activity
// in the window stand for the spans (a day each); without a filter, in UTC too, the
// window's whole days are counts of days alike (activity-gaps.ts), a span of weight `wt`.
import type { Catalog } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { sqlInteger } from '../sql.ts';
import { DAY_COLUMNS, daysClock, daysRead, nearEnds } from './activity-days.ts';
import { zonedDaySpans, zonedDaysPlan } from './activity-zoned-days.ts';
import { gapSpans, gapsClock } from './activity-gaps.ts';
import { activitySources, intervalsDef, wallRangeCte } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan, ActivityQuestion } from './nodes.ts';
import { CONCURRENCY_MAX_BUCKETS } from './activity-concurrency.ts';
import { PERIODS } from './periods.ts';
import { BUCKETS_TOO_MANY } from './refusals.ts';
import { DAY_US } from './zone-segments.ts';

type Active = Extract<ActivityQuestion, { kind: 'active' }>;

export function activeSql(plan: ActivityPlan, q: Active, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const def = intervalsDef(catalog, plan.intervals);
  // A zone other than UTC from UTC's days (activity-zoned-days.ts): the runs near the
  // window's ends only, for the UTC days it cuts.
  const zoned = zonedDaysPlan(plan, def, options);
  const src = activitySources(plan, catalog, options, params, dialect, { firsts: true, segs: true, previous: true, ...(zoned ? { near: nearEnds(0, dialect) } : {}) });
  const p = PERIODS[q.granularity];
  const day = (x: string) => dialect.floorDiv(x, sqlInteger(DAY_US));
  const epoch = dialect.dateOfDay('0');
  const month = q.granularity === 'month' ? params.add('month', 'VARCHAR') : '';
  /** The bucket number of the day number `d` (days, ISO weeks from a Monday, months since 1970). */
  const bucket = (d: string) =>
    q.granularity === 'day' ? d : q.granularity === 'week' ? dialect.floorDiv(`${d} + 3`, '7') : dialect.bucketsBetween(month, epoch, dialect.dateOfDay(d));
  /** The first day (a DATE) of the bucket holding the DATE `d`. */
  const unit = q.granularity === 'day' ? null : params.add(p.unit, 'VARCHAR');
  const first = (d: string) => (unit === null ? d : dialect.cast(dialect.truncate(unit, d), 'DATE'));
  const utc = plan.zone.kind === 'fixed' && plan.zone.tz === 'UTC';
  const zoneMatch = (g: string, alias: string) => (src.entityZone ? `${g}.z = ${alias}.z AND ` : '');
  /** The wall-clock day of instant `t` (a column of sp), by its zone's offset then. The
   *  segments cover every instant: an inner join finds one for each span (a span with no
   *  previous one joins at its own start and keeps its null day). ClickHouse takes no outer
   *  join on inequalities alone, where an entity's zone is not among the keys. */
  const at = (g: string, t: string, join: 'JOIN' | 'LEFT JOIN') => `${join} segs ${g} ON ${zoneMatch(g, 'sp')}${g}.a <= ${t} AND ${g}.b > ${t}`;
  const wallDay = (g: string, t: string) => day(utc ? t : `${t} + ${g}.o`);
  const withPrevious = src.previousEnd ? 'spans' : `(SELECT *, lag(e) OVER (PARTITION BY m ORDER BY s) AS pe FROM spans)`;
  // The days table pays with the entities' zones (no zone joins per span); in UTC, where
  // a span's days are arithmetic, it cost more than it saved (bench/sql-ab.ts, 1M members).
  // The counts of days by the day before (activity-gaps.ts) pay on both clocks: the window's
  // whole days are a few hundred rows of them.
  const gaps = gapsClock(plan, def, options);
  // (Not from the days counted by hour, activity-day-hours.ts: those keep the previous day
  // only where it is the day before, and the 7- and 30-day counts reach further back.)
  const zonedSd = zoned ? zonedDaySpans(def, src, dialect) : null;
  const clock = daysClock(plan, def, options) === 1 ? 1 : null;
  const ctes = [
    ...src.ctes,
    ...(zonedSd ?? [
    gaps !== null
      ? `sd AS (
  ${gapSpans(def, gaps, src, dialect)}
)`
      : clock === null
      ? `sd AS (
  -- Each span's first and last day, and the last day of its entity's span before (in the window).
  SELECT ${wallDay('g1', 'sp.s')} AS d0, ${wallDay('g2', '(sp.e - 1)')} AS d1, ${wallDay('g3', '(sp.pe - 1)')} AS dp, 1 AS wt
  FROM ${withPrevious} sp${utc ? '' : ` ${at('g1', 'sp.s', 'JOIN')} ${at('g2', 'sp.e - 1', 'JOIN')} ${at('g3', 'coalesce(sp.pe - 1, sp.s)', 'JOIN')}`}
)`
      : // The import's days with activity in the window (activity-days.ts) as spans of one day
        // each: the entity's previous one counts where it had activity in the window.
        `sd AS (
  SELECT d AS d0, d AS d1, CASE WHEN pl > ${src.ws} THEN pd END AS dp, 1 AS wt FROM (${daysRead(def, clock, src, dialect, { d: DAY_COLUMNS.day, pd: DAY_COLUMNS.previousDay, pl: DAY_COLUMNS.previousLast })})
)`,
    ]),
    wallRangeCte('wr', plan, src, params, dialect),
    // A window of more buckets than a chart can hold (0001 to 9999 by day) is refused before
    // the series is built, as concurrency's is. The check is part of the range's value (0, or
    // the refusal), so that no optimizer can leave it out.
    `rng AS (
  SELECT lo, hi + coalesce(${dialect.raiseIf(`${bucket(day('hi'))} - ${bucket(day('lo'))} + 1 > ${params.add(CONCURRENCY_MAX_BUCKETS, 'BIGINT')}`, BUCKETS_TOO_MANY)}, 0) AS hi FROM wr
)`,
    `series AS (
  SELECT CAST(b AS DATE) AS b FROM (${dialect.bucketRange(first(dialect.dateOfDay(day('lo'))), first(dialect.dateOfDay(day('hi'))), p.step, 'rng')})
)`,
    `keyed AS (
  SELECT b, ${bucket(dialect.bucketsBetween(params.add('day', 'VARCHAR'), epoch, 'b'))} AS i FROM series
)`,
  ];
  // The stretch a span adds, from its first bucket (or the one after its entity's previous
  // span's last) to its last; `reach` days further for the 7- and 30-day counts.
  const stretch = (col: string, reach: number) => {
    const r = sqlInteger(reach);
    const from = `greatest(${bucket('d0')}, coalesce(${bucket(`(dp + ${r})`)} + 1, ${bucket('d0')}))`;
    return `SELECT ${from} AS i, wt AS ${col} FROM sw WHERE ${from} <= ${bucket(`(d1 + ${r})`)}
    UNION ALL SELECT ${bucket(`(d1 + ${r})`)} + 1, -wt FROM sw WHERE ${from} <= ${bucket(`(d1 + ${r})`)}`;
  };
  const daily = q.granularity === 'day';
  const firstWall = utc ? `SELECT f AS w FROM firsts` : `SELECT sp.f + g.o AS w FROM firsts sp ${at('g', 'sp.f', 'JOIN')}`;
  ctes.push(
    // Spans alike (first day, last day, day before) counted once: a few thousand rows for
    // the stretches' six readers instead of a row per span or entity-day.
    `sw AS (
  SELECT d0, d1, dp, ${dialect.cast('sum(wt)', 'BIGINT')} AS wt FROM sd GROUP BY d0, d1, dp
)`,
    `steps AS (
  SELECT i, sum(a) AS a${daily ? ', sum(w7) AS w7, sum(w30) AS w30' : ''} FROM (
    SELECT i, a${daily ? ', 0 AS w7, 0 AS w30' : ''} FROM (${stretch('a', 0)})${
      daily
        ? `
    UNION ALL SELECT i, 0, w7, 0 FROM (${stretch('w7', 6)})
    UNION ALL SELECT i, 0, 0, w30 FROM (${stretch('w30', 29)})`
        : ''
    }
  ) GROUP BY i
)`,
    `nw AS (
  SELECT ${bucket(day('w'))} AS i, count(*) AS fresh FROM (${firstWall}) GROUP BY 1
)`,
    `counted AS (
  SELECT k.b, k.i, sum(coalesce(st.a, 0)) OVER w AS active${daily ? ', sum(coalesce(st.w7, 0)) OVER w AS wau, sum(coalesce(st.w30, 0)) OVER w AS mau' : ''}
  FROM keyed k LEFT JOIN steps st ON st.i = k.i WINDOW w AS (ORDER BY k.i)
)`,
  );
  const period = dialect.formatTime('c.b', params.add('%Y-%m-%d', 'VARCHAR'));
  const label = dialect.formatTime('c.b', params.add(p.label ?? '%Y-%m-%d', 'VARCHAR'));
  // Stretches begin at or after the window's first bucket: the running sums start from 0 there.
  return `WITH ${ctes.join(', ')}
SELECT ${period} AS period, ${label} AS label, ${dialect.cast('c.active', 'BIGINT')} AS active, coalesce(nw.fresh, 0) AS fresh${
    daily ? `, ${dialect.cast('c.wau', 'BIGINT')} AS wau, ${dialect.cast('c.mau', 'BIGINT')} AS mau` : ''
  }
FROM counted c LEFT JOIN nw ON nw.i = c.i
ORDER BY c.b`;
}
