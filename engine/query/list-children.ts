// A list plan's child lists (rows of one-to-many relations of each listed row, as lists of
// structs) and the rows a required child list keeps: parts of compile-list.ts. Pure.
import type { Catalog, RelationDef, TableDef } from '../catalog.ts';
import { tableDef, tableKey } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { compileFilter } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { ColumnRef } from '../sql.ts';
import type { ChildList, InstantStyle, ListPlan, OrderTerm } from './nodes.ts';
import { JoinSet, fieldsFrom, readWith } from './paths.ts';
import { listValue } from './list-instants.ts';

/** The page's rows (compile-list.ts's CTE). */
export const PAGE = ident('__page');

const DIR: Readonly<Record<OrderTerm['dir'], string>> = { asc: 'ASC', desc: 'DESC' };
/** Nulls sort after every other value in both directions, as they do in grouped answers;
 *  ties are broken by the table's key ascending, so that pages never overlap. */
export const orderBy = (term: string, dir: OrderTerm['dir']): string => `${term} ${DIR[dir]} NULLS LAST`;

/** One child list as a CTE of (parent key, list of structs), for the page's rows only;
 *  `zone` reads the parent's zone column on the page (alias p) for zoned instants. */
export function childSql(catalog: Catalog, root: TableDef, child: ChildList, style: InstantStyle, params: Params, dialect: Dialect): string {
  const rel = childRelation(root, child);
  const table = tableDef(catalog, rel.target);
  const joins = new JoinSet();
  const read: ColumnRef = (c) => `c.${ident(c)}`;
  const childFields = fieldsFrom(catalog, table.name);
  const value = (path: string) => readWith(childFields, path, read, joins, params, dialect).sql;
  const zone = () => `p.${ident((style as { zone: string }).zone)}`;
  const shown = (path: string) => listValue(readWith(childFields, path, read, joins, params, dialect), value(path), style, dialect, zone);
  const fields = child.columns.map((p) => `${ident(p)} := ${shown(p)}`);
  const order = [...child.order.map((t) => orderBy(value(t.by), t.dir)), `c.${ident(tableKey(table))} ASC`];
  const fk = `c.${ident(rel.column)}`;
  const filter = child.filter ? `\n    AND ${compileFilter(child.filter, childFields, params, read, dialect)}` : '';
  // A semi-join on the page's keys, so that only the page's children are read, joined and
  // aggregated; the children of a row with none are an empty list (COALESCE in the SELECT).
  // Zoned instants need the parent's zone: a join on the page instead (timed the same).
  const from =
    style.kind === 'zoned'
      ? `FROM ${ident(table.name)} AS c JOIN ${PAGE} AS p ON p.${ident(tableKey(root))} = ${fk}${joins.lines}\n  WHERE true`
      : `FROM ${ident(table.name)} AS c${joins.lines}\n  WHERE ${fk} IN (SELECT p.${ident(tableKey(root))} FROM ${PAGE} AS p)`;
  return `SELECT ${fk} AS "__k", list(struct_pack(${fields.join(', ')}) ORDER BY ${order.join(', ')}) AS "__v"
  ${from}${filter}
  GROUP BY ${fk}`;
}

function childRelation(root: TableDef, child: ChildList): RelationDef {
  const rel = root.relations.find((r) => r.name === child.relation);
  if (!rel || rel.kind !== 'one-to-many') throw new Error(`table ${root.name} has no one-to-many relation '${child.relation}'`);
  return rel;
}

/** Rows with a related row of each required child list (that passes its filter). */
export function requiredChildren(catalog: Catalog, root: TableDef, plan: ListPlan, params: Params, dialect: Dialect): string[] {
  return plan.children
    .filter((c) => c.required)
    .map((child) => {
      const rel = childRelation(root, child);
      const table = tableDef(catalog, rel.target);
      const read: ColumnRef = (c) => `c.${ident(c)}`;
      const filter = child.filter ? ` WHERE ${compileFilter(child.filter, fieldsFrom(catalog, table.name), params, read, dialect)}` : '';
      return `r.${ident(tableKey(root))} IN (SELECT c.${ident(rel.column)} FROM ${ident(table.name)} AS c${filter})`;
    });
}
