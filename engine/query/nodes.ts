// The plan language: every question any dataset's endpoints ask, as plain serialisable data
// with a `kind` tag. Plans name measures, fields and tables of a dataset's declaration;
// they hold no SQL. One exhaustive compiler per kind (compile-plan.ts) turns them into SQL
// text and bound parameters for a dialect.
import type { FilterNode } from '../filter/parse.ts';
import type { TimeWindow } from './spec.ts';

/** A row the question names that must exist, or the answer is 404 (an author asked for by
 *  id): checked before the plan runs. */
export interface Requirement {
  readonly table: string;
  /** The row's key (a number, or a UUID's canonical text), bound as the key column's type. */
  readonly key: number | string;
  /** The request member that named it, as a JSON pointer, and the message. */
  readonly path: string;
  readonly message: string;
}

export type Granularity = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** An order term: a measure, a dimension (or label) by its output name, or `period`. */
export interface OrderTerm {
  readonly by: string;
  readonly dir: 'asc' | 'desc';
}

/** A column computed per group after paging, from a field reached through the group's
 *  single dimension (the country's name beside the country id): labels never split groups. */
export interface LabelTerm {
  /** The output column. */
  readonly name: string;
  /** A field path from the fact root, under the grouped dimension's relation. */
  readonly path: string;
}

/** Measures per group of fact rows in a window: `GROUP BY dimensions`, ordered with
 *  deterministic ties (the dimensions ascending, nulls last), paged, with the number of
 *  groups before paging. */
export interface AggregatePlan {
  readonly kind: 'aggregate';
  readonly requires?: readonly Requirement[];
  readonly dataset: string;
  readonly window: TimeWindow;
  readonly filter: FilterNode | undefined;
  /** Field paths from the fact root; a relation path groups by its key. */
  readonly dimensions: readonly string[];
  /** Measure names of the dataset. */
  readonly measures: readonly string[];
  readonly labels: readonly LabelTerm[];
  /** Empty: the first measure descending. Ties: the dimensions ascending, nulls last. */
  readonly order: readonly OrderTerm[];
  /** Groups whose dimension value is null: their own group (`keep`), or none (`drop`). */
  readonly nulls: 'keep' | 'drop';
  /** rank() and dense_rank() over all groups by one measure, descending. */
  readonly rank?: { readonly by: string; readonly rank?: string; readonly denseRank?: string };
  /** With one dimension, the key of a table with an acyclic relation to itself (a
   *  category's `parent`): per group, sums of additive measures of the plan over its subtree
   *  (the group and every descendant at any depth), each as the column `name`. */
  readonly subtree?: { readonly relation: string; readonly sums: readonly { readonly measure: string; readonly name: string }[] };
  readonly limit: number;
  readonly offset: number;
}

/** A second source counted per bucket beside the fact rows: rows of the table a many-to-one
 *  relation of the fact root leads to, by that table's own time column (blogs created per
 *  bucket beside the views). */
export interface SideCount {
  readonly name: string;
  /** A relation path from the fact root (`blog`). */
  readonly relation: string;
  /** A column of the relation's table. */
  readonly time: string;
  /** A filter over fact-root paths that all lie under `relation` (read on its table). */
  readonly filter: FilterNode | undefined;
}

/** Measures per calendar bucket of the fact time in a zone (and per group of `dimensions`),
 *  between the first and the last bucket holding rows; `fill` keeps the empty buckets in
 *  between (zero counts), `compare` adds each measure's previous bucket and growth,
 *  `running` the running total from the first bucket. */
export interface SeriesPlan {
  readonly kind: 'series';
  readonly requires?: readonly Requirement[];
  readonly dataset: string;
  readonly window: TimeWindow;
  readonly filter: FilterNode | undefined;
  readonly granularity: Granularity;
  readonly tz: string;
  readonly dimensions: readonly string[];
  readonly measures: readonly string[];
  readonly fill: boolean;
  /** Measures that get `<m>_previous` and `<m>_growth`. */
  readonly compare: readonly string[];
  /** Measures that get `<m>_running`. */
  readonly running: readonly string[];
  readonly side: readonly SideCount[];
  readonly order: readonly OrderTerm[];
  readonly limit: number;
  readonly offset: number;
}

/** A child list nested in each root row: rows of a one-to-many relation's target. */
export interface ChildList {
  /** The output column (a list of objects). */
  readonly name: string;
  /** A one-to-many relation of the root table. */
  readonly relation: string;
  readonly columns: readonly string[];
  readonly order: readonly OrderTerm[];
  /** Only the related rows that satisfy it (a filter rooted at the relation's table). */
  readonly filter?: FilterNode | undefined;
  /** A row with no related row (that passes `filter`) is not listed, nor counted. */
  readonly required?: boolean;
}

/** How a list writes instants: ISO 8601 in UTC with `Z` (`iso`, the default); in the
 *  zone named by a column of the listed row, ISO 8601 with that zone's offset at the instant
 *  (`zoned`: `2020-06-20T17:29:00+03:00`; child lists' instants in their parent's zone); or
 *  in UTC as English text to the minute, seconds dropped (`minutes-text`:
 *  `June 20 2020 14:29`). */
export type InstantStyle = { readonly kind: 'iso' } | { readonly kind: 'zoned'; readonly zone: string } | { readonly kind: 'minutes-text' };

/** A figure per listed row from the fact rows that reach it: a measure of the dataset, or
 *  the earliest / latest fact time (an instant, null where no fact row reaches the row). */
export type RowMeasure = { readonly name: string; readonly measure: string } | { readonly name: string; readonly time: 'first' | 'last' };

/** A condition on a row measure (SQL HAVING): `value` compares exactly, and holds no more
 *  decimals than the measure has (a decimal's exact text, or a number). */
export interface MeasureCondition {
  readonly name: string;
  readonly op: 'gt' | 'gte' | 'lt' | 'lte';
  readonly value: string | number;
}

/** Figures per listed row over the fact rows whose `via` path holds the row's key, in a
 *  window, under the dataset's counting rule where `counted`. A row no fact row reaches has
 *  zero counts and sums, and null times and ratios. */
export interface RowMeasures {
  /** A path from the fact root whose value is the listed table's key (`product`). */
  readonly via: string;
  readonly window: TimeWindow;
  readonly counted: boolean;
  readonly measures: readonly RowMeasure[];
  /** Only rows whose figures satisfy every condition are listed (and counted, and ranked). */
  readonly having: readonly MeasureCondition[];
  /** rank() and dense_rank() by one figure, descending, over every listed row. */
  readonly rank?: { readonly by: string; readonly rank?: string; readonly denseRank?: string };
}

/** Rows of a table (with columns reached through many-to-one paths), filtered, ordered,
 *  paged, each with its child lists, built in one query whatever the page size. */
export interface ListPlan {
  readonly kind: 'list';
  readonly requires?: readonly Requirement[];
  readonly dataset: string;
  readonly table: string;
  /** Over the table's own fields (a filter rooted at `table`). */
  readonly filter: FilterNode | undefined;
  /** Field paths from `table`; output columns are named by the path. */
  readonly columns: readonly string[];
  readonly children: readonly ChildList[];
  /** Figures per row from the fact rows; order terms may name them (before field paths). */
  readonly measures?: RowMeasures;
  /** Answer only the rows with these keys, after ranking: one row's rank among all. */
  readonly pick?: readonly number[];
  /** A page of a walk through every row in key order (`order` empty, no figures): the
   *  rows after the key `after` (absent: from the first, past `offset`), found by a top-N
   *  over the key alone and then read by key (cheap on a table stored by key), and not
   *  counted (the answer's total is -1). */
  readonly walk?: { readonly after?: number | string };
  /** Answer each row as one column of this name holding the row's JSON object text (its
   *  columns and child lists, in plan order), made by the database: a walk of a million
   *  rows then converts no nested values. */
  readonly json?: string;
  /** How instants are written (default `iso`). */
  readonly instants?: InstantStyle;
  /** Ties: the table's key ascending. */
  readonly order: readonly OrderTerm[];
  readonly limit: number;
  readonly offset: number;
}

/** Co-occurrence ("baskets"): fact rows in a window grouped into baskets by `basis`; for
 *  the item `of`, every other item found in baskets with it: baskets holding both
 *  (`together`), and support, confidence and lift as integers scaled by 10^decimals,
 *  rounded half away from zero (compile-basket.ts). Ordered by together descending, lift
 *  (as answered) descending, then the item ascending. */
export interface BasketPlan {
  readonly kind: 'basket';
  readonly requires?: readonly Requirement[];
  readonly dataset: string;
  readonly window: TimeWindow;
  /** Over the fact root: which rows take part (the counting rule is added when compiled). */
  readonly filter: FilterNode | undefined;
  /** A field path from the fact root whose value makes a basket (`order`, `order__customer`). */
  readonly basis: string;
  /** A field path from the fact root whose values are the items (`product`). */
  readonly item: string;
  /** The item the others are found beside. */
  readonly of: number;
  readonly minTogether: number;
  readonly decimals: number;
  /** Read per answered item, under the item's relation (`product__name`). */
  readonly labels: readonly LabelTerm[];
  readonly limit: number;
}

/** Cohorts of entities (customers) by the calendar bucket, in a zone, of their first fact row
 *  in the window; per cohort its size and, for buckets 0 .. periods-1 after the first, how
 *  many of its entities have rows there and the sum of an additive measure over them; a
 *  bucket wholly after the window's end is unknown (compile-cohort.ts). */
export interface CohortPlan {
  readonly kind: 'cohort';
  readonly requires?: readonly Requirement[];
  readonly dataset: string;
  readonly window: TimeWindow;
  /** A many-to-one relation path from the fact root (`order__customer`). */
  readonly entity: string;
  /** Rooted at the entity's table: which entities take part. */
  readonly filter: FilterNode | undefined;
  readonly granularity: Granularity;
  readonly tz: string;
  readonly periods: number;
  /** A count or sum measure of the dataset. */
  readonly measure: string;
}

/** The calendar an activity plan counts in: one IANA zone's for everybody, or each entity's
 *  own zone's (its wall clock: a member in Tokyo is active on the Tokyo date). */
export type ActivityZone = { readonly kind: 'fixed'; readonly tz: string } | { readonly kind: 'entity' };

/** Concurrency buckets: their length on the wall clock. */
export type ActivityBucket = 'minute' | '5m' | '15m' | 'hour' | 'day';

/** What an activity plan asks (compile-activity.ts):
 *  - `active`: per calendar bucket, entities active in it and entities whose first activity
 *    ever starts in it; per day also those active in the 7 and 30 days ending with it;
 *  - `time`: active time per entity and calendar day, paged (with `labels`, columns of the
 *    entity's table);
 *  - `concurrency`: per bucket, the most entities active at one instant and those active at
 *    any; the whole window's peak;
 *  - `sessions`: the distribution of merged periods' lengths;
 *  - `heatmap`: active time and entities per weekday and hour of the wall clock. */
export type ActivityQuestion =
  | { readonly kind: 'active'; readonly granularity: 'day' | 'week' | 'month' }
  | { readonly kind: 'time'; readonly labels: readonly string[]; readonly limit: number; readonly offset: number }
  | { readonly kind: 'concurrency'; readonly bucket: ActivityBucket }
  | { readonly kind: 'sessions' }
  | { readonly kind: 'heatmap' };

/** Activity of entities over time from periods (catalog IntervalsDef): each entity's
 *  periods are merged (an entity is never active twice at once) and clipped to the window;
 *  the filter, rooted at the entity's table, picks the entities. */
export interface ActivityPlan {
  readonly kind: 'activity';
  readonly requires?: readonly Requirement[];
  readonly dataset: string;
  readonly window: TimeWindow;
  /** The IntervalsDef's name. */
  readonly intervals: string;
  readonly filter: FilterNode | undefined;
  readonly zone: ActivityZone;
  readonly question: ActivityQuestion;
}

/** A plan that compiles to one statement. */
export type QueryPlan = AggregatePlan | SeriesPlan | ListPlan | BasketPlan | CohortPlan | ActivityPlan;

/** Several questions answered together (one answer of several parts: a customer's window
 *  and lifetime figures and top categories), each its own statement, run one after the
 *  other on one snapshot; cached and shared as one plan. */
export interface BundlePlan {
  readonly kind: 'bundle';
  readonly requires?: readonly Requirement[];
  readonly dataset: string;
  readonly parts: readonly { readonly name: string; readonly plan: QueryPlan }[];
}

export type Plan = QueryPlan | BundlePlan;
