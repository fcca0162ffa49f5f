// What an import source hands the importer for each table: a SQL relation that reads it,
// the columns it has, and where its rows come from (for error messages).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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

/** Whether a folder holds at least one file with this extension (`.parquet`, `.csv`). */
export function folderHas(dir: string, ext: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.toLowerCase().endsWith(ext));
}

/** The file of a folder that holds a table, by the table's accepted source names. */
export function tableFile(dir: string, table: TableDef, ext: string): string {
  const files = readdirSync(dir);
  const wanted = table.sourceNames.map((n) => `${n}${ext}`);
  const found = wanted.map((w) => files.find((f) => f.toLowerCase() === w)).find((f) => f !== undefined);
  if (!found) throw new ImportError(`table '${table.name}': no file in ${dir} (looked for ${wanted.join(', ')})`);
  return join(dir, found);
}
