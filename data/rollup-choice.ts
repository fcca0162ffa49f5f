// Which rollups an import builds, by cost: a day or month grain pays only where it has far
// fewer rows than the fact table (on evenly spread traffic a (blog, day) rollup has about
// as many rows as there are views, and would cost its build time and bytes for nothing).
// Row counts are estimated in one pass over the fact table (HyperLogLog), before building.
import type { Catalog, RollupDef } from '../engine/catalog.ts';
import type { Database } from '../engine/db.ts';
import { fieldColumns } from '../engine/fields.ts';
import { fieldAt, fieldsFrom } from '../engine/query/paths.ts';
import { NARROW_DIGITS, summedScale, summedValueSql } from '../engine/layout-rollups.ts';
import { ident } from '../engine/sql.ts';

/** A day or month grain is built when its estimated rows are at most this share of the
 *  fact table's rows. */
export const SHRINK = 1 / 3;

/** Below this many fact rows every rollup is built: each costs little, and small data sets
 *  (tests, samples) keep every way of answering in use. */
export const MIN_ROWS = 1_000_000;

/** Grains built whatever their size: `all` (at most one row per key) and the totals (one
 *  row per bucket). A grain stored by a key first is estimated too: where it does not
 *  shrink, one key's short windows read the fact table's own slice of time about as fast. */
export const alwaysBuilt = (r: RollupDef): boolean => r.grain === 'all' || (r.columns.length === 0 && (r.paths ?? []).length === 0);

export interface RollupChoice {
  readonly build: ReadonlySet<string>;
  /** Per estimated rollup, its estimated rows (for the import's log and the README). */
  readonly estimates: Readonly<Record<string, number>>;
  readonly factRows: number;
  /** Decimal summed columns whose sum of absolute values over every fact row has at most
   *  NARROW_DIGITS digits: every rollup row's sum, a part of it, then does too. */
  readonly narrowSums: ReadonlySet<string>;
}

export async function chooseRollups(db: Database, catalog: Catalog, minRows = MIN_ROWS): Promise<RollupChoice> {
  const rollups = catalog.rollups.flat();
  const estimated = rollups.filter((r) => !alwaysBuilt(r));
  const time = ident(catalog.fact.time);
  // A path's value (RollupDef.paths) is a function of the fact columns it is read from: the
  // distinct values of those bound its rows from above, without joining here.
  const fields = fieldsFrom(catalog, catalog.root);
  const keys = (r: RollupDef) => [...new Set([...r.columns, ...(r.paths ?? []).flatMap((p) => fieldColumns(fieldAt(fields, p)))])];
  const est = estimated.map((r, i) => `approx_count_distinct(hash(date_trunc('${r.grain}', ${time})${keys(r).map((c) => `, ${ident(c)}`).join('')})) AS e${i}`);
  const decimals = [...new Set(rollups.flatMap((r) => r.sums ?? []))].flatMap((c) => {
    const scale = summedScale(catalog, c);
    // A scale of NARROW_DIGITS or more leaves no digit before the point: never narrowed.
    return scale === undefined || scale >= NARROW_DIGITS ? [] : [{ c, scale }];
  });
  const fits = decimals.map((d, i) => `COALESCE(sum(abs(${summedValueSql(catalog, d.c)})) < ${10n ** BigInt(NARROW_DIGITS - d.scale)}, true) AS n${i}`);
  const row = (await db.query(`SELECT count(*) AS rows${[...est, ...fits].map((e) => `, ${e}`).join('')} FROM ${ident(catalog.fact.name)}`)).rows[0] ?? {};
  const narrowSums = new Set(decimals.filter((_, i) => row[`n${i}`] === true).map((d) => d.c));
  const factRows = Number(row['rows'] ?? 0);
  const estimates: Record<string, number> = {};
  const build = new Set(rollups.filter(alwaysBuilt).map((r) => r.name));
  estimated.forEach((r, i) => {
    const n = Number(row[`e${i}`] ?? 0);
    estimates[r.name] = n;
    if (factRows < minRows || n <= SHRINK * factRows) build.add(r.name);
  });
  return { build, estimates, factRows, narrowSums };
}
