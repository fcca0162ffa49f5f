// What a snapshot offers beyond its fact table, read when it is opened. A snapshot built
// before a structure existed is still served, by the plans that do without it.
import type { Catalog } from './catalog.ts';
import type { Database } from './db.ts';
import type { CompileOptions } from './query/compile-plan.ts';
import { ident } from './sql.ts';

export async function snapshotFeatures(db: Database, catalog: Catalog, wanted: boolean): Promise<CompileOptions> {
  if (!wanted) return { rollups: false };
  const tables = new Set((await db.query(`SELECT table_name FROM duckdb_tables()`)).rows.map((r) => r['table_name']));
  const columns = new Set(
    (await db.query(`SELECT column_name FROM duckdb_columns() WHERE table_name = $1`, [catalog.fact.name])).rows.map((r) => r['column_name']),
  );
  const rollups = catalog.rollups.every((f) => f.every((r) => tables.has(r.name)));
  const firstSeen = catalog.firstSeen.every((f) => columns.has(f.column));
  let blogIds: CompileOptions['blogIds'];
  if (catalog.blogSets.length > 0 && catalog.blogSets.every((s) => tables.has(s.day) && tables.has(s.month))) {
    const r = (await db.query(`SELECT min(id) AS lo, max(id) AS hi FROM ${ident('blog')}`)).rows[0];
    // The sets' bit length must be the blog table's id range, or their bits mean other blogs.
    const lengths = await db.query(
      catalog.blogSets.map((s) => `SELECT bit_length(bits) AS n FROM ${ident(s.month)}`).join(' UNION ALL ') + ' LIMIT 1',
    );
    const lo = Number(r?.['lo']);
    const hi = Number(r?.['hi']);
    const stored = lengths.rows[0]?.['n'];
    if (r?.['lo'] != null && (stored === undefined || Number(stored) === hi - lo + 1)) blogIds = { min: lo, max: hi };
  }
  return { rollups, firstSeen, ...(blogIds ? { blogIds } : {}) };
}
