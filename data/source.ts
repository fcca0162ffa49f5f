// What an import source hands the importer for each table: a SQL relation that reads it,
// the columns it has, and where its rows come from (for error messages).
import type { Param } from '../engine/db.ts';
import type { TableDef } from '../engine/catalog.ts';

export interface SourceTable {
  readonly table: TableDef;
  /** Shown in messages: the file (or table) the rows come from. */
  readonly origin: string;
  /** A table expression reading every row, with a `_line` column locating each one. */
  readonly relation: string;
  readonly params: readonly Param[];
  /** Column name -> DuckDB type name, as the source declares them. */
  readonly columns: ReadonlyMap<string, string>;
  /** Whether `_line` is a line of a text file (else a row number). */
  readonly lineKind: 'line' | 'row';
  /** Text sources carry every value as text: types are checked value by value, not per column. */
  readonly typedColumns: boolean;
}

/** A load that must stop: the message names the table, the origin, the row and the column. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}
