// Which of the layout's tables are stored in key order (the n-th row by key at row position
// n): the layout creates every table but the root ordered by its key (engine/layout.ts), and
// the snapshot's meta says which (SnapshotMeta.keyOrdered), for the walks that read a page
// by position. Checked here rather than assumed: a table rebuilt without its order, or
// copied with DuckDB's preserve_insertion_order off, would otherwise give wrong pages.
import type { Catalog } from '../engine/catalog.ts';
import { tableKey } from '../engine/catalog.ts';
import type { Database } from '../engine/db.ts';
import { ident } from '../engine/sql.ts';

export async function keyOrderedTables(db: Database, catalog: Catalog): Promise<string[]> {
  const out: string[] = [];
  for (const t of catalog.tables) {
    if (t.name === catalog.root) continue;
    // A column named rowid would hide DuckDB's row position behind it.
    if (t.columns.some((c) => c.name.toLowerCase() === 'rowid')) continue;
    const key = ident(tableKey(t));
    const { rows } = await db.query(`SELECT count(*) AS n FROM (SELECT ${key} AS k, lag(${key}) OVER (ORDER BY rowid) AS p FROM ${ident(t.name)}) WHERE p >= k`);
    if (Number(rows[0]?.['n']) === 0) out.push(t.name);
  }
  return out;
}
