// The import's activity levels on the entities' own wall clocks (IntervalsDef.wallLevels):
// every entity's merged runs cut where its zone's offset changes, moved to wall-clock time
// and merged again (where clocks went back), then every start and end of those wall-clock
// runs in order with the number active just after it (activity-levels.ts, one clock on). A
// rollup per wall-clock hour beside it (IntervalsDef.wallLevelHours, activity-level-hours.ts's
// statement). Concurrency with `tz=member` then reads a window's events, or its hours,
// instead of moving, merging and sorting the window's runs per request (1.4 s at 10M periods).
//
// A window clips each entity's runs at its own wall-clock times (start + offset, end +
// offset), so the stored levels, which know no window, are the window's only between m1 (the
// window's start at the largest offset in force around it) and m2 (its end at the smallest):
// there every entity's wall-clock time maps to an instant inside the window. Before m1 and from
// m2 the levels are swept from the runs near the window's ends (those starting within
// SPREAD_US of its start, or ending within SPREAD_US of its end, clipped as the window
// clips them); from the start of the swept runs' events, the level is exact there. Pure.
import type { IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { ident, sqlInteger } from '../sql.ts';
import { LEVEL_COLUMNS, LEVEL_HOUR_COLUMNS, bucketAggregates, levelTail } from './activity-levels.ts';
import { NUMBER_COLUMN, ZONE_COLUMNS, mergeCtes, readsMerged } from './activity-sources.ts';
import type { ActivitySources } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityBucket, ActivityPlan } from './nodes.ts';
import { DAY_US, HOUR_US, epochUs } from './zone-segments.ts';

/** Every offset in the zone database lies within 16 hours of UTC (the widest: Manila's -15:56
 *  before 1845, Sitka's +15:13 before 1867)... */
const OFFSET_MAX_US = 16 * HOUR_US;
/** ...so two entities' clocks are less than 32 hours apart: an entity's wall-clock time
 *  before m1 is an instant less than this after the window's start (after m2, before its end). */
const SPREAD_US = 2 * OFFSET_MAX_US;
/** The shortest window read this way: m1 well before m2. */
export const WALL_LEVELS_MIN_US = 3 * DAY_US;

/** Whether a plan reads the wall-clock levels: entities' own zones, no filter (the levels
 *  count every entity), a window of three days or more. */
export function readsWallLevels(plan: ActivityPlan, def: IntervalsDef, options: CompileOptions): boolean {
  if (def.wallLevels === undefined || !readsMerged(def, options) || options.intervalTables?.has(def.wallLevels) !== true) return false;
  if (plan.zone.kind !== 'entity' || plan.window.start === null || plan.filter !== undefined) return false;
  const span = epochUs(plan.window.end) - epochUs(plan.window.start);
  return Number.isFinite(span) && span >= WALL_LEVELS_MIN_US;
}

/** Whether it also reads their rollup per wall-clock hour: per hour. */
export function readsWallLevelHours(plan: ActivityPlan, bucket: ActivityBucket, def: IntervalsDef, options: CompileOptions): boolean {
  return bucket === 'hour' && def.wallLevelHours !== undefined && options.intervalTables?.has(def.wallLevelHours) === true && readsWallLevels(plan, def, options);
}

/** The merged runs (epoch microseconds `s`, `e` of entity `m`) cut at their zone's offset
 *  changes, moved to wall-clock time and merged per entity, as `name` (s, e, pe: the end of
 *  the entity's run before). `where` filters the runs, `clip` bounds them (the window's, or
 *  none) and `keep` the wall-clock runs it needs. Two pieces of an entity overlap only at a
 *  wall-clock time its zone shows twice (the instants differ, so do the offsets): only the
 *  entities with a piece meeting such a time, where the clocks went back (`amb`:
 *  ambiguousCte), are merged (per entity and in order, the costliest part here). */
function wallRunsCtes(name: string, def: IntervalsDef, d: Dialect, where: string[], clip?: { ws: string; we: string; keep: string }): string {
  const z = ZONE_COLUMNS;
  const [s0, e0] = [d.epochMicros(`p.${ident(def.start)}`), d.epochMicros(`p.${ident(def.end)}`)];
  const [s, e] = clip ? [`greatest(${s0}, ${clip.ws})`, `least(${e0}, ${clip.we})`] : [s0, e0];
  const g = (c: string) => `g.${ident(c)}`;
  const mixed = `(SELECT m FROM ${name}_x)`;
  return `${name}_p AS (
  SELECT p.${ident(NUMBER_COLUMN)} AS m, p.${ident(def.zone)} AS z, greatest(${s}, ${g(z.from)}) + ${g(z.offset)} AS s, least(${e}, ${g(z.to)}) + ${g(z.offset)} AS e
  FROM ${ident(def.merged)} p JOIN ${ident(def.zones)} g ON ${g(z.zone)} = p.${ident(def.zone)} AND ${g(z.from)} < ${e} AND ${g(z.to)} > ${s}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
), ${name}_x AS (
  SELECT DISTINCT p.m FROM ${name}_p p JOIN amb ON amb.z = p.z AND amb.lo <= p.e AND amb.hi >= p.s
), ${name}_q AS (
  SELECT m, s, e FROM ${name}_p WHERE m IN ${mixed}
), ${mergeCtes(`${name}_u`, `${name}_q`, false)}, ${name} AS (
  SELECT s, e, lag(e) OVER (PARTITION BY m ORDER BY s) AS pe FROM (SELECT m, s, e FROM ${name}_u UNION ALL SELECT m, s, e FROM ${name}_p WHERE m NOT IN ${mixed})${clip ? ` WHERE ${clip.keep}` : ''}
)`;
}

/** `amb (z, lo, hi)`: the wall-clock times each zone shows twice, where its offset falls. */
function ambiguousCte(def: IntervalsDef): string {
  const z = ZONE_COLUMNS;
  const [a, b] = [(c: string) => `a.${ident(c)}`, (c: string) => `b.${ident(c)}`];
  return `amb AS (
  SELECT ${a(z.zone)} AS z, ${b(z.from)} + ${b(z.offset)} AS lo, ${a(z.to)} + ${a(z.offset)} AS hi
  FROM ${ident(def.zones)} a JOIN ${ident(def.zones)} b ON ${b(z.zone)} = ${a(z.zone)} AND ${b(z.from)} = ${a(z.to)} AND ${b(z.offset)} < ${a(z.offset)}
)`;
}

/** Events (t, d, pe, ...) with the level after each: the sum of the changes up to its instant. */
const levelsOver = (events: string) => `SELECT *, sum(d) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS level FROM (
  ${events}
)`;

/** The events (t, d, pe) of runs (s, e, pe) `from`, with the level after each. */
const sweep = (from: string) => levelsOver(`SELECT s AS t, 1 AS d, pe FROM ${from} UNION ALL SELECT e, -1, NULL FROM ${from}`);

/** The statement building the table (DuckDB, at import), after the merged runs and the
 *  zones' offsets. */
export function wallLevelsTableSql(def: IntervalsDef, name: string, d: Dialect): string {
  const c = LEVEL_COLUMNS;
  return `CREATE TABLE ${ident(name)} AS WITH ${ambiguousCte(def)}, ${wallRunsCtes('wr', def, d, [])}
SELECT t AS ${ident(c.t)}, CAST(d AS TINYINT) AS ${ident(c.delta)}, pe AS ${ident(c.previous)}, CAST(level AS INTEGER) AS ${ident(c.level)}
FROM (${sweep('wr')}) ORDER BY t`;
}

/** CTEs ending in `per (b, peak, members)`, `top (peak)` and `topat (at)` for `tz=member`,
 *  from `bk (w, bs)` (wall-clock ticks, bs = w), the sources' `segs` (every zone's offsets),
 *  the window's bounds as timestamps, and the bucket length. */
export function wallLevelCtes(def: IntervalsDef, src: ActivitySources, bucketUs: number, bounds: { startTs: string; endTs: string }, d: Dialect, hourly: boolean): string[] {
  const [c, h] = [LEVEL_COLUMNS, LEVEL_HOUR_COLUMNS];
  const { ws, we } = src;
  const [W, OMAX, H, SPREAD] = [sqlInteger(bucketUs), sqlInteger(OFFSET_MAX_US), sqlInteger(HOUR_US), sqlInteger(SPREAD_US)];
  // The runs swept reach a bucket past m1 (before m2): an event's bucket may start before m1,
  // and there a stored start's previous end is its entity's last run before the window,
  // which the window clips away.
  const reach = sqlInteger(SPREAD_US + bucketUs);
  const col = (x: string) => `v.${ident(x)}`;
  const r = (x: string) => `p.${ident(x)}`;
  const overlaps = [`${r(def.start)} < ${bounds.endTs}`, `${r(def.end)} > ${bounds.startTs}`];
  // The stored events in [lo, hi), read within constant bounds (the table's zone maps).
  const stored = (lo: string, hi: string, near: [string, string]) =>
    `SELECT ${col(c.t)} AS t, ${col(c.delta)} AS d, ${col(c.previous)} AS pe, ${col(c.level)} AS level, 1 AS n FROM ${ident(def.wallLevels!)} v
  WHERE ${col(c.t)} >= ${near[0]} AND ${col(c.t)} < ${near[1]} AND ${col(c.t)} >= ${lo} AND ${col(c.t)} < ${hi}`;
  const [m2, mb, bl] = ['m2', 'mb', 'bl'].map((x) => `(SELECT ${x} FROM wo)`) as [string, string, string];
  const hoursFrom = `FROM ${ident(def.wallLevelHours!)} v WHERE ${col(h.hour)} >= ${mb} AND ${col(h.hour)} < ${bl}`;
  return [
    // m1 and m2; the first bucket start after m1 (mb: a run clipped at the window's start
    // starts at m1 in the largest offset's zone, where nothing is stored), and the last hour
    // start before m2. The offsets are those in force in the window and within SPREAD_US
    // around it: a zone falling back just after the window's end shows times before m2
    // again after it, and likewise before its start (found by review).
    `wo AS${d.cteHint('materialized')} (
  SELECT ${d.floorDiv('m1', W)} * ${W} + ${W} AS mb, m2, ${d.floorDiv('m2', H)} * ${H} AS bl
  FROM (SELECT ${ws} + max(o) FILTER (WHERE a < ${we} AND b > ${ws} - ${SPREAD}) AS m1, ${we} + min(o) FILTER (WHERE a < ${we} + ${SPREAD} AND b > ${ws}) AS m2 FROM segs)
)`,
    // The runs near the window's start and end, clipped, on the wall clock.
    ambiguousCte(def),
    // Only those starting before mb are swept there (an entity's runs before one are too);
    // only those ending after a bucket before m2 there (an entity's run before one that
    // ended earlier ended before the bucket of every event swept: no previous end is needed).
    wallRunsCtes('hr', def, d, [...overlaps, `${r(def.start)} < ${d.fromEpochMicros(`${ws} + ${reach}`)}`], { ws, we, keep: `s < ${mb}` }),
    wallRunsCtes('tr', def, d, [...overlaps, `${r(def.end)} > ${d.fromEpochMicros(`${we} - ${reach}`)}`], { ws, we, keep: `e > ${m2} - ${W}` }),
    // Swept: before mb, the events there; from m2, the events there after one of the
    // runs active just before m2.
    `hv AS${d.cteHint('materialized')} (${levelsOver(`SELECT s AS t, 1 AS d, pe, 0 AS syn FROM hr WHERE s < ${mb} UNION ALL SELECT e, -1, NULL, 0 FROM hr WHERE e < ${mb}`)})`,
    `tv AS${d.cteHint('materialized')} (${levelsOver(`SELECT ${m2} AS t, count(*) AS d, NULL AS pe, 1 AS syn FROM tr WHERE s < ${m2} AND e >= ${m2}
  UNION ALL SELECT s, 1, pe, 0 FROM tr WHERE s >= ${m2} UNION ALL SELECT e, -1, NULL, 0 FROM tr WHERE e >= ${m2}`)})`,
    `ev AS${d.cteHint('inlined')} (
  SELECT t, d, pe, level, 1 AS n FROM hv
  UNION ALL ${hourly ? stored(`greatest(${bl}, ${mb})`, m2, [`${we} - ${OMAX} - ${H}`, `${we} + ${OMAX}`]) : stored(mb, m2, [`${ws} - ${OMAX}`, `${we} + ${OMAX}`])}
  UNION ALL SELECT t, d, pe, level, 1 FROM tv WHERE syn = 0
)`,
    `eb AS (
  SELECT ${d.floorDiv('t', W)} * ${W} AS b, t, d, pe, level, n FROM ev
)`,
    `pa AS (
  ${bucketAggregates('eb', d)}${hourly ? `
  UNION ALL SELECT ${[h.hour, h.at0, h.inside, h.starts, h.last, h.most].map(col).join(', ')} ${hoursFrom}` : ''}
)`,
    ...levelTail(),
    hourly
      ? `topat AS (
  SELECT least((SELECT min(t) FROM ev WHERE level = (SELECT peak FROM top)), (SELECT min(${col(h.mostAt)}) ${hoursFrom} AND ${col(h.most)} = (SELECT peak FROM top))) AS at
)`
      : `topat AS (
  SELECT min(t) AS at FROM ev WHERE level = (SELECT peak FROM top)
)`,
  ];
}
