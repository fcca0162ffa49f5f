// Rows of a text file (CSV, COPY text) that DuckDB's reader cannot split into fields: too
// many or too few fields, an unterminated quote, invalid UTF-8, a row longer than the
// reader's buffer. Thrown, DuckDB's error would carry the whole row and no column; set
// aside with `store_rejects` instead, the first one becomes a message naming its line.
import type { Database } from '../engine/db.ts';
import type { TableDef } from '../engine/catalog.ts';
import { ident } from '../engine/sql.ts';
import { ImportError } from './source.ts';
import type { SourceTable } from './source.ts';

/** The longest row read: PostgreSQL's text fields go up to 1 GB, but DuckDB's buffers are
 *  a multiple of it (16 by default; 2 here), so the limit is a choice of memory. */
export const WIDE_ROW_BYTES = 256 << 20;

/** read_csv options that set rejected rows aside in the tables bound as $2 and $3; `wide`
 *  makes room for rows up to WIDE_ROW_BYTES. */
export function rejectOptions(wide: boolean): string {
  const room = wide ? `, max_line_size = ${WIDE_ROW_BYTES}, buffer_size = ${2 * WIDE_ROW_BYTES}` : '';
  return `store_rejects = true, rejects_table = $2, rejects_scan = $3${room}`;
}

/** The temporary tables a table's rejected rows go to (DuckDB wants plain names). */
export function rejectTables(table: TableDef): [string, string] {
  const base = table.name.replace(/[^A-Za-z0-9_]/g, '_');
  return [`rejects_${base}`, `reject_scans_${base}`];
}

export async function clearRejects(db: Database, table: TableDef): Promise<void> {
  for (const t of rejectTables(table)) await db.exec(`DROP TABLE IF EXISTS temp.${ident(t)}`);
}

export interface Reject {
  readonly line: number;
  readonly column: string | null;
  readonly type: string;
  readonly message: string;
}

export async function firstReject(db: Database, table: TableDef): Promise<Reject | undefined> {
  const [errors] = rejectTables(table);
  const exists = await db.query(`SELECT 1 FROM duckdb_tables() WHERE temporary AND table_name = $1`, [errors]);
  if (exists.rows.length === 0) return undefined;
  const { rows } = await db.query(`SELECT line, column_name, error_type, error_message FROM temp.${ident(errors)} ORDER BY line, column_idx LIMIT 1`);
  const r = rows[0];
  if (!r) return undefined;
  return { line: Number(r['line']), column: r['column_name'] === null ? null : String(r['column_name']), type: String(r['error_type']), message: String(r['error_message']) };
}

export const isTooLong = (r: Reject) => r.type === 'LINE SIZE OVER MAXIMUM';

/** What is wrong with the row, in the importer's words where DuckDB's are cryptic. */
function problem(r: Reject): string {
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(r.message);
  switch (r.type) {
    case 'TOO MANY COLUMNS':
    case 'MISSING COLUMNS':
      return `cannot split the row: ${counts ? `expected ${counts[1]} fields, found ${counts[2]}` : r.message}`;
    case 'UNQUOTED VALUE':
      return 'cannot split the row: a quoted value is not closed (or text follows its closing quote)';
    case 'INVALID ENCODING':
    case 'INVALID UNICODE':
      return 'the row is not valid UTF-8';
    case 'LINE SIZE OVER MAXIMUM':
      return `the row is longer than ${WIDE_ROW_BYTES >> 20} MiB, the longest this importer reads`;
    default:
      return `cannot read the row: ${r.message}`;
  }
}

export function rejectError(s: SourceTable, r: Reject): ImportError {
  const line = r.line + (s.rejects?.lineOffset ?? 0);
  const field = r.column === null ? undefined : /^c(\d+)$/.exec(r.column);
  const name = field ? s.rejects?.fields[Number(field[1])] : r.column;
  const column = name ? `, column '${name}'` : '';
  return new ImportError(`table '${s.table.name}' (${s.origin}, ${s.lineKind} ${line})${column}: ${problem(r)}`);
}
