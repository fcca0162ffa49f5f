// The shape of an engine answer (columns, rows, total, parts): types only, in a file of their
// own so that row shapers under query/ can name them without importing results.ts.
import type { MeasureType } from './query/measures.ts';

/** `list`: a child list, an array of objects (JSON only). */
export type ColumnType = MeasureType['type'] | 'list';

export interface ResultColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** Decimal columns: digits after the point. */
  readonly scale?: number;
}

export interface PlanResult {
  readonly columns: readonly ResultColumn[];
  /** Rows before paging. */
  readonly total: number;
  readonly rows: readonly Record<string, unknown>[];
  /** A bundle's answers, by part name (its own columns and rows are empty). */
  readonly parts?: Readonly<Record<string, PlanResult>>;
}
