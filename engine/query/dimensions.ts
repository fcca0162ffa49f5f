// The paths a question may group by: every field path of the fact root, and the computed
// columns reachable through its many-to-one relations (a person's display name).
import type { Catalog } from '../catalog.ts';
import { tableDef } from '../catalog.ts';
import type { FieldDef } from '../fields.ts';

export function dimensionPaths(catalog: Catalog, fields: ReadonlyMap<string, FieldDef>): string[] {
  const out = new Set(fields.keys());
  const walk = (table: string, prefix: string, depth: number) => {
    const t = tableDef(catalog, table);
    for (const c of t.computed ?? []) out.add(prefix + c.name);
    if (depth > 4) return;
    for (const r of t.relations) if ((r.kind ?? 'many-to-one') === 'many-to-one') walk(r.target, `${prefix}${r.name}__`, depth + 1);
  };
  walk(catalog.root, '', 0);
  return [...out];
}
