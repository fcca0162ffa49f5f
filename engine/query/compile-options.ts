// What the compilers may read beyond the fact table. Its own module, so that the compilers
// of each plan kind and the dispatcher that calls them (compile-plan.ts) need not import
// each other both ways.

import type { TimeSpan } from './rollups.ts';

/** What the snapshot offers beyond the fact table. `rollups: false` reads the fact table
 *  alone, the plain way: the reference that differential tests compare the rest with. */
export interface CompileOptions {
  /** Read whole days and months from rollups where that is exact (default: yes). */
  readonly rollups?: boolean;
  /** Per table of ids, the key range the snapshot's distinct sets over it are built over,
   *  where it has them (catalog.distinctSets). */
  readonly idRanges?: Readonly<Record<string, { readonly min: number; readonly max: number }>> | undefined;
  /** The first-seen columns (catalog.firstSeen) the fact table holds, with the `f` counts
   *  of the rollups that declare them: `true`, all of them; a set, those named (a snapshot
   *  made before a column was declared holds the others only). */
  readonly firstSeen?: boolean | ReadonlySet<string>;
  /** The first-seen columns whose last-row column (FirstSeenDef.last) the fact table also
   *  holds, with the `l` counts of the rollups that declare them; absent: none. */
  readonly lastSeen?: ReadonlySet<string> | undefined;
  /** The rollups hold the sums they declare (RollupDef.sums; snapshots before them do not). */
  readonly rollupSums?: boolean;
  /** The rollup tables the snapshot holds (an import builds only the grains that pay,
   *  data/rollup-choice.ts); absent: every declared one. */
  readonly rollupTables?: ReadonlySet<string> | undefined;
  /** The rollups whose rows the snapshot also holds copied into their RollupDef.copyTo
   *  table; absent: none. */
  readonly rollupCopies?: ReadonlySet<string> | undefined;
  /** The day sets (catalog.daySets) the snapshot holds, each with the key range its bits
   *  span; absent: none. */
  readonly daySets?: Readonly<Record<string, { readonly min: number; readonly max: number }>> | undefined;
  /** The basket pairs tables (catalog.pairs) the snapshot holds; absent: none. */
  readonly pairTables?: ReadonlySet<string> | undefined;
  /** The distinct-set tables the snapshot holds (DistinctSetDef.month/day); absent: those
   *  of every set with an id range. */
  readonly setTables?: ReadonlySet<string> | undefined;
  /** The projections of the fact table the snapshot holds (catalog.fact.projections);
   *  absent: none. */
  readonly projections?: ReadonlySet<string> | undefined;
  /** The tables of merged periods, zone offsets and days (IntervalsDef.merged, .zones, .days) the
   *  snapshot holds; absent: none (activity plans merge and compute them in the query). */
  readonly intervalTables?: ReadonlySet<string> | undefined;
  /** The tables the snapshot stores in key order (SnapshotMeta.keyOrdered): a walk's first
   *  page of one, unfiltered, is read by row position; absent: none. */
  readonly keyOrdered?: ReadonlySet<string> | undefined;
  /** The first and last instants of the fact table's time column: a window that holds
   *  them both reads the rollups' `all` grains. */
  readonly span?: TimeSpan | undefined;
}
