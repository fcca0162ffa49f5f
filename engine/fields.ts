// Field paths of the filter language, derived from the catalog's relations, and where each
// one is stored in the snapshot's physical layout.
import type { Catalog, FieldType, TableDef } from './catalog.ts';
import { fieldTypeOf, tableDef } from './catalog.ts';
import { distance, nearest } from './suggest.ts';

/** Where a field's value lives: a column of the fact table, or a column of a dimension
 *  table reached through a key column of the fact table. */
export type FieldStorage =
  | { readonly kind: 'fact'; readonly column: string }
  | { readonly kind: 'dimension'; readonly key: string; readonly keyNullable: boolean; readonly table: string; readonly column: string };

export interface FieldDef {
  readonly path: string;
  readonly type: FieldType;
  readonly nullable: boolean;
  readonly storage: FieldStorage;
}

const SEP = '__';

interface RawPath {
  path: string;
  type: FieldType;
  nullable: boolean;
  /** The relation path the value is reached through ('' = the root table itself). */
  via: string;
  table: TableDef;
  column: string;
}

function walk(catalog: Catalog, table: TableDef, prefix: string, nullable: boolean, out: RawPath[]): void {
  const via = prefix.endsWith(SEP) ? prefix.slice(0, -SEP.length) : prefix;
  for (const c of table.columns) {
    if (!c.filterable) continue;
    out.push({ path: prefix + c.name, type: fieldTypeOf(c.sqlType), nullable: nullable || c.nullable, via, table, column: c.name });
  }
  for (const r of table.relations) {
    const fk = table.columns.find((c) => c.name === r.column);
    if (!fk) throw new Error(`relation ${table.name}.${r.name} names a missing column`);
    // The relation's own name stands for its key, as in the old service's ORM.
    out.push({ path: prefix + r.name, type: 'integer', nullable: nullable || fk.nullable, via, table, column: fk.name });
    walk(catalog, tableDef(catalog, r.target), prefix + r.name + SEP, nullable || fk.nullable, out);
  }
}

/** Every filterable path, with its type and storage. Built once per catalog. */
export function buildFields(catalog: Catalog): ReadonlyMap<string, FieldDef> {
  const raw: RawPath[] = [];
  walk(catalog, tableDef(catalog, catalog.root), '', false, raw);
  const factByPath = new Map(catalog.fact.columns.map((c) => [c.path, c.name]));
  const fields = new Map<string, FieldDef>();
  for (const r of raw) {
    const factCols = new Map(catalog.fact.columns.map((c) => [c.name, c]));
    const direct = factByPath.get(r.path) ?? (r.column === 'id' && r.via !== '' ? factByPath.get(r.via) : undefined);
    let storage: FieldStorage;
    if (direct !== undefined) {
      storage = { kind: 'fact', column: direct };
    } else {
      const key = factByPath.get(r.via);
      if (key === undefined) throw new Error(`field '${r.path}' is reachable neither in the fact table nor through one of its keys`);
      storage = { kind: 'dimension', key, keyNullable: factCols.get(key)?.nullable ?? true, table: r.table.name, column: r.column };
    }
    fields.set(r.path, { path: r.path, type: r.type, nullable: r.nullable, storage });
  }
  return fields;
}

/** The real path nearest to an unknown one. Within a known relation (`user__password`) a
 *  close spelling wins; with none close, the relation's label column (`user__username`):
 *  someone reaching for a column the API does not expose most likely wants the row's name. */
export function suggestField(catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, path: string): string | undefined {
  const cut = path.lastIndexOf(SEP);
  if (cut > 0) {
    const prefix = path.slice(0, cut);
    const last = path.slice(cut + SEP.length).toLowerCase();
    let table = tableDef(catalog, catalog.root);
    for (const seg of prefix.split(SEP)) {
      const rel = table.relations.find((r) => r.name === seg);
      if (!rel) return nearest(path, fields.keys());
      table = tableDef(catalog, rel.target);
    }
    const siblings = [...fields.keys()].filter((k) => k.startsWith(prefix + SEP) && !k.slice(prefix.length + SEP.length).includes(SEP));
    const best = nearest(last, siblings.map((k) => k.slice(prefix.length + SEP.length)));
    if (best !== undefined && distance(last, best) <= Math.max(2, Math.floor(last.length / 3))) return `${prefix}${SEP}${best}`;
    if (fields.has(`${prefix}${SEP}${table.label}`)) return `${prefix}${SEP}${table.label}`;
  }
  return nearest(path, fields.keys());
}
