// A folder of CSV files as PostgreSQL's `COPY table TO ... CSV HEADER` writes them: comma,
// double quotes, an unquoted empty field for null and a quoted one ("") for the empty string.
import type { Database } from '../../engine/db.ts';
import type { Catalog } from '../../engine/catalog.ts';
import { ImportError, folderHas, tableFile } from '../source.ts';
import type { SourceTable } from '../source.ts';

export function isCsvFolder(dir: string): boolean {
  return folderHas(dir, '.csv');
}

const READ = `read_csv($1, delim = ',', quote = '"', escape = '"', header = true, all_varchar = true, allow_quoted_nulls = false)`;

export async function csvTables(db: Database, catalog: Catalog, dir: string): Promise<SourceTable[]> {
  const out: SourceTable[] = [];
  for (const table of catalog.tables) {
    const file = tableFile(dir, table, '.csv');
    let described;
    try {
      described = await db.query(`DESCRIBE SELECT * FROM ${READ}`, [file]);
    } catch (e) {
      throw new ImportError(`table '${table.name}': cannot read ${file}: ${(e as Error).message}`);
    }
    const columns = new Map(described.rows.map((r) => [String(r['column_name']).toLowerCase(), 'VARCHAR']));
    // Rows are numbered from the header's line; a quoted newline inside a value shifts the
    // file's own line numbers, so messages say "row".
    const relation = `(SELECT *, row_number() OVER () AS _line FROM ${READ})`;
    out.push({ table, origin: file, relation, params: [file], columns, lineKind: 'row', typedColumns: false });
  }
  return out;
}
