// The facts about the staged data that the layout depends on (layout.ts stays pure).
import type { Database } from '../engine/db.ts';
import type { Catalog } from '../engine/catalog.ts';
import { tableDef, tableKey } from '../engine/catalog.ts';
import { MAX_SET_BITS, distinctSetsFit, stageName } from '../engine/layout.ts';
import type { LayoutFacts } from '../engine/layout.ts';
import { ident } from '../engine/sql.ts';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The key range of each table that day sets (catalog.daySets) span, where it is compact. */
async function daySetRanges(db: Database, catalog: Catalog): Promise<Record<string, { min: number; max: number }>> {
  const out: Record<string, { min: number; max: number }> = {};
  for (const set of catalog.daySets ?? []) {
    const key = ident(tableKey(tableDef(catalog, set.ids)));
    const ids = (await db.query(`SELECT min(${key}) AS lo, max(${key}) AS hi FROM ${ident(stageName(set.ids))}`)).rows[0] ?? {};
    const [lo, hi] = [num(ids['lo']), num(ids['hi'])];
    if (lo !== null && hi !== null && hi - lo + 1 <= MAX_SET_BITS) out[set.ids] = { min: lo, max: hi };
  }
  return out;
}

export async function layoutFacts(db: Database, catalog: Catalog): Promise<LayoutFacts> {
  const daySetIds = await daySetRanges(db, catalog);
  return { ...(await distinctSetFacts(db, catalog)), daySetIds };
}

async function distinctSetFacts(db: Database, catalog: Catalog): Promise<LayoutFacts> {
  if (catalog.distinctSets.length === 0) return {};
  const root = tableDef(catalog, catalog.root);
  // The time column is the root's own (fact columns copied from the root keep its names).
  const timePath = catalog.fact.columns.find((c) => c.name === catalog.fact.time)?.path ?? catalog.fact.time;
  const time = ident(timePath);
  const span = (await db.query(`SELECT date_diff('day', min(${time}), max(${time})) + 1 AS days, count(*) AS n FROM ${ident(stageName(catalog.root))}`)).rows[0] ?? {};
  const days = num(span['days']) ?? 0;
  const rows = num(span['n']) ?? 0;
  const idRanges: Record<string, { min: number; max: number }> = {};
  for (const set of catalog.distinctSets) {
    const idsTable = tableDef(catalog, set.ids);
    const ids = (await db.query(`SELECT min(${ident(tableKey(idsTable))}) AS lo, max(${ident(tableKey(idsTable))}) AS hi FROM ${ident(stageName(set.ids))}`)).rows[0] ?? {};
    const [lo, hi] = [num(ids['lo']), num(ids['hi'])];
    if (lo === null || hi === null) return {};
    // Every set has a row per key value and day at most.
    const fact = catalog.fact.columns.find((c) => c.name === set.key);
    const rel = root.relations.find((r) => r.name === fact?.path);
    if (!rel) return {};
    const keys = num((await db.query(`SELECT count(*) AS n FROM ${ident(stageName(rel.target))}`)).rows[0]?.['n']) ?? 0;
    const range = { min: lo, max: hi };
    // All of a catalog's sets or none: the features check (features.ts) expects them all.
    if (!distinctSetsFit(range, keys, days, rows)) return {};
    idRanges[set.ids] = range;
  }
  return { idRanges };
}
