// The accelerators a dataset declares beside its tables (catalog.ts): rollups, copies of
// the fact table in another order, distinct sets, day sets, stored basket pairs, first-seen
// columns and activity periods. An import builds what is declared (layout*.ts); plans read
// a structure only where the snapshot holds it (features.ts). No dataset is named here.

/** Pre-aggregated counts: per UTC day or month (with the bucket's start `bucket`), or over
 *  all the data (`all`: no bucket), and per value of `columns` (fact columns), a count `n`
 *  of fact rows. A query may read one instead of the fact table only when every column it
 *  needs is among `columns` and every measure it asks is additive (see rollups.ts). An
 *  import builds a day or month grain only where it pays (data/rollup-choice.ts); the
 *  `all` grain, one row per key, always. */
export interface RollupDef {
  readonly name: string;
  readonly grain: 'day' | 'month' | 'all';
  readonly columns: readonly string[];
  /** A first-seen column (catalog.firstSeen): each row also counts, as `f`, its rows that
   *  are their pair's first ever (that column null), so that windows with no lower bound
   *  count distinct pairs from the rollup; and, where that column declares `last`
   *  (FirstSeenDef.last), as `l`, its rows that are their pair's last ever. */
  readonly firsts?: string;
  /** Fact columns whose sums each row also holds (as `sum_<column>`, rollupSum()): sums of
   *  them are additive, so a `sum` measure of such a column reads the rollup too. */
  readonly sums?: readonly string[];
  /** Fact columns whose distinct values each row counts (as `distinct_<column>`,
   *  rollupDistinct()). Not additive across rows: read only from an `all` grain, whose
   *  rows answer windows that hold every fact row. */
  readonly distinct?: readonly string[];
  /** Storage order (default: bucket, then `columns`): a family read mostly for one key
   *  value is stored by that key first, so that zone maps skip the other keys' rows. */
  readonly sortKey?: readonly string[];
  /** Only the fact rows whose column holds one of the values (a dataset's counting rule,
   *  DatasetDef.counts): an `all` grain with it answers exactly, distinct counts too, the
   *  questions whose filter is that rule and whose groups are its rows (exact-rollup.ts).
   *  Never read by the plain rollup readers (chooseFamily). */
  readonly where?: RollupWhere;
  /** Each row also holds the first and last instant of its rows (ROLLUP_FIRST, ROLLUP_LAST):
   *  a customer's first and last order, a product's last sale. */
  readonly times?: boolean;
  /** A table whose key this rollup's one column holds (an `all` grain per order): the
   *  import also copies the rollup's row into that table's rows, as columns named
   *  copiedColumn(rollup, column), so that a list of the table filters, orders and counts
   *  by the figures without joining one rollup row to each of its rows. */
  readonly copyTo?: string;
  /** Field paths from the root (reached from fact columns through relations: a product's
   *  category's parent's name) each row is also keyed by, stored as rollupPath(path): groups
   *  that are no fact column and whose distinct counts a rollup of the fact column cannot
   *  add up (an order holds lines of several categories under one parent). A day or month
   *  grain with them answers questions grouped by every one of these paths exactly, distinct
   *  counts of one-time columns included (counted-segments.ts). */
  readonly paths?: readonly string[];
}

/** The name of a rollup's column as copied into its RollupDef.copyTo table (no declared
 *  column has a double underscore followed by a rollup's name). */
export const copiedColumn = (rollup: string, column: string): string => `${rollup}__${column}`;

/** The rollup columns of RollupDef.times. */
export const ROLLUP_FIRST = 'first_time';
export const ROLLUP_LAST = 'last_time';

/** A rollup's row condition: a fact column's value is one of `in` (declared constants). */
export interface RollupWhere {
  readonly column: string;
  readonly in: readonly string[];
}

/** A copy of the fact table, every row and column, stored by another key first: a
 *  question that pins that key to one value (one author's views) reads the copy, whose
 *  zone maps skip every other value's rows, instead of scanning the table. The index-like
 *  structure for selective questions; its price is the copy (time and bytes at import). */
export interface ProjectionDef {
  readonly name: string;
  /** Fact columns; the first is the one a question must pin with `eq`. */
  readonly sortKey: readonly string[];
}

/** Per UTC day or month and per value of `key`: the fact rows `n` and the set of `distinct`
 *  values seen, `bits`, a bitstring over the key range of table `ids` (bit i: id min + i).
 *  The union of a window's sets (bit_or) counts distinct values per key without hashing
 *  (key, value) pairs. Built only where the ids are compact enough for the bitstrings to
 *  stay small (layout.ts). */
export interface DistinctSetDef {
  readonly key: string;
  /** The fact column whose distinct values the sets hold. */
  readonly distinct: string;
  /** The table whose key range the bits span (the `distinct` column references it). */
  readonly ids: string;
  readonly month: string;
  readonly day: string;
  /** What an import's progress calls building them (default `distinct sets`). */
  readonly progressName?: string;
}

/** The distinct values of a fact column among some rows (a dataset's counting rule), per
 *  UTC day, as bitstrings over the key range of the table the column references (bit i:
 *  id lo + i): a window's distinct buyers are the OR of its whole days' bits and of the
 *  bits of its edge days' rows, counted. Unlike counts of distinct values per day, these
 *  add up across days. Table `name`: (bucket, bits). */
export interface DaySetDef {
  readonly name: string;
  readonly distinct: string;
  /** The table whose key range the bits span (the `distinct` column references it). */
  readonly ids: string;
  readonly where: RollupWhere;
}

/** Pairs of items found in one basket, over all time, among some rows (a dataset's
 *  counting rule): table `name` holds (x, y, together), every ordered pair of distinct
 *  `item` values with the number of distinct `basket` values holding both, stored by x, so
 *  that "baskets with X, counted by their other items" reads X's rows only (of some x
 *  only: `partial`). */
export interface PairsDef {
  readonly name: string;
  readonly basket: string;
  readonly item: string;
  readonly where: RollupWhere;
  /** Optional: the pairs stored only for the `top` items x in most baskets (ties by the
   *  smaller item: the ones whose baskets hold most of the rows, where counting them per
   *  question costs most; at most `top` times the items' number of rows), each such x
   *  marked by its row (x, x, baskets holding x). The other items' pairs are counted per
   *  question from table `lines`: the distinct (item, basket) rows, columns (i, k), stored
   *  by item, so that an item's baskets are a range. Absent: every item's pairs are stored. */
  readonly partial?: { readonly top: number; readonly lines: string };
}

/** A fact column holding, for each fact row, the time of the previous row with the same
 *  `key` and `distinct` value (null for the first). A row is its pair's first in a window
 *  [s, e) when that time is null or before s, so counting such rows counts distinct
 *  (key, distinct) pairs in one pass, for any window and any filter that is constant
 *  within a pair. */
export interface FirstSeenDef {
  readonly column: string;
  readonly key: string;
  readonly distinct: string;
  /** Fact columns that split a pair further: the previous row is the previous one with the
   *  same key, distinct value and these columns' values (a viewer's blog from one country),
   *  so the count is also exact under filters on these columns (one viewer country). No
   *  rollup counts such a column's firsts: it answers by one pass over the window's rows. */
  readonly within?: readonly string[];
  /** A BOOLEAN fact column, true on each pair's last row (no later row with the same `key`
   *  and `distinct` value; null where the key is null), and the rollups that declare
   *  `column` count those rows as `l`: a window with no row at or after its end (one ending
   *  now) holds a pair exactly when the pair's last row is at or after the window's start,
   *  so its distinct pairs are sums of `l` over whole months and days (mirroring `f` for
   *  windows with no lower bound). */
  readonly last?: string;
}

/** Periods of activity of an entity (a member's logins): rows of `table` holding the
 *  entity's key and a start and an end instant (half-open: start <= t < end; periods of one
 *  entity may overlap), the entity's table holding an IANA zone. Activity plans (nodes.ts)
 *  read them; an import also stores them merged per entity (`merged`: one row per maximal
 *  run of activity, with the entity's zone and whether it is the entity's first) and the
 *  offsets of the entities' zones over the data's span (`zones`), see layout-intervals.ts. */
export interface IntervalsDef {
  /** How plans name it. */
  readonly name: string;
  readonly table: string;
  /** The column of `table` holding the entity's key. */
  readonly key: string;
  readonly start: string;
  readonly end: string;
  /** The entity's table, and its column naming the entity's IANA zone. */
  readonly entity: string;
  readonly zone: string;
  /** The tables an import builds: merged periods and zone offsets. */
  readonly merged: string;
  readonly zones: string;
  /** Optional: the table an import builds of active time per entity and calendar day, in
   *  UTC and in the entity's own zone (activity-days.ts); absent: none is built. */
  readonly days?: string;
  /** Optional: the table of the runs' starts and ends in time order with the number active
   *  after each (activity-levels.ts); absent: none is built. */
  readonly levels?: string;
  /** Optional: the levels rolled up per UTC hour (activity-level-hours.ts): concurrency per
   *  hour in UTC over a window of whole hours reads a row per hour; built from the levels
   *  table, read only with it; absent: none is built. */
  readonly levelHours?: string;
  /** Optional: the levels on the entities' own wall clocks, and their rollup per wall-clock
   *  hour (activity-wall-levels.ts): concurrency with the entities' zones; absent: none is
   *  built (the hours only with the levels). */
  readonly wallLevels?: string;
  readonly wallLevelHours?: string;
  /** Optional: the table of active time per entity, calendar day and wall-clock hour, on
   *  the days table's two clocks (activity-hours.ts); absent: none is built. */
  readonly hours?: string;
  /** Optional: the table of the entities active per clock and day of the days table, by
   *  their previous active day (activity-gaps.ts); built from the days table, read only
   *  with it; absent: none is built. */
  readonly gaps?: string;
  /** Optional: the hours table's 24 sums summed over the entities per clock and day
   *  (activity-hour-totals.ts): the heatmap's time in the days a window holds whole; built
   *  from the hours table, read only with it; absent: none is built. */
  readonly hourTotals?: string;
  /** Optional: the days table's UTC days counted by the hours of their first and last
   *  instants and of the previous day's last (activity-day-hours.ts): a fixed zone on whole
   *  hours reads its local days from a row per kind of day; built from the days table, read
   *  only with it; absent: none is built. */
  readonly dayHours?: string;
}

/** The rollup column holding the distinct count of a fact column (RollupDef.distinct). */
export const rollupDistinct = (column: string): string => `distinct_${column}`;

/** The column of a rollup holding a RollupDef.paths value. */
export const rollupPath = (path: string): string => `path_${path}`;

/** The rollup column holding the sum of a fact column (RollupDef.sums). */
export const rollupSum = (column: string): string => `sum_${column}`;
