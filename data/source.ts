// What an import source hands the importer for each table: a SQL relation that reads it,
// the columns it has, and where its rows come from (for error messages).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  /** Text sources: the rows DuckDB's reader cannot split into fields are set aside
   *  (text-rejects.ts) and named in the message; see `TextRejects`. */
  readonly rejects?: TextRejects;
  /** How much there is to read, known before reading: rows (a Parquet footer, rows already
   *  counted) or bytes (a text file); for progress reports. */
  readonly size?: { readonly total: number; readonly unit: 'rows' | 'bytes' };
}

export interface TextRejects {
  /** Added to the reader's record number (1 = the first record, a header too) to give `_line`. */
  readonly lineOffset: number;
  /** The same relation with room for rows up to WIDE_ROW_BYTES, read again only when a row
   *  was longer than DuckDB's default limit (2 MB): wide buffers cost memory and time. */
  readonly wideRelation: string;
  /** The source's column names by position: the reader names them c0, c1, ... */
  readonly fields: readonly string[];
}

/** A load that must stop: the message names the table, the origin, the row and the column. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

/** A file path as DuckDB's readers take it literally: they expand `*`, `?` and `[...]` as
 *  wildcards (a folder `u?` would also read its sibling `ux`), so each is written as a
 *  one-character class (`[?]`); absolute, so that no `~` or `s3://` prefix is read either. */
export function literalPath(file: string): string {
  return resolve(file).replace(/[*?[]/g, (c) => `[${c}]`);
}

/** A value as a message shows it: quoted, on one line, cut after 80 characters (a bad value
 *  may be a 10 MB text). */
export function shown(value: unknown): string {
  const text = String(value);
  const escaped = (t: string) =>
    t.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return text.length > 80 ? `'${escaped(text.slice(0, 80))}...' (${text.length} characters)` : `'${escaped(text)}'`;
}

/** Whether a folder holds at least one file with this extension (`.parquet`, `.csv`). */
export function folderHas(dir: string, ext: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.toLowerCase().endsWith(ext));
}

/** What a source is searched for, for messages: the accepted names, and `*_<model>`. */
export const lookedFor = (table: TableDef, ext = ''): string =>
  [...table.sourceNames.map((n) => `${n}${ext}`), ...(table.djangoModel ? [`*_${table.djangoModel}${ext}`] : [])].join(', ');

/** Which of a source's table names (lowercase, as the source spells them) holds `table`:
 *  its first accepted source name present, else, for a table with a Django model, the one
 *  name ending in `_<model>` (`shop_orderitem`); two such names are ambiguous, and refused. */
export function sourceNameFor(table: TableDef, names: readonly string[], where: string): string | undefined {
  const exact = table.sourceNames.find((n) => names.includes(n));
  if (exact !== undefined || table.djangoModel === undefined) return exact;
  const suffix = `_${table.djangoModel}`;
  const matches = names.filter((n) => n.endsWith(suffix) && n.length > suffix.length);
  if (matches.length > 1)
    throw new ImportError(`table '${table.name}': ${where} has ${matches.length} tables named *${suffix} (${matches.join(', ')}); keep one, or name it ${table.sourceNames[0]}`);
  return matches[0];
}

/** The file of a folder that holds a table, by the table's accepted source names. */
export function tableFile(dir: string, table: TableDef, ext: string): string {
  const files = readdirSync(dir);
  const stems = new Map(files.filter((f) => f.toLowerCase().endsWith(ext)).map((f) => [f.slice(0, -ext.length).toLowerCase(), f]));
  const found = sourceNameFor(table, [...stems.keys()], dir);
  if (found === undefined) throw new ImportError(`table '${table.name}': no file in ${dir} (looked for ${lookedFor(table, ext)})`);
  return join(dir, stems.get(found)!);
}
