// PostgreSQL's COPY text format (pg_dump's data blocks, COPY ... TO STDOUT): tab-separated,
// `\N` for null, backslash escapes. DuckDB's CSV reader splits the fields (no quoting, no
// escape character); the escapes are decoded here in SQL, only for text columns.
import type { TableDef } from '../../engine/catalog.ts';
import { ident } from '../../engine/sql.ts';
import { literalPath } from '../source.ts';
import type { SourceTable } from '../source.ts';
import { rejectOptions, rejectTables } from '../text-rejects.ts';

// PostgreSQL writes exactly these escapes in text output: \\ \b \f \n \r \t \v. Splitting
// on the escaped backslash first leaves pieces in which every backslash starts an escape.
const decode = (col: string) =>
  `CASE WHEN contains(${col}, '\\') THEN array_to_string(list_transform(string_split(${col}, '\\\\'), p -> ` +
  `replace(replace(replace(replace(replace(replace(p, '\\n', chr(10)), '\\t', chr(9)), '\\r', chr(13)), '\\b', chr(8)), '\\f', chr(12)), '\\v', chr(11))), '\\') ` +
  `ELSE ${col} END`;

/** A source table reading a file of COPY text rows whose columns are `columns`, in order;
 *  `firstLine` is the line of the first row in the original file (0 for a row count);
 *  `rows` were counted as the file was written. */
export function pgTextTable(table: TableDef, file: string, origin: string, columns: readonly string[], firstLine: number, lineKind: 'line' | 'row', rows: number): SourceTable {
  const spec = columns.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  // Only the catalog's columns are selected: a password column never leaves the reader.
  const select = columns.flatMap((name, i) => {
    const c = table.columns.find((x) => x.name === name.toLowerCase());
    if (!c) return [];
    const raw = `c${i}`;
    return [`${c.sqlType === 'VARCHAR' ? decode(raw) : raw} AS ${ident(c.name)}`];
  });
  const relation = (wide: boolean) =>
    `(SELECT ${select.join(', ')}, row_number() OVER () + ${firstLine - 1} AS _line FROM read_csv($1, delim = '\t', quote = '', escape = '', ` +
    `header = false, nullstr = '\\N', auto_detect = false, columns = {${spec}}, ${rejectOptions(wide)}))`;
  return {
    table,
    origin,
    relation: relation(false),
    params: [literalPath(file), ...rejectTables(table)],
    columns: new Map(columns.map((c) => [c.toLowerCase(), 'VARCHAR'])),
    lineKind,
    typedColumns: false,
    rejects: { lineOffset: firstLine - 1, wideRelation: relation(true), fields: columns },
    size: { total: rows, unit: 'rows' },
  };
}
