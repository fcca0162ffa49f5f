// A folder of Parquet files, one per table, named after the Django or the plain table names.
import type { Database } from '../../engine/db.ts';
import type { Catalog } from '../../engine/catalog.ts';
import { ImportError, folderHas, literalPath, tableFile } from '../source.ts';
import type { SourceTable } from '../source.ts';
import { firstLine } from '../read-source.ts';

export function isParquetFolder(dir: string): boolean {
  return folderHas(dir, '.parquet');
}

export async function parquetTables(db: Database, catalog: Catalog, dir: string): Promise<SourceTable[]> {
  const out: SourceTable[] = [];
  for (const table of catalog.tables) {
    const file = tableFile(dir, table, '.parquet');
    const relation = `(SELECT *, file_row_number + 1 AS _line FROM read_parquet($1, file_row_number = true))`;
    let described;
    try {
      described = await db.query(`DESCRIBE SELECT * FROM read_parquet($1)`, [literalPath(file)]);
    } catch (e) {
      throw new ImportError(`table '${table.name}': cannot read ${file}: ${firstLine(e)}`);
    }
    const columns = new Map(described.rows.map((r) => [String(r['column_name']).toLowerCase(), String(r['column_type'])]));
    // The row count is in the footer, read above already: the load can show how far it is.
    const counted = await db.query(`SELECT sum(num_rows) AS n FROM parquet_file_metadata($1)`, [literalPath(file)]);
    const size = { total: Number(counted.rows[0]?.['n'] ?? 0), unit: 'rows' as const };
    out.push({ table, origin: file, relation, params: [literalPath(file)], columns, lineKind: 'row', typedColumns: true, size });
  }
  return out;
}
