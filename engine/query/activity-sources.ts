// What every activity plan reads, as CTEs: the entities' periods merged and clipped to the
// window (`spans`), their first activity ever (`firsts`), the offsets of the zones in play
// (`segs`) and the spans cut where an offset changes and moved to wall-clock time
// (`pieces`). All instants are epoch microseconds (BIGINT): days, hours and weekdays are
// then integer arithmetic on wall-clock microseconds, the same in every zone.
//
// Where the snapshot holds the merged periods and the zones' offsets (layout-intervals.ts),
// they are read, pruned by the window on their start and end; else (an older snapshot, or
// `rollups: false`, the plain reference) the periods are merged per entity and the offsets
// computed, in the query.
import { tableDef, tableKey } from '../catalog.ts';
import type { Catalog, IntervalsDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { compileFilter } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan } from './nodes.ts';
import { fieldsFrom } from './paths.ts';
import { zoneSegmentCtes } from './zone-segments.ts';

/** The columns of the merged table beside the IntervalsDef's own: whether the row is the
 *  entity's first run of activity ever. */
export const FIRST_COLUMN = 'is_first';
/** ...and the entity's number: its rank in key order, an integer that groups and sorts far
 *  faster than a UUID. */
export const NUMBER_COLUMN = 'entity_no';
/** ...and the end of the entity's run before it (null for the first). */
export const PREVIOUS_END_COLUMN = 'previous_end';
/** The zone table's columns. */
export const ZONE_COLUMNS = { zone: 'zone', from: 'from_us', to: 'to_us', offset: 'offset_us' } as const;

export function intervalsDef(catalog: Catalog, name: string): IntervalsDef {
  const d = catalog.intervals?.find((x) => x.name === name);
  if (!d) throw new Error(`catalog has no intervals '${name}'`);
  return d;
}

/** Whether a plan reads the import's merged periods and zone offsets. */
export const readsMerged = (def: IntervalsDef, options: CompileOptions): boolean =>
  options.rollups !== false && (options.intervalTables?.has(def.merged) ?? false) && options.intervalTables?.has(def.zones) === true;

export interface ActivitySources {
  /** CTE definitions, in order. */
  readonly ctes: string[];
  /** The window's bounds in epoch microseconds (an unbounded start: the first span's). */
  readonly ws: string;
  readonly we: string;
  /** The spans carry their entity's zone (`z`). */
  readonly entityZone: boolean;
  /** The spans carry `pe`, the end of the entity's previous span in the window (null for
   *  its first), as the import stored it; else callers compute it. */
  readonly previousEnd: boolean;
  /** The spans carry `rs` and `re`, their run's start and end as stored (the merged runs). */
  readonly stored: boolean;
  /** The conditions keeping the rows whose entity key (the column `col`) the filter keeps. */
  readonly keep: (col: string) => string[];
}

/** The spans' `m` is the entity's key or a number in key order (the same order); with
 *  `want.key`, the spans also carry the key as `k`. */

/** Merges overlapping and touching periods (m[, z], s, e) of `from` per entity, into `name`. */
export function mergeCtes(name: string, from: string, zoned: boolean): string {
  const z = zoned ? ', z' : '';
  return `${name}_k AS (
  SELECT m${z}, s, e, CASE WHEN s <= max(e) OVER (PARTITION BY m ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS nb FROM ${from}
), ${name}_g AS (
  SELECT m${z}, s, e, sum(nb) OVER (PARTITION BY m ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS g FROM ${name}_k
), ${name} AS (
  SELECT m${zoned ? ', any_value(z) AS z' : ''}, min(s) AS s, max(e) AS e FROM ${name}_g GROUP BY m, g
)`;
}

/** The CTEs of a plan's sources; `firsts`, `segs` (none in UTC) and `pieces` (with segs)
 *  only where asked. */
export function activitySources(plan: ActivityPlan, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect, want: { firsts?: boolean; segs?: boolean; pieces?: boolean; key?: boolean; previous?: boolean; near?: (ws: string, we: string) => { lo: string; hi: string }; only?: string; inline?: boolean; stored?: boolean }): ActivitySources {
  const def = intervalsDef(catalog, plan.intervals);
  const merged = readsMerged(def, options);
  const entity = tableDef(catalog, def.entity);
  const entityZone = plan.zone.kind === 'entity';
  const us = (ts: string) => dialect.epochMicros(ts);
  const startTs = plan.window.start === null ? null : params.add(plan.window.start, 'TIMESTAMP');
  const endTs = params.add(plan.window.end, 'TIMESTAMP');
  const ctes: string[] = [];
  // The entities the filter keeps: a semi-join on the entity's table.
  const keep = (col: string) => {
    if (!plan.filter) return [];
    const own = compileFilter(plan.filter, fieldsFrom(catalog, def.entity), params, (c) => `x.${ident(c)}`, dialect);
    return [`${col} IN (SELECT x.${ident(tableKey(entity))} FROM ${ident(entity.name)} x WHERE ${own})`];
  };
  const clip = (start: string, end: string) =>
    `${startTs === null ? us(start) : `greatest(${us(start)}, ${us(startTs)})`} AS s, least(${us(end)}, ${us(endTs)}) AS e`;
  // With `near`: only the periods starting before its `lo` or ending after its `hi` (epoch
  // microseconds, given the window's bounds): those reaching near the window's ends.
  const near = (start: string, end: string) => {
    if (want.near === undefined || startTs === null) return [];
    const { lo, hi } = want.near(us(startTs), us(endTs));
    return [`(${us(start)} < ${lo} OR ${us(end)} > ${hi})`];
  };
  const overlaps = (start: string, end: string) => [`${start} < ${endTs}`, ...(startTs === null ? [] : [`${end} > ${startTs}`]), ...near(start, end)];
  const [key, start, end] = [def.key, def.start, def.end].map((c) => `p.${ident(c)}`) as [string, string, string];
  if (merged) {
    const z = entityZone ? `, p.${ident(def.zone)} AS z` : '';
    const no = `p.${ident(NUMBER_COLUMN)}`;
    // A previous run that ended before the window is none in it.
    const prev = us(`p.${ident(PREVIOUS_END_COLUMN)}`);
    const pe = !want.previous ? '' : startTs === null ? `, ${prev} AS pe` : `, CASE WHEN ${prev} > ${us(startTs)} THEN ${prev} END AS pe`;
    // With `only` (a CTE of entity numbers `m` the caller places before these): their runs
    // alone, before anything is joined to them.
    const only = want.only === undefined ? [] : [`${no} IN (SELECT m FROM ${want.only})`];
    // With `inline`: each reader scans the runs for its own rows (their zone maps on the
    // window's start and end), nothing materialized.
    // With `stored`: the run's start and end as stored (`rs`, `re`), for readers whose
    // conditions on them the scan can check against its zone maps.
    const stored = want.stored ? `, ${start} AS rs, ${end} AS re` : '';
    ctes.push(`spans AS${want.inline ? dialect.cteHint('inlined') : ''} (
  SELECT ${no} AS m${want.key ? `, ${key} AS k` : ''}${z}, ${clip(start, end)}${pe}${stored} FROM ${ident(def.merged)} p WHERE ${[...overlaps(start, end), ...keep(key), ...only].join(' AND ')}
)`);
    if (want.firsts)
      ctes.push(`firsts AS (
  SELECT ${no} AS m${z}, ${us(start)} AS f FROM ${ident(def.merged)} p
  WHERE p.${ident(FIRST_COLUMN)} AND ${start} < ${endTs}${startTs === null ? '' : ` AND ${start} >= ${startTs}`}${keep(key).map((c) => ` AND ${c}`).join('')}
)`);
  } else {
    // A period holding no instant (end = start) is no activity: it merges into nothing.
    const join = entityZone ? ` JOIN ${ident(entity.name)} ze ON ze.${ident(tableKey(entity))} = ${key}` : '';
    const z = entityZone ? `, ze.${ident(def.zone)} AS z` : '';
    const own = [`${end} > ${start}`, ...keep(key)];
    ctes.push(`sel AS (
  SELECT ${key} AS m${z}, ${clip(start, end)} FROM ${ident(def.table)} p${join} WHERE ${[...overlaps(start, end), ...own].join(' AND ')}
)`);
    ctes.push(mergeCtes('spans_m', 'sel', entityZone), `spans AS (SELECT *${want.key ? ', m AS k' : ''} FROM spans_m)`);
    if (want.firsts)
      ctes.push(`firsts AS (
  SELECT m${entityZone ? ', z' : ''}, f FROM (SELECT ${key} AS m${z}, min(${us(start)}) AS f FROM ${ident(def.table)} p${join} WHERE ${own.join(' AND ')} GROUP BY ALL)
  WHERE f < ${us(endTs)}${startTs === null ? '' : ` AND f >= ${us(startTs)}`}
)`);
  }
  const ws = startTs === null ? '(SELECT min(s) FROM spans)' : us(startTs);
  const we = us(endTs);
  if (want.pieces || want.segs) {
    if (plan.zone.kind === 'fixed' && plan.zone.tz === 'UTC') {
      if (want.pieces) ctes.push(`pieces AS (SELECT m${want.key ? ', k' : ''}, s AS lo, e AS hi FROM spans)`);
    } else {
      if (plan.zone.kind === 'fixed') ctes.push(zoneSegmentCtes('segs', `SELECT ${params.add(plan.zone.tz, 'VARCHAR')} AS z`, ws, we, dialect));
      else if (merged) {
        const c = ZONE_COLUMNS;
        ctes.push(`segs AS (SELECT ${ident(c.zone)} AS z, ${ident(c.from)} AS a, ${ident(c.to)} AS b, ${ident(c.offset)} AS o FROM ${ident(def.zones)})`);
      } else ctes.push(zoneSegmentCtes('segs', 'SELECT DISTINCT z FROM spans', ws, we, dialect));
      // A span cut where its zone's offset changes; each piece moved to wall-clock time.
      const sameZone = entityZone ? 'g.z = sp.z AND ' : '';
      if (want.pieces)
        ctes.push(`pieces AS (
  SELECT sp.m${want.key ? ', sp.k' : ''}, greatest(sp.s, g.a) + g.o AS lo, least(sp.e, g.b) + g.o AS hi FROM spans sp JOIN segs g ON ${sameZone}g.a < sp.e AND g.b > sp.s
)`);
    }
  }
  return { ctes, ws, we, entityZone, previousEnd: merged && want.previous === true, stored: merged && want.stored === true, keep };
}

/** The offset `o` of the segment holding the instant `t` (a column of `alias`), joined. */
export function segmentAt(alias: string, t: string, entityZone: boolean): string {
  return `JOIN segs g ON ${entityZone ? `g.z = ${alias}.z AND ` : ''}g.a <= ${alias}.${t} AND g.b > ${alias}.${t}`;
}

/** A CTE `name` of one row (lo, hi): the first and the last wall-clock instant of the window
 *  in the plan's zone, or, for entities' own zones, the earliest and the latest over the
 *  zones of the spans (UTC's where there are none). Needs `segs` (not in UTC). `reached`
 *  (a fixed zone): instead, the latest wall-clock time the clock has shown by the window's
 *  first and by its last instant, those of the buckets holding them when a bucket starts at
 *  the first instant its clock shows its tick (inside the second pass of a repeated hour,
 *  the clock shows times it showed before). */
export function wallRangeCte(name: string, plan: ActivityPlan, src: ActivitySources, params: Params, dialect: Dialect, reached = false): string {
  const last = `(${src.we} - 1)`;
  const wall = (z: string, t: string) => `${t} + ${dialect.zoneOffsetMicros(z, dialect.fromEpochMicros(t))}`;
  if (plan.zone.kind === 'fixed') {
    if (plan.zone.tz === 'UTC') return `${name} AS (SELECT ${src.ws} AS lo, ${last} AS hi)`;
    // The segments reach back a day before the window (the first from the far past): far
    // enough for any clock set back.
    const upTo = (t: string) => `(SELECT max(least(g.b - 1, ${t}) + g.o) FROM segs g WHERE g.a <= ${t})`;
    if (reached) return `${name} AS (SELECT ${upTo(src.ws)} AS lo, ${upTo(last)} AS hi)`;
    const tz = params.add(plan.zone.tz, 'VARCHAR');
    // The latest wall-clock time in the window: its last instant's, unless the clocks went
    // back within an hour or so before the end (the time just before the change is later).
    // The earliest stays its first instant's: the first bucket is the one holding it.
    return `${name} AS (SELECT ${wall(tz, src.ws)} AS lo, (SELECT max(least(g.b, ${src.we}) - 1 + g.o) FROM segs g WHERE g.a < ${src.we} AND g.b > ${src.ws}) AS hi)`;
  }
  // Wall-clock time, one timeline for all zones: the earliest and latest times any zone's
  // clock shows in the window. Besides its first and last instants', those just after and
  // just before each offset change inside it (where clocks go back, the time before the
  // change is later than the last instant's, the time after earlier than the first's). The
  // changes are the segments' bounds (exact where the data reach; beyond, the first and last
  // segments run on without one), the ends' times from the zone library.
  const inside = (t: string) => `g.${t} > ${src.ws} AND g.${t} < ${src.we}`;
  // The zones, found once: inlined into each of the three readers, the window's runs
  // (1.5M at 10M periods) were made distinct three times.
  const zs = `(SELECT z FROM ${name}_z)`;
  // (No change inside: the subquery is null, which ClickHouse's least and greatest return.)
  const [lo, hi] = [`min(${wall('z', src.ws)})`, `max(${wall('z', last)})`];
  return `${name}_z AS${dialect.cteHint('materialized')} (SELECT DISTINCT z FROM spans), ${name} AS (
  SELECT coalesce(least(${lo}, coalesce((SELECT min(g.a + g.o) FROM segs g WHERE g.z IN ${zs} AND ${inside('a')}), ${lo})), ${src.ws}) AS lo,
    coalesce(greatest(${hi}, coalesce((SELECT max(g.b - 1 + g.o) FROM segs g WHERE g.z IN ${zs} AND ${inside('b')}), ${hi})), ${last}) AS hi FROM ${zs}
)`;
}
