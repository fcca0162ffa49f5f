// A folder of CSV files as PostgreSQL's `COPY table TO ... CSV HEADER` writes them: comma,
// double quotes, an unquoted empty field for null and a quoted one ("") for the empty string.
// The header is read here and DuckDB is told the layout: its sniffer guesses from a sample
// and could neither take a first row longer than 2 MB nor see a bad row past the sample.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ident } from '../../engine/sql.ts';
import type { Catalog } from '../../engine/catalog.ts';
import { ImportError, folderHas, literalPath, tableFile } from '../source.ts';
import type { SourceTable } from '../source.ts';
import { rejectOptions, rejectTables } from '../text-rejects.ts';

export function isCsvFolder(dir: string): boolean {
  return folderHas(dir, '.csv');
}

const HEADER_BYTES = 1 << 20;

/** The field names of a CSV file's first record (quoted names may hold commas and quotes). */
export function csvHeader(file: string): string[] {
  const fd = openSync(file, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(HEADER_BYTES);
    text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      fields.push(field);
      return fields;
    } else field += ch;
  }
  if (text.length === 0) throw new ImportError(`${file} is empty: it has no header line`);
  if (quoted || text.length >= HEADER_BYTES) throw new ImportError(`${file}: cannot find the end of the header line`);
  fields.push(field);
  return fields;
}

export async function csvTables(catalog: Catalog, dir: string): Promise<SourceTable[]> {
  const out: SourceTable[] = [];
  for (const table of catalog.tables) {
    const file = tableFile(dir, table, '.csv');
    const fields = csvHeader(file).map((f) => f.toLowerCase());
    const spec = fields.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
    // Only the catalog's columns are selected, the first of a name where a header repeats one.
    const select = table.columns.flatMap((c) => {
      const i = fields.indexOf(c.name);
      return i < 0 ? [] : [`c${i} AS ${ident(c.name)}`];
    });
    // Rows are numbered from the header's; a quoted newline inside a value shifts the file's
    // own line numbers, so messages say "row".
    const relation = (wide: boolean) =>
      `(SELECT ${select.join(', ')}, row_number() OVER () AS _line FROM read_csv($1, delim = ',', quote = '"', escape = '"', header = true, ` +
      `auto_detect = false, columns = {${spec}}, allow_quoted_nulls = false, ${rejectOptions(wide)}))`;
    out.push({
      table,
      origin: file,
      relation: relation(false),
      params: [literalPath(file), ...rejectTables(table)],
      columns: new Map(fields.map((f) => [f, 'VARCHAR'])),
      lineKind: 'row',
      typedColumns: false,
      rejects: { lineOffset: -1, wideRelation: relation(true), fields },
      size: { total: statSync(file).size, unit: 'bytes' },
    });
  }
  return out;
}
