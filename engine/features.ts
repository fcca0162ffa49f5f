// What a snapshot offers beyond its fact table, read when it is opened. A snapshot built
// before a structure existed (or whose import judged it not worth building) is still
// served, by the plans that do without it.
import type { Catalog, RollupDef } from './catalog.ts';
import { ROLLUP_FIRST, ROLLUP_LAST, copiedColumn, rollupDistinct, rollupPath, rollupSum, tableDef, tableKey } from './catalog.ts';
import type { Database } from './db.ts';
import { MAX_SET_BITS } from './layout.ts';
import type { CompileOptions } from './query/compile-plan.ts';
import { ident } from './sql.ts';
import { formatUtc } from './values.ts';
import { FIRST_COLUMN, NUMBER_COLUMN, PREVIOUS_END_COLUMN } from './query/activity-sources.ts';

const MERGED_COLUMNS = [FIRST_COLUMN, NUMBER_COLUMN, PREVIOUS_END_COLUMN];

/** Microseconds since the epoch (DuckDB's epoch_us) as the UTC text windows are written in. */
const utcText = (us: unknown): string => {
  const n = BigInt(String(us));
  const ms = n / 1000n - (n % 1000n < 0n ? 1n : 0n);
  return formatUtc(Number(ms), Number(n - ms * 1000n));
};

/** `keyOrdered`: the tables the snapshot's meta says are stored in key order (SnapshotMeta). */
export async function snapshotFeatures(db: Database, catalog: Catalog, wanted: boolean, keyOrdered: readonly string[] = []): Promise<CompileOptions> {
  if (!wanted) return { rollups: false };
  const tables = new Set((await db.query(`SELECT table_name FROM duckdb_tables()`)).rows.map((r) => String(r['table_name'])));
  const columns = new Set((await db.query(`SELECT table_name || '.' || column_name AS c FROM duckdb_columns()`)).rows.map((r) => String(r['c'])));
  const declared = catalog.rollups.flat();
  // A rollup counts as built where its table holds every column it is declared with now: a
  // snapshot imported before a column (or the first and last times) was declared keeps the
  // table, and reading the missing column would fail the question.
  const has = (r: RollupDef, c: string) => columns.has(`${r.name}.${c}`);
  const built = (r: RollupDef) =>
    tables.has(r.name) &&
    r.columns.every((c) => has(r, c)) &&
    (r.paths ?? []).every((p) => has(r, rollupPath(p))) &&
    (r.distinct ?? []).every((c) => has(r, rollupDistinct(c))) &&
    (!r.times || (has(r, ROLLUP_FIRST) && has(r, ROLLUP_LAST)));
  const rollupTables = new Set(declared.filter(built).map((r) => r.name));
  // Each first-seen column on its own: a snapshot made before one was declared still has
  // the others (and the `f` counts of the rollups built with them).
  const firstSeen = new Set(
    catalog.firstSeen
      .filter((f) => columns.has(`${catalog.fact.name}.${f.column}`))
      .filter((f) => declared.every((r) => r.firsts !== f.column || !rollupTables.has(r.name) || columns.has(`${r.name}.f`)))
      .map((f) => f.column),
  );
  // The first-seen columns whose last-row column the fact table holds too, with the `l`
  // counts of every built rollup declaring them (snapshots from before lack both).
  const lastSeen = new Set(
    catalog.firstSeen
      .filter((f) => firstSeen.has(f.column) && f.last !== undefined && columns.has(`${catalog.fact.name}.${f.last}`))
      .filter((f) => declared.every((r) => r.firsts !== f.column || !rollupTables.has(r.name) || columns.has(`${r.name}.l`)))
      .map((f) => f.column),
  );
  // Copies of per-key rollups into their table's rows: where that table has them all.
  const copied = (r: RollupDef) =>
    ['n', ...(r.sums ?? []).map(rollupSum), ...(r.distinct ?? []).map(rollupDistinct), ...(r.times ? [ROLLUP_FIRST, ROLLUP_LAST] : [])].every((c) => columns.has(`${r.copyTo}.${copiedColumn(r.name, c)}`));
  const rollupCopies = new Set(declared.filter((r) => r.copyTo !== undefined && rollupTables.has(r.name) && copied(r)).map((r) => r.name));
  const rollupSums = declared.every((r) => !rollupTables.has(r.name) || (r.sums ?? []).every((c) => columns.has(`${r.name}.${rollupSum(c)}`)));
  const idRanges: Record<string, { min: number; max: number }> = {};
  const setTables = new Set<string>();
  for (const s of catalog.distinctSets) {
    if (!tables.has(s.ids)) continue;
    const key = ident(tableKey(tableDef(catalog, s.ids)));
    const r = (await db.query(`SELECT min(${key}) AS lo, max(${key}) AS hi FROM ${ident(s.ids)}`)).rows[0];
    if (r?.['lo'] == null) continue;
    const lo = Number(r['lo']);
    const hi = Number(r['hi']);
    // Sets built on the fly need only a compact id range; stored ones must also span the
    // id table's key range, or their bits mean other rows.
    if (hi - lo + 1 > MAX_SET_BITS) continue;
    idRanges[s.ids] = { min: lo, max: hi };
    if (!tables.has(s.day) || !tables.has(s.month)) continue;
    const stored = (await db.query(`SELECT bit_length(bits) AS n FROM ${ident(s.month)} LIMIT 1`)).rows[0]?.['n'];
    if (stored === undefined || Number(stored) === hi - lo + 1) for (const t of [s.day, s.month]) setTables.add(t);
  }
  // Day sets whose bits span their id table's key range (else their bits mean other rows).
  const daySets: Record<string, { min: number; max: number }> = {};
  for (const d of catalog.daySets ?? []) {
    if (!tables.has(d.name) || !tables.has(d.ids)) continue;
    const key = ident(tableKey(tableDef(catalog, d.ids)));
    const r = (await db.query(`SELECT min(${key}) AS lo, max(${key}) AS hi, (SELECT bit_length(bits) FROM ${ident(d.name)} LIMIT 1) AS n FROM ${ident(d.ids)}`)).rows[0];
    if (r?.['lo'] == null) continue;
    const [lo, hi] = [Number(r['lo']), Number(r['hi'])];
    if (r['n'] == null || Number(r['n']) === hi - lo + 1) daySets[d.name] = { min: lo, max: hi };
  }
  const projections = new Set((catalog.fact.projections ?? []).map((p) => p.name).filter((n) => tables.has(n)));
  // Merged runs from before a column was added are not read (the plans merge in the query).
  const intervalTables = new Set(
    (catalog.intervals ?? []).flatMap((d) => [
      ...(MERGED_COLUMNS.every((c) => columns.has(`${d.merged}.${c}`)) ? [d.merged] : []),
      ...(tables.has(d.zones) ? [d.zones] : []),
      ...(d.days !== undefined && tables.has(d.days) ? [d.days] : []),
      ...(d.levels !== undefined && tables.has(d.levels) ? [d.levels] : []),
      ...(d.levelHours !== undefined && tables.has(d.levelHours) ? [d.levelHours] : []),
      ...(d.wallLevels !== undefined && tables.has(d.wallLevels) ? [d.wallLevels] : []),
      ...(d.wallLevelHours !== undefined && tables.has(d.wallLevelHours) ? [d.wallLevelHours] : []),
      ...(d.hourTotals !== undefined && tables.has(d.hourTotals) ? [d.hourTotals] : []),
      ...(d.dayHours !== undefined && tables.has(d.dayHours) ? [d.dayHours] : []),
      ...(d.hours !== undefined && tables.has(d.hours) ? [d.hours] : []),
      ...(d.gaps !== undefined && tables.has(d.gaps) ? [d.gaps] : []),
    ]),
  );
  const time = ident(catalog.fact.time);
  const span = !tables.has(catalog.fact.name) ? undefined : (await db.query(`SELECT epoch_us(min(${time})) AS lo, epoch_us(max(${time})) AS hi FROM ${ident(catalog.fact.name)}`)).rows[0];
  return {
    rollups: true,
    rollupTables,
    rollupCopies,
    daySets,
    // Pairs stored for some items only count the others from their lines table: both or none.
    pairTables: new Set((catalog.pairs ?? []).filter((d) => columns.has(`${d.name}.together`) && (!d.partial || (columns.has(`${d.partial.lines}.i`) && columns.has(`${d.partial.lines}.k`)))).map((d) => d.name)),
    setTables,
    firstSeen,
    lastSeen,
    rollupSums,
    projections,
    intervalTables,
    keyOrdered: new Set(keyOrdered.filter((t) => tables.has(t))),
    ...(Object.keys(idRanges).length > 0 ? { idRanges } : {}),
    ...(span?.['lo'] != null ? { span: { min: utcText(span['lo']), max: utcText(span['hi']) } } : {}),
  };
}
