// A dataset's description, as data: tables, keys and types, relations, the fact table's
// layout, pre-aggregations and distinct-count accelerators. Everything that knows table
// names, column types, relations, accepted source names or filterable paths reads them
// from here, so that a second dataset is a second catalog, not a second code path. No
// dataset is named in this module: the declarations live in engine/datasets/<name>/.

/** The logical type a field has for users (filters, meta, answers). */
export type FieldType = 'integer' | 'text' | 'timestamp' | 'date' | 'boolean' | 'decimal' | 'uuid';

/** A fixed-point type: `p` digits in all, `s` after the point. */
export type DecimalType = `DECIMAL(${number},${number})`;

/** The physical type a column is stored as. */
export type SqlType = 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'TIMESTAMP' | 'DATE' | 'BOOLEAN' | 'UUID' | DecimalType;

export interface ColumnDef {
  readonly name: string;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
  /** Exposed to the filter language under this name (relations are exposed by `relations`). */
  readonly filterable: boolean;
  /** No two rows share a non-null value (checked on import). */
  readonly unique: boolean;
  /** Smallest allowed value of a numeric column (checked on import). */
  readonly min?: number;
  /** Largest allowed value of a numeric column (checked on import). */
  readonly max?: number;
  /** The only values a text column may hold (checked on import). */
  readonly values?: readonly string[];
  /** A text column naming an IANA time zone (engine/zone-names.ts, legacy links included):
   *  any other value is an import error naming the row. */
  readonly zone?: boolean;
}

/** A relation users may follow in a field path.
 *  - `many-to-one`: `column` on this table holds the target's key (a view's blog);
 *  - `one-to-many`: `column` on the target table holds this table's key (a blog's views).
 *    A filter leaf over such a path holds when some related row satisfies it. */
export interface RelationDef {
  /** The path segment users write (`user` in `user__username`). */
  readonly name: string;
  /** Absent: many-to-one. */
  readonly kind?: 'many-to-one' | 'one-to-many';
  readonly column: string;
  readonly target: string;
  /** A many-to-one relation of a table to itself that must form a tree (a category's
   *  parent): a row that is its own ancestor is an import error. */
  readonly acyclic?: boolean;
}

/** A value computed from a row's own columns (a person's display name, a line's amount):
 *  plain data, compiled through the dialect. Literals are bound as parameters. */
export type Expr =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: string | number }
  | { readonly kind: 'call'; readonly fn: ExprFunction; readonly args: readonly Expr[] };

/** The functions expressions may call (one table per dialect: dialect.ts). */
export type ExprFunction = 'coalesce' | 'nullif' | 'trim' | 'concat' | 'multiply' | 'add' | 'subtract' | 'seconds_between';

/** A column computed from the table's own columns, readable like a stored one. */
export interface ComputedColumnDef {
  readonly name: string;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
  readonly expr: Expr;
  /** Offered to the filter language and as a dimension (default: yes). */
  readonly filterable?: boolean;
}

export interface TableDef {
  readonly name: string;
  /** The key column (default `id`). */
  readonly key?: string;
  /** File or table names accepted on import, most specific first. */
  readonly sourceNames: readonly string[];
  /** A Django model name (`orderitem`): where no source name matches, the one source table
   *  named `<app>_<model>` (ending in `_<model>`) is accepted, if exactly one is. */
  readonly djangoModel?: string;
  readonly columns: readonly ColumnDef[];
  readonly computed?: readonly ComputedColumnDef[];
  readonly relations: readonly RelationDef[];
  /** Pairs of columns `[earlier, later]` whose values must be in that order in every row
   *  (a period's start and end, equal allowed): a row with `later < earlier` is an import
   *  error naming it. */
  readonly ordered?: readonly (readonly [earlier: string, later: string])[];
  /** The column that names a row for people (suggested when a path names a column that
   *  does not exist and nothing is spelled close to it; the label of a grouped row). */
  readonly label: string;
}

/** A column of the denormalised fact table, copied from a path of the root table. */
export interface FactColumnDef {
  readonly name: string;
  /** A field path from the root table (`blog__author` is the blog's author id). */
  readonly path: string;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
}

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
  /** Optional: the table of active time per entity, calendar day and wall-clock hour, on
   *  the days table's two clocks (activity-hours.ts); absent: none is built. */
  readonly hours?: string;
}

export interface Catalog {
  readonly tables: readonly TableDef[];
  /** Activity periods the activity plans read (IntervalsDef); absent: none. */
  readonly intervals?: readonly IntervalsDef[];
  /** The table filters start from; field paths are relative to it. */
  readonly root: string;
  /** Where the root's rows are stored, with the columns copied in from related tables;
   *  `time` is the fact column windows and buckets read. */
  readonly fact: {
    readonly name: string;
    readonly time: string;
    readonly columns: readonly FactColumnDef[];
    readonly sortKey: readonly string[];
    /** A fact column holding each row's own IANA zone (copied from a zone column), for
     *  questions asked in each row's zone rather than one (`tz=member`). */
    readonly zone?: string;
    /** Copies of the fact table stored in another order (ProjectionDef). */
    readonly projections?: readonly ProjectionDef[];
  };
  /** Families of rollups, each at some of the grains day, month and all; smaller
   *  families first. */
  readonly rollups: readonly (readonly RollupDef[])[];
  readonly distinctSets: readonly DistinctSetDef[];
  /** Day sets of distinct values among some rows (DaySetDef); absent: none. */
  readonly daySets?: readonly DaySetDef[];
  /** Stored basket pairs (PairsDef); absent: none. */
  readonly pairs?: readonly PairsDef[];
  readonly firstSeen: readonly FirstSeenDef[];
}

export function tableDef(catalog: Catalog, name: string): TableDef {
  const t = catalog.tables.find((x) => x.name === name);
  if (!t) throw new Error(`catalog has no table '${name}'`);
  return t;
}

export const tableKey = (t: TableDef): string => t.key ?? 'id';

/** The rollup column holding the distinct count of a fact column (RollupDef.distinct). */
export const rollupDistinct = (column: string): string => `distinct_${column}`;

/** The column of a rollup holding a RollupDef.paths value. */
export const rollupPath = (path: string): string => `path_${path}`;

/** The rollup column holding the sum of a fact column (RollupDef.sums). */
export const rollupSum = (column: string): string => `sum_${column}`;

/** The logical type users see for a stored type. */
export function fieldTypeOf(sqlType: SqlType): FieldType {
  switch (sqlType) {
    case 'BIGINT':
    case 'INTEGER':
      return 'integer';
    case 'VARCHAR':
      return 'text';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'DATE':
      return 'date';
    case 'BOOLEAN':
      return 'boolean';
    case 'UUID':
      return 'uuid';
    default:
      if (sqlType.startsWith('DECIMAL(')) return 'decimal';
      throw new Error(`unknown column type ${String(sqlType)}`);
  }
}
