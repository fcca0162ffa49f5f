// A catalog's source rows as plain objects, read by plain SQL from its Parquet files
// (`<table>.parquet`, as the generators and fixtures write them), never from a snapshot:
// for catalog-semantics.ts. Every declared column, in the form the evaluator compares:
// decimals as exact text, timestamps as UTC `YYYY-MM-DD HH:MM:SS.ffffff`, dates as text.
import { join } from 'node:path';
import type { Catalog } from '../engine/catalog.ts';
import { Database } from '../engine/db.ts';
import type { Row, Tables } from './catalog-semantics.ts';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function selectOf(sqlType: string, name: string): string {
  const c = quote(name);
  if (sqlType.startsWith('DECIMAL')) return `${c}::VARCHAR AS ${c}`;
  if (sqlType === 'TIMESTAMP') return `strftime(${c}, '%Y-%m-%d %H:%M:%S.%f') AS ${c}`;
  if (sqlType === 'DATE' || sqlType === 'UUID') return `${c}::VARCHAR AS ${c}`;
  return c;
}

export async function catalogSource(catalog: Catalog, dir: string): Promise<Tables> {
  const db = await Database.open(':memory:');
  try {
    const out: Record<string, Row[]> = {};
    for (const t of catalog.tables) {
      const cols = t.columns.map((c) => selectOf(c.sqlType, c.name)).join(', ');
      out[t.name] = (await db.query(`SELECT ${cols} FROM read_parquet($1)`, [join(dir, `${t.name}.parquet`)])).rows as Row[];
    }
    return out;
  } finally {
    db.close();
  }
}
