// What a snapshot offers beyond its fact table, read when it is opened. A snapshot built
// before a structure existed is still served, by the plans that do without it.
import type { Catalog } from './catalog.ts';
import { rollupSum, tableDef, tableKey } from './catalog.ts';
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
  const rollupColumns = new Set(
    (await db.query(`SELECT table_name || '.' || column_name AS c FROM duckdb_columns()`)).rows.map((r) => r['c']),
  );
  const rollupSums = catalog.rollups.every((f) => f.every((r) => (r.sums ?? []).every((c) => rollupColumns.has(`${r.name}.${rollupSum(c)}`))));
  const idRanges: Record<string, { min: number; max: number }> = {};
  for (const s of catalog.distinctSets) {
    if (!tables.has(s.day) || !tables.has(s.month)) continue;
    const key = ident(tableKey(tableDef(catalog, s.ids)));
    const r = (await db.query(`SELECT min(${key}) AS lo, max(${key}) AS hi FROM ${ident(s.ids)}`)).rows[0];
    // The sets' bit length must be the id table's key range, or their bits mean other rows.
    const stored = (await db.query(`SELECT bit_length(bits) AS n FROM ${ident(s.month)} LIMIT 1`)).rows[0]?.['n'];
    const lo = Number(r?.['lo']);
    const hi = Number(r?.['hi']);
    if (r?.['lo'] != null && (stored === undefined || Number(stored) === hi - lo + 1)) idRanges[s.ids] = { min: lo, max: hi };
  }
  return { rollups, firstSeen, rollupSums, ...(Object.keys(idRanges).length > 0 ? { idRanges } : {}) };
}
