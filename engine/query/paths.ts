// Field paths read as values, for dimensions and labels: the SQL of fields.ts/field-sql.ts
// over a row alias, with the left joins each needs collected once per query. Also the
// table a relation path leads to, and the fact column a path is copied into.
import type { Catalog, TableDef } from '../catalog.ts';
import { tableDef } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { fieldValueSql } from '../field-sql.ts';
import { buildFields } from '../fields.ts';
import type { FieldDef, FieldMap } from '../fields.ts';
import type { FieldType } from '../catalog.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { ColumnRef } from '../sql.ts';

export interface ReadPath {
  readonly sql: string;
  readonly type: FieldType;
  readonly nullable: boolean;
}

/** The LEFT JOINs a query's paths need, each once (fields through the same steps need the
 *  same join text: field-sql.ts names an alias for its chain of steps). */
export class JoinSet {
  private readonly joins = new Set<string>();

  add(joins: readonly string[]): void {
    for (const j of joins) this.joins.add(j);
  }

  get sql(): string {
    return [...this.joins].join(' ');
  }

  /** The joins each on a line of its own after a FROM item ('' when none). */
  get lines(): string {
    return [...this.joins].map((j) => `\n  ${j}`).join('');
  }
}

/** The field at `path`, which the caller has validated (a programming error otherwise). */
export function fieldAt(fields: ReadonlyMap<string, FieldDef>, path: string): FieldDef {
  const f = fields.get(path);
  if (!f) throw new Error(`no field '${path}'`);
  return f;
}

/** Reads `path` on the rows at `alias` (of the root `fields` were built from). */
export function readPath(fields: ReadonlyMap<string, FieldDef>, path: string, alias: string, joins: JoinSet, params: Params, dialect: Dialect): ReadPath {
  return readWith(fields, path, (c) => `${alias}.${ident(c)}`, joins, params, dialect);
}

/** Reads `path` with `column` reading the root's own columns (a caller may note which). */
export function readWith(fields: ReadonlyMap<string, FieldDef>, path: string, column: ColumnRef, joins: JoinSet, params: Params, dialect: Dialect): ReadPath {
  const field = fieldAt(fields, path);
  const v = fieldValueSql(field, column, params, dialect);
  joins.add(v.joins);
  return { sql: v.sql, type: field.type, nullable: field.nullable };
}

const byRoot = new WeakMap<Catalog, Map<string, FieldMap>>();

/** Field paths from a table of the catalog, built once per catalog and table. */
export function fieldsFrom(catalog: Catalog, table: string): FieldMap {
  let m = byRoot.get(catalog);
  if (!m) byRoot.set(catalog, (m = new Map()));
  let f = m.get(table);
  if (!f) m.set(table, (f = buildFields(catalog, table)));
  return f;
}

/** The table a relation path from the root leads to. */
export function targetOf(catalog: Catalog, relationPath: string): TableDef {
  let t = tableDef(catalog, catalog.root);
  for (const seg of relationPath.split('__')) {
    const rel = t.relations.find((r) => r.name === seg);
    if (!rel) throw new Error(`no relation '${seg}' on ${t.name}`);
    t = tableDef(catalog, rel.target);
  }
  return t;
}

/** Whether a path from the root names a many-to-one relation (its value is the key). */
export function isRelationPath(catalog: Catalog, path: string): boolean {
  let t = tableDef(catalog, catalog.root);
  for (const seg of path.split('__')) {
    const rel = t.relations.find((r) => r.name === seg && (r.kind ?? 'many-to-one') === 'many-to-one');
    if (!rel) return false;
    t = tableDef(catalog, rel.target);
  }
  return true;
}

/** The fact column a path is copied into, if any. */
export const factColumnOf = (catalog: Catalog, path: string): string | undefined => catalog.fact.columns.find((c) => c.path === path)?.name;
