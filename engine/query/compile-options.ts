// What the compilers may read beyond the fact table. Its own module, so that the compilers
// of each plan kind and the dispatcher that calls them (compile-plan.ts) need not import
// each other both ways.

/** What the snapshot offers beyond the fact table. `rollups: false` reads the fact table
 *  alone, the plain way: the reference that differential tests compare the rest with. */
export interface CompileOptions {
  /** Read whole days and months from rollups where that is exact (default: yes). */
  readonly rollups?: boolean;
  /** The blog id range the snapshot's blog sets are built over, where it has them. */
  readonly blogIds?: { readonly min: number; readonly max: number } | undefined;
  /** The fact table holds the first-seen columns (catalog.firstSeen). */
  readonly firstSeen?: boolean;
}
