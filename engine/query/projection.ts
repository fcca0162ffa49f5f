// Which copy of the fact table a question reads: the table itself, or a projection
// (catalog.fact.projections) stored by a key the question pins to one value (the key
// itself, or a unique column of the row it points at). A projection
// holds every row and column of the fact table, so reading it is reading the fact table
// under another name: the compilers are handed the dataset with the name swapped, and
// everything else (rollups for the bulk of a window, first-seen columns, sets) is unchanged.
import type { DatasetDef } from '../dataset.ts';
import type { FilterNode } from '../filter/parse.ts';
import { conjuncts } from '../filter/parse.ts';
import type { CompileOptions } from './compile-options.ts';
import { isRelationPath, targetOf } from './paths.ts';


/** The fact column copied from relation path `path` whose target a unique column `rest`
 *  of it identifies (a country by its code, an author by the username): at most one row
 *  has the value, so the rows the leaf keeps share one value of that fact column. */
function pinnedThrough(ds: DatasetDef, field: string): string | undefined {
  const cut = field.lastIndexOf('__');
  if (cut < 0) return undefined;
  const [path, rest] = [field.slice(0, cut), field.slice(cut + 2)];
  const column = ds.catalog.fact.columns.find((f) => f.path === path);
  if (!column || !isRelationPath(ds.catalog, path)) return undefined;
  return targetOf(ds.catalog, path).columns.some((c) => c.name === rest && c.unique) ? column.name : undefined;
}

/** Fact columns the filter fixes to one value: `eq` leaves among its conjuncts, on the
 *  column's own path or on a unique column of the row it points at. */
export function pinnedColumns(ds: DatasetDef, filter: FilterNode | undefined): Set<string> {
  const pinned = new Set<string>();
  for (const c of filter === undefined ? [] : conjuncts(filter)) {
    if (c.kind !== 'leaf' || c.operator !== 'eq' || c.value === null) continue;
    const column = ds.catalog.fact.columns.find((f) => f.path === c.field)?.name ?? pinnedThrough(ds, c.field);
    if (column) pinned.add(column);
  }
  return pinned;
}

/** The dataset as a question with this filter should read it: its fact table renamed to the
 *  first projection the snapshot holds whose leading key the filter pins. */
export function withProjection(ds: DatasetDef, filter: FilterNode | undefined, o: CompileOptions): DatasetDef {
  const held = o.projections;
  if (!held || held.size === 0 || o.rollups === false) return ds;
  const pinned = pinnedColumns(ds, filter);
  const p = (ds.catalog.fact.projections ?? []).find((x) => held.has(x.name) && pinned.has(x.sortKey[0]!));
  return p ? { ...ds, catalog: { ...ds.catalog, fact: { ...ds.catalog.fact, name: p.name } } } : ds;
}
