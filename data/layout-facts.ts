// The facts about the staged data that the layout depends on (layout.ts stays pure).
import type { Database } from '../engine/db.ts';
import type { Catalog } from '../engine/catalog.ts';
import { tableDef } from '../engine/catalog.ts';
import { blogSetsFit, stageName } from '../engine/layout.ts';
import type { LayoutFacts } from '../engine/layout.ts';
import { ident } from '../engine/sql.ts';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function layoutFacts(db: Database, catalog: Catalog): Promise<LayoutFacts> {
  if (catalog.blogSets.length === 0) return {};
  const root = tableDef(catalog, catalog.root);
  const blogRel = root.relations.find((r) => r.column === 'blog_id');
  if (!blogRel) return {};
  const ids = (await db.query(`SELECT min(id) AS lo, max(id) AS hi FROM ${ident(stageName(blogRel.target))}`)).rows[0] ?? {};
  const span = (await db.query(`SELECT date_diff('day', min(viewed_at), max(viewed_at)) + 1 AS days FROM ${ident(stageName(catalog.root))}`)).rows[0] ?? {};
  const [lo, hi, days] = [num(ids['lo']), num(ids['hi']), num(span['days']) ?? 0];
  if (lo === null || hi === null) return {};
  // The widest key decides: every set has a row per key value and day at most.
  let keys = 0;
  for (const set of catalog.blogSets) {
    const fact = catalog.fact.columns.find((c) => c.name === set.key);
    const rel = root.relations.find((r) => r.name === fact?.path);
    if (!rel) return {};
    const n = num((await db.query(`SELECT count(*) AS n FROM ${ident(stageName(rel.target))}`)).rows[0]?.['n']) ?? 0;
    keys = Math.max(keys, n);
  }
  const range = { min: lo, max: hi };
  return blogSetsFit(range, keys, days) ? { blogIds: range } : {};
}
