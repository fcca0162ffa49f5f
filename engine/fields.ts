// Field paths from a root table, derived from the catalog's relations (`__` between
// relations, as in the old service), each with its type and where its value is read. From
// the catalog's fact root a path reads the fact table's copy where the layout made one, and
// goes through the dimension tables from the nearest copied key otherwise; from any other
// root it starts at the table's own columns.
import type { Catalog, ColumnDef, Expr, FieldType, RelationDef, SqlType, TableDef } from './catalog.ts';
import { fieldTypeOf, tableDef, tableKey } from './catalog.ts';
import { exprColumns, renameColumns } from './expr.ts';
import { distance, nearest } from './suggest.ts';

/** What a field reads on the last table of its path: a column, or a computed column's
 *  expression over that table's columns. */
export type FieldValue = { readonly kind: 'column'; readonly column: string } | { readonly kind: 'expr'; readonly expr: Expr };

/** One step from a row to related rows: the rows of `table` whose `to` equals the row's
 *  `from`. Many-to-one: `from` is the row's foreign key, `to` the target's key (one row at
 *  most); one-to-many: `from` is the row's key, `to` the target's column that references it. */
export interface FieldHop {
  readonly kind: 'many-to-one' | 'one-to-many';
  /** At the first hop, a column of the root's rows; after it, of the previous hop's table. */
  readonly from: string;
  readonly table: string;
  readonly to: string;
  /** The match may be unknown (SQL NULL): `from` may be null, or, one-to-many, `to` may. */
  readonly nullable: boolean;
}

export interface FieldStorage {
  /** The steps from the root's row; none: `value` is read on the root's rows themselves
   *  (for the fact root: the fact table's columns). */
  readonly hops: readonly FieldHop[];
  readonly value: FieldValue;
}

export interface FieldDef {
  readonly path: string;
  readonly type: FieldType;
  /** The declared type of the value (a DECIMAL's precision and scale, for one). */
  readonly sqlType: SqlType;
  readonly nullable: boolean;
  /** Offered to the filter language (and listed by meta); every field may be a dimension. */
  readonly filterable: boolean;
  /** The path crosses a one-to-many relation: a row has any number of values, and a filter
   *  leaf holds when one of them satisfies it. Not a single value to group by. */
  readonly many: boolean;
  readonly storage: FieldStorage;
}

/** The fields of one root, by path. */
export interface FieldMap extends ReadonlyMap<string, FieldDef> {
  readonly root: string;
}

const SEP = '__';

/** The most relations a path through a one-to-many relation follows: enough for a
 *  customer's orders' lines' product's category, few enough that a catalog with relations
 *  both ways keeps a short list of paths. Chains of many-to-one relations alone have no such
 *  limit (each relation once bounds them). */
export const MAX_HOPS = 4;

interface Step {
  readonly rel: RelationDef;
  readonly from: TableDef;
  readonly to: TableDef;
}

interface RawPath {
  readonly path: string;
  /** The path of the same value with no detour through a key: `blog__author__id` is the
   *  value of `blog__author`. */
  readonly canonical: string;
  readonly steps: readonly Step[];
  /** The table `value` is read on (the last step's target, or the root). */
  readonly table: TableDef;
  readonly value: FieldValue;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
  readonly filterable: boolean;
}

const toMany = (r: RelationDef): boolean => r.kind === 'one-to-many';
const relPath = (steps: readonly Step[]): string => steps.map((s) => s.rel.name).join(SEP);

function columnOf(t: TableDef, name: string): ColumnDef {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`table ${t.name} has no column '${name}'`);
  return c;
}

/** A many-to-one relation right after the one-to-many relation it reverses leads back to
 *  the row the path came from (a customer's orders' customer): never followed. */
function returnsTo(steps: readonly Step[], r: RelationDef): boolean {
  const last = steps.at(-1);
  return last !== undefined && toMany(last.rel) && !toMany(r) && r.column === last.rel.column && r.target === last.from.name;
}

/** Each relation at most once in a path (a self relation is followed once); with a
 *  one-to-many relation among them, at most MAX_HOPS. */
function mayFollow(steps: readonly Step[], r: RelationDef): boolean {
  if (steps.some((s) => s.rel === r)) return false;
  return (!toMany(r) && !steps.some((s) => toMany(s.rel))) || steps.length < MAX_HOPS;
}

function walk(catalog: Catalog, table: TableDef, prefix: string, steps: readonly Step[], out: RawPath[]): void {
  const fks = new Set(table.relations.filter((r) => !toMany(r)).map((r) => r.column));
  const key = tableKey(table);
  const last = steps.at(-1);
  for (const c of table.columns) {
    // A foreign key is exposed under its relation's name.
    if (fks.has(c.name)) continue;
    const path = prefix + c.name;
    const base = { path, sqlType: c.sqlType, nullable: c.nullable, filterable: c.filterable };
    if (c.name === key && last && !toMany(last.rel)) {
      // The key of a row reached many-to-one is the foreign key that reached it.
      const fk = columnOf(last.from, last.rel.column);
      out.push({ ...base, canonical: relPath(steps), steps: steps.slice(0, -1), table: last.from, value: { kind: 'column', column: fk.name }, nullable: fk.nullable });
    } else {
      out.push({ ...base, canonical: path, steps, table, value: { kind: 'column', column: c.name } });
    }
  }
  for (const k of table.computed ?? []) {
    const path = prefix + k.name;
    out.push({ path, canonical: path, steps, table, value: { kind: 'expr', expr: k.expr }, sqlType: k.sqlType, nullable: k.nullable, filterable: k.filterable ?? true });
  }
  for (const r of table.relations) {
    if (returnsTo(steps, r)) continue;
    const target = tableDef(catalog, r.target);
    const next = [...steps, { rel: r, from: table, to: target }];
    const path = prefix + r.name;
    if (toMany(r)) {
      if (!mayFollow(steps, r)) continue;
      // The relation's own name stands for the related rows' key.
      const k = columnOf(target, tableKey(target));
      out.push({ path, canonical: path, steps: next, table: target, value: { kind: 'column', column: k.name }, sqlType: k.sqlType, nullable: false, filterable: true });
      walk(catalog, target, path + SEP, next, out);
    } else {
      // The relation's own name stands for its key, as in the old service's ORM.
      const fk = columnOf(table, r.column);
      out.push({ path, canonical: path, steps, table, value: { kind: 'column', column: fk.name }, sqlType: fk.sqlType, nullable: fk.nullable, filterable: true });
      if (mayFollow(steps, r)) walk(catalog, target, path + SEP, next, out);
    }
  }
}

/** The column of the root's rows that holds a root path's value, if one does. */
type Stored = (path: string) => { readonly column: string; readonly nullable: boolean } | undefined;

function factStored(catalog: Catalog): Stored {
  const byPath = new Map(catalog.fact.columns.map((c) => [c.path, c]));
  return (path) => {
    const c = byPath.get(path);
    return c && { column: c.name, nullable: c.nullable };
  };
}

function tableStored(table: TableDef): Stored {
  return (path) => {
    const rel = table.relations.find((r) => r.name === path && !toMany(r));
    const c = table.columns.find((x) => x.name === (rel ? rel.column : path));
    return c && { column: c.name, nullable: c.nullable };
  };
}

function hopOf(s: Step): FieldHop {
  return toMany(s.rel)
    ? { kind: 'one-to-many', from: tableKey(s.from), table: s.to.name, to: s.rel.column, nullable: columnOf(s.to, s.rel.column).nullable }
    : { kind: 'many-to-one', from: s.rel.column, table: s.to.name, to: tableKey(s.to), nullable: columnOf(s.from, s.rel.column).nullable };
}

/** Where a path's value is read from the root's rows: their own column where one holds it,
 *  else through relations from the deepest many-to-one prefix a root column holds the key
 *  of (the fact table's copied keys), else from the root's own key or foreign keys. */
function place(raw: RawPath, root: TableDef, stored: Stored): FieldStorage {
  const direct = stored(raw.canonical);
  if (direct) return { hops: [], value: { kind: 'column', column: direct.column } };
  const unreachable = () => new Error(`field '${raw.path}' is reachable neither in the fact table nor through one of its keys`);
  if (raw.steps.length === 0) {
    if (raw.value.kind === 'column') throw unreachable();
    // A computed column of the root: its inputs must be root columns.
    const pathOf = (c: string) => root.relations.find((r) => r.column === c && !toMany(r))?.name ?? c;
    const expr = renameColumns(raw.value.expr, (c) => {
      const s = stored(pathOf(c));
      if (!s) throw unreachable();
      return s.column;
    });
    return { hops: [], value: { kind: 'expr', expr } };
  }
  for (let k = raw.steps.length; k >= 1; k--) {
    const prefix = raw.steps.slice(0, k);
    if (prefix.some((s) => toMany(s.rel))) continue;
    const key = stored(relPath(prefix));
    if (!key) continue;
    const target = prefix[k - 1]!.to;
    const first: FieldHop = { kind: 'many-to-one', from: key.column, table: target.name, to: tableKey(target), nullable: key.nullable };
    return { hops: [first, ...raw.steps.slice(k).map(hopOf)], value: raw.value };
  }
  const key = stored(tableKey(root));
  if (!key) throw unreachable();
  const first = hopOf(raw.steps[0]!);
  return { hops: [{ ...first, from: key.column, nullable: first.nullable || key.nullable }, ...raw.steps.slice(1).map(hopOf)], value: raw.value };
}

/** Every path from `root` (default: the catalog's root, read through its fact table), with
 *  its type and storage; non-filterable ones too (dimensions), marked so. Built once per
 *  catalog and root. */
export function buildFields(catalog: Catalog, root: string = catalog.root): FieldMap {
  const table = tableDef(catalog, root);
  const raw: RawPath[] = [];
  walk(catalog, table, '', [], raw);
  const stored = root === catalog.root ? factStored(catalog) : tableStored(table);
  const fields = new Map<string, FieldDef>();
  for (const r of raw) {
    if (fields.has(r.path)) throw new Error(`table ${r.table.name}: two fields are named '${r.path}'`);
    const stepsNullable = r.steps.some((s) => toMany(s.rel) || columnOf(s.from, s.rel.column).nullable);
    fields.set(r.path, {
      path: r.path,
      type: fieldTypeOf(r.sqlType),
      sqlType: r.sqlType,
      nullable: r.nullable || stepsNullable,
      filterable: r.filterable,
      many: r.steps.some((s) => toMany(s.rel)),
      storage: place(r, table, stored),
    });
  }
  return Object.assign(fields, { root });
}

/** The columns of the root's rows a field reads. */
export function fieldColumns(field: FieldDef): string[] {
  const { hops, value } = field.storage;
  if (hops.length) return [hops[0]!.from];
  return value.kind === 'column' ? [value.column] : exprColumns(value.expr);
}

/** The fields the filter language offers, in path order of the catalog. */
export function filterableFields(fields: ReadonlyMap<string, FieldDef>): FieldDef[] {
  return [...fields.values()].filter((f) => f.filterable);
}

/** The root a field map was built from (maps built elsewhere: the catalog's root). */
export const rootOf = (catalog: Catalog, fields: ReadonlyMap<string, FieldDef>): string => (fields as Partial<FieldMap>).root ?? catalog.root;

/** The filterable path nearest to an unknown one. Within a known relation (`user__password`)
 *  a close spelling wins; with none close, the relation's label column (`user__username`):
 *  someone reaching for a column the API does not expose most likely wants the row's name. */
export function suggestField(catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, path: string): string | undefined {
  const names = filterableFields(fields).map((f) => f.path);
  const cut = path.lastIndexOf(SEP);
  if (cut > 0) {
    const prefix = path.slice(0, cut);
    const last = path.slice(cut + SEP.length).toLowerCase();
    let table = tableDef(catalog, rootOf(catalog, fields));
    for (const seg of prefix.split(SEP)) {
      const rel = table.relations.find((r) => r.name === seg);
      if (!rel) return nearest(path, names);
      table = tableDef(catalog, rel.target);
    }
    const siblings = names.filter((k) => k.startsWith(prefix + SEP) && !k.slice(prefix.length + SEP.length).includes(SEP));
    const best = nearest(last, siblings.map((k) => k.slice(prefix.length + SEP.length)));
    if (best !== undefined && distance(last, best) <= Math.max(2, Math.floor(last.length / 3))) return `${prefix}${SEP}${best}`;
    const label = fields.get(`${prefix}${SEP}${table.label}`);
    if (label?.filterable) return label.path;
  }
  return nearest(path, names);
}
