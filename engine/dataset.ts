// What a dataset declares beyond its tables: the measures users may ask for. Plain data; the
// compilers turn each kind into SQL through the dialect. Names no dataset.
import type { Catalog, Expr } from './catalog.ts';
import type { FilterNode } from './filter/parse.ts';

/** A measure over the fact table's rows in the question's window and filter.
 *  - `count`: rows; `count_distinct`: distinct non-null values of a fact column;
 *  - `sum`, `avg`, `min`, `max`: of an expression over fact columns;
 *  - `ratio`: one measure over another (null where the denominator is 0), as a double, or
 *    with `decimals`, an exact decimal rounded half away from zero. */
export type MeasureDef =
  | { readonly kind: 'count'; readonly description: string }
  | {
      readonly kind: 'count_distinct';
      readonly column: string;
      readonly description: string;
      /** Every value of `column` has one fact time (an order's lines share the order's
       *  time): distinct counts over disjoint spans of time add up, so a series counts them
       *  per quarter hour and sums those, as it does counts. */
      readonly oneTime?: boolean;
    }
  | { readonly kind: 'sum' | 'avg' | 'min' | 'max'; readonly expr: Expr; readonly description: string }
  | { readonly kind: 'ratio'; readonly numerator: string; readonly denominator: string; readonly decimals?: number; readonly description: string };

export type MeasureKind = MeasureDef['kind'];

export interface DatasetDef {
  /** The path segment of its endpoints (`/api/v1/<name>/query`). */
  readonly name: string;
  readonly description: string;
  /** The file name of its snapshot in the data folder (default `<name>.duckdb`). */
  readonly snapshotFile?: string;
  readonly catalog: Catalog;
  readonly measures: Readonly<Record<string, MeasureDef>>;
  /** The fact rows that count (a marketplace counts the lines of paid, shipped and delivered
   *  orders only): a filter over the fact root's paths, as a parsed filter tree. Every
   *  aggregate and series plan reads only rows that satisfy it, whatever its own filter, so
   *  groups and buckets exist only where counted rows are. Absent: every row counts. The
   *  rows stay in the snapshot (lists show them). */
  readonly counts?: FilterNode;
  /** DuckDB's perfect hash tables for groupings on integer keys up to 2^bits values (the
   *  engine's default 20: per-viewer groupings of the blog's 10M views took half the time
   *  against DuckDB's 12). Absent: 20. */
  readonly perfectHashBits?: number;
}
