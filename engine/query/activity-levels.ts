// The import's table of activity levels (IntervalsDef.levels): every start and end of the
// entities' merged runs, in time order, each with the number of entities active just after
// all the changes at its instant (the running sum of +1 at starts and -1 at ends), and for a
// start the end of its entity's run before. A run's activity in a window is the run clipped
// to it: inside the window the clipped runs cover the same instants, so the stored levels
// are the window's. Concurrency over a window then reads its events and groups them by
// bucket; no sort of the window's events at request time.
//
// Read for windows with a start, in UTC or a fixed zone, with no filter (the levels count
// every entity); else the plan computes the levels itself (activity-concurrency.ts). Pure.
import type { CompileOptions } from './compile-options.ts';
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { PREVIOUS_END_COLUMN, readsMerged } from './activity-sources.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { ActivityPlan } from './nodes.ts';
import { HOUR_US, offsetsOnWholeHoursGuard } from './zone-segments.ts';

export const LEVEL_COLUMNS = { t: 't_us', delta: 'delta', previous: 'previous_end_us', level: 'level' } as const;
/** The rollup per UTC hour (activity-level-hours.ts): an hour's `bucketAggregates` and the
 *  first instant at its most. */
export const LEVEL_HOUR_COLUMNS = { hour: 'hour_us', at0: 'at_start', inside: 'inside', starts: 'starts', last: 'last', most: 'most', mostAt: 'most_at' } as const;

/** Per bucket `b` of events `(t, d, pe, level, n)` with events: the level after the changes
 *  at its start, the most inside it, the starts of entities not active before it, the last
 *  level, and the most. */
export function bucketAggregates(from: string, d: Dialect): string {
  return `SELECT b, max(level) FILTER (WHERE t = b) AS at0, max(level) FILTER (WHERE t > b) AS inside,
    ${d.cast('sum(n) FILTER (WHERE d = 1 AND t > b AND (pe IS NULL OR pe <= b))', 'BIGINT')} AS starts, arg_max(level, t) AS last,
    max(level) AS mx
  FROM ${from} GROUP BY b`;
}

/** Whether the plan reads the levels table. */
export function readsLevels(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): boolean {
  return def.levels !== undefined && readsMerged(def, options) && options.intervalTables?.has(def.levels) === true && plan.zone.kind === 'fixed' && plan.window.start !== null && plan.filter === undefined;
}

/** The statement building the table (DuckDB, at import), after the merged runs. */
export function levelsTableSql(def: IntervalsDef, levels: string, d: Dialect): string {
  const c = LEVEL_COLUMNS;
  const us = (x: string) => d.epochMicros(ident(x));
  return `CREATE TABLE ${ident(levels)} AS WITH ev AS (
  SELECT ${us(def.start)} AS t, 1 AS d, ${us(PREVIOUS_END_COLUMN)} AS pe FROM ${ident(def.merged)}
  UNION ALL SELECT ${us(def.end)}, -1, NULL FROM ${ident(def.merged)}
)
SELECT t AS ${ident(c.t)}, CAST(d AS TINYINT) AS ${ident(c.delta)}, pe AS ${ident(c.previous)},
  CAST(sum(d) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS INTEGER) AS ${ident(c.level)}
FROM ev ORDER BY t`;
}

/** How an event finds its bucket: in UTC by its tick; in a zone whose bucket starts all lie
 *  on UTC ticks (offsets and their changes on whole hours, buckets of an hour or less:
 *  `aligned`) by its UTC tick's bucket, looked up in `um` (a row per UTC tick); else by the
 *  last bucket start at or before it (an ASOF join of the window's events, the costliest). */
export type LevelBuckets = 'utc' | 'aligned' | 'asof';

/** CTEs ending in `per (b, peak, members)`, `top (peak)` and `topat (at)`, from the
 *  bucket starts `bk (w, bs)` (w: a tick of the wall clock; ticks the clock skips share the
 *  next one's start) and the window's events. `tick(x)` is the tick of the wall-clock time
 *  x, `W` the bucket's length. DuckDB's arg_max and IGNORE NULLS: the table is built by
 *  DuckDB imports only. `hourly` (per hour, `utc` or `aligned`): the hours wholly inside the
 *  window after the hour of its first instant read from the import's rollup of them
 *  (activity-level-hours.ts), where such an hour is a bucket alone, the rest from their
 *  events. */
export function levelCtes(def: IntervalsDef, src: ActivitySources, buckets: LevelBuckets, tick: (x: string) => string, W: string, startTs: string, d: Dialect, hourly: boolean): string[] {
  const c = LEVEL_COLUMNS;
  const col = (x: string) => `v.${ident(x)}`;
  const r = (x: string) => `p.${ident(x)}`;
  const { ws, we } = src;
  // The runs holding the window's start: clipped, they start there together.
  const l0 = `l0 AS (
  SELECT count(*) AS n FROM ${ident(def.merged)} p WHERE ${r(def.start)} <= ${startTs} AND ${r(def.end)} > ${startTs}
)`;
  // The window's events in [lo, hi) (and after its start).
  const events = (lo: string | null, hi: string, also = '') =>
    `SELECT ${col(c.t)} AS t, ${col(c.delta)} AS d, CASE WHEN ${col(c.previous)} > ${ws} THEN ${col(c.previous)} END AS pe, ${col(c.level)} AS level, 1 AS n
  FROM ${ident(def.levels!)} v WHERE ${col(c.t)} > ${ws}${lo === null ? '' : ` AND ${col(c.t)} >= ${lo}`} AND ${col(c.t)} < ${hi}${also}`;
  const synthetic = `SELECT ${ws}, 1, NULL, n, n FROM l0 WHERE n > 0`;
  const uTick = (x: string) => `${d.floorDiv(x, W)} * ${W}`;
  // Per UTC tick of the window: its bucket's start, and whether that bucket is the tick alone
  // (the next tick starts the next). The zone's offsets and changes on whole hours were
  // checked with Intl's zone data at compile time; the database's could differ: then an
  // error, not a wrong answer.
  const um = `${offsetsOnWholeHoursGuard(ws, we, d)}, um AS (
  SELECT u, b, b = u AND coalesce(lead(b) OVER (ORDER BY u) = u + ${W}, true) AS alone FROM (
    SELECT t.u, k.bs AS b FROM (SELECT ${d.integerSeries(d.floorDiv(ws, W), `${d.floorDiv(`${we} - 1`, W)} + 1`)} * ${W} AS u FROM zg WHERE refused IS NULL) t
    ASOF JOIN (SELECT DISTINCT bs FROM bk) k ON t.u >= k.bs
  )
)`;
  const eb =
    buckets === 'utc'
      ? `eb AS (
  SELECT ${tick('t')} AS b, t, d, pe, level, n FROM ev
)`
      : buckets === 'aligned'
        ? `eb AS (
  SELECT um.b, ev.t, ev.d, ev.pe, ev.level, ev.n FROM ev JOIN um ON um.u = ${uTick('ev.t')}
)`
        : // An event's bucket: the last bucket start at or before it (an ASOF join on instants).
          // Where the clocks go back, the hour repeated is in the bucket that began before they
          // did; an event's wall-clock tick may then lie outside the window's ticks (before the
          // first, after the last), so the bucket is not found by its tick.
          `eb AS (
  SELECT k.bs AS b, ev.t, ev.d, ev.pe, ev.level, ev.n
  FROM ev ASOF JOIN (SELECT DISTINCT bs FROM bk) k ON ev.t >= k.bs
)`;
  const lookup = buckets === 'aligned' ? [um] : [];
  if (hourly) {
    const h = LEVEL_HOUR_COLUMNS;
    const H = sqlInteger(HOUR_US);
    // The first stored hour: the one after the hour holding the start; the last: before the
    // hour holding the end (none where the end is on the hour: that hour is not in the window).
    const [b1, bl] = [`(${d.floorDiv(ws, H)} * ${H} + ${H})`, `(${d.floorDiv(we, H)} * ${H})`];
    const stored = `FROM ${ident(def.levelHours!)} v${buckets === 'aligned' ? ` JOIN um ON um.u = ${col(h.hour)} AND um.alone` : ''} WHERE ${col(h.hour)} >= ${b1} AND ${col(h.hour)} < ${bl}`;
    // In a zone, the hours between them that share a bucket (where the clocks go back) from
    // their events too.
    const shared = buckets === 'aligned' ? [`UNION ALL ${events(b1, bl, ` AND ${uTick(col(c.t))} IN (SELECT u FROM um WHERE NOT alone)`)}`] : [];
    return [
      l0,
      ...lookup,
      `ev AS${d.cteHint('inlined')} (
  ${events(null, `least(${b1}, ${we})`)}
  UNION ALL ${events(`greatest(${bl}, ${b1})`, we)}
  ${shared.join('')}
  UNION ALL ${synthetic}
)`,
      eb,
      `pa AS (
  ${bucketAggregates('eb', d)}
  UNION ALL SELECT ${[h.hour, h.at0, h.inside, h.starts, h.last, h.most].map(col).join(', ')} ${stored}
)`,
      ...levelTail(),
      `topat AS (
  SELECT least((SELECT min(t) FROM ev WHERE level = (SELECT peak FROM top)), (SELECT min(${col(h.mostAt)}) ${stored} AND ${col(h.most)} = (SELECT peak FROM top))) AS at
)`,
    ];
  }
  return [
    l0,
    ...lookup,
    // Inlined into both readers (the buckets, and the first instant at the peak): the
    // levels table scanned twice costs less than the window's events copied once.
    `ev AS${d.cteHint('inlined')} (
  ${events(null, we)}
  UNION ALL ${synthetic}
)`,
    eb,
    // Per bucket with events: the level after the changes at its start, the most inside it,
    // the starts of entities not active before it, the last level, and the most. (The
    // first instant at the window's peak is read from the events, not carried per bucket:
    // an arg_max over a HUGEINT key per event cost more.)
    `pa AS (
  ${bucketAggregates('eb', d)}
)`,
    ...levelTail(),
    `topat AS (
  SELECT min(t) AS at FROM ev WHERE level = (SELECT peak FROM top)
)`,
  ];
}

/** From `pa` and `bk`: `ps`, `per (b, peak, members)` and `top (peak)`. */
export function levelTail(): string[] {
  return [
    // The level at a bucket's start: after its changes at that instant, else the last
    // level of the buckets before (0 before the first event).
    `ps AS (
  SELECT bk.bs AS b, pa.inside, pa.starts, coalesce(pa.at0, last_value(pa.last IGNORE NULLS) OVER (ORDER BY bk.bs ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS level0
  FROM (SELECT DISTINCT bs FROM bk) bk LEFT JOIN pa ON pa.b = bk.bs
)`,
    `per AS (
  SELECT b, greatest(level0, coalesce(inside, 0)) AS peak, level0 + coalesce(starts, 0) AS members FROM ps
)`,
    `top AS (
  SELECT coalesce(max(mx), 0) AS peak FROM pa
)`,
  ];
}
