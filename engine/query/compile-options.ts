// What the compilers may read beyond the fact table. Its own module, so that the compilers
// of each plan kind and the dispatcher that calls them (compile-plan.ts) need not import
// each other both ways.

/** What the snapshot offers beyond the fact table. `rollups: false` reads the fact table
 *  alone, the plain way: the reference that differential tests compare the rest with. */
export interface CompileOptions {
  /** Read whole days and months from rollups where that is exact (default: yes). */
  readonly rollups?: boolean;
  /** Per table of ids, the key range the snapshot's distinct sets over it are built over,
   *  where it has them (catalog.distinctSets). */
  readonly idRanges?: Readonly<Record<string, { readonly min: number; readonly max: number }>> | undefined;
  /** The fact table holds the first-seen columns (catalog.firstSeen). */
  readonly firstSeen?: boolean;
  /** The rollups hold the sums they declare (RollupDef.sums; snapshots before them do not). */
  readonly rollupSums?: boolean;
}
