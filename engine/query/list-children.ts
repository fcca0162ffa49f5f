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
import type { ReadPath } from './paths.ts';
import { listValue } from './list-instants.ts';
import { rootViewColumns } from '../layout.ts';

/** The page's rows (compile-list.ts's CTE). */
export const PAGE = ident('__page');

const DIR: Readonly<Record<OrderTerm['dir'], string>> = { asc: 'ASC', desc: 'DESC' };
/** Nulls sort after every other value in both directions, as they do in grouped answers;
 *  ties are broken by the table's key ascending, so that pages never overlap. */
export const orderBy = (term: string, dir: OrderTerm['dir']): string => `${term} ${DIR[dir]} NULLS LAST`;

/** The related rows of a one-to-many relation, as a FROM item aliased `c`. Where they are the
 *  fact root's rows and the snapshot holds a projection stored by the relation's column
 *  first (`held`), read it: the rows of a page's keys then lie in a few row groups, which
 *  DuckDB's join filters (the page's key range) let a scan skip to, instead of reading every
 *  row of the fact table per page (1M members' periods: ~0.5 s a page before). */
function related(catalog: Catalog, rel: RelationDef, held: ReadonlySet<string> | undefined): string {
  const name = ident(rel.target);
  if (rel.target !== catalog.root || !held) return `${name} AS c`;
  const fk = catalog.fact.columns.find((f) => f.path === tableDef(catalog, rel.target).relations.find((r) => r.column === rel.column)?.name)?.name;
  const p = (catalog.fact.projections ?? []).find((x) => held.has(x.name) && x.sortKey[0] === fk);
  return p ? `(SELECT ${rootViewColumns(catalog).join(', ')} FROM ${ident(p.name)}) AS c` : `${name} AS c`;
}

/** One child list as a CTE of (parent key, list of structs), for the page's rows only;
 *  `zone` reads the parent's zone column on the page (alias p) for zoned instants. */
export function childSql(catalog: Catalog, root: TableDef, child: ChildList, style: InstantStyle, params: Params, dialect: Dialect, held?: ReadonlySet<string>): string {
  const rel = childRelation(root, child);
  const table = tableDef(catalog, rel.target);
  const joins = new JoinSet();
  const read: ColumnRef = (c) => `c.${ident(c)}`;
  const childFields = fieldsFrom(catalog, table.name);
  const value = (path: string) => readWith(childFields, path, read, joins, params, dialect).sql;
  const zone = () => `p.${ident((style as { zone: string }).zone)}`;
  const keyOrder = `c.${ident(tableKey(table))} ASC`;
  // An engine without ordered aggregates (ClickHouse) numbers the rows and sorts by that:
  // the dialect's childList; DuckDB's text stays the one timed below.
  const numbered =
    dialect.name === 'duckdb'
      ? undefined
      : {
          fields: child.columns.map((p) => [p, listValue(readWith(childFields, p, read, joins, params, dialect), value(p), style, dialect, zone)] as const),
          order: [...child.order.map((t) => orderBy(value(t.by), t.dir)), keyOrder],
        };
  const agg = numbered ? '' : aggregate(child, (p) => readWith(childFields, p, read, joins, params, dialect), `c.${ident(tableKey(table))}`, style, dialect, zone);
  const fk = `c.${ident(rel.column)}`;
  const filter = child.filter ? `\n    AND ${compileFilter(child.filter, childFields, params, read, dialect)}` : '';
  // A semi-join on the page's keys, so that only the page's children are read, joined and
  // aggregated; the children of a row with none are an empty list (COALESCE in the SELECT).
  // Zoned instants need the parent's zone: a join on the page instead (timed the same).
  const from =
    style.kind === 'zoned'
      ? `${related(catalog, rel, held)} JOIN ${PAGE} AS p ON p.${ident(tableKey(root))} = ${fk}${joins.lines}\n  WHERE true`
      : `${related(catalog, rel, held)}${joins.lines}\n  WHERE ${fk} IN (SELECT p.${ident(tableKey(root))} FROM ${PAGE} AS p)`;
  if (numbered) return dialect.childList(fk, numbered.fields, numbered.order, `${from}${filter}`);
  return `SELECT ${fk} AS "__k", ${agg} AS "__v"
  FROM ${from}${filter}
  GROUP BY ${fk}`;
}

/** The child rows' list: structs of the columns in the child order, then by key.
 *  Ascending order on values that are never null is a sort of plain structs (order values,
 *  key, raw columns) after aggregating, formatted after sorting: DuckDB's ordered aggregate
 *  (list(... ORDER BY ...)) sorts group by group, 4 times slower over 5,000 members'
 *  periods. Any other order takes the ordered aggregate. */
function aggregate(child: ChildList, read: (path: string) => ReadPath, key: string, style: InstantStyle, dialect: Dialect, zone: () => string): string {
  if (child.order.every((t) => t.dir === 'asc' && !read(t.by).nullable)) {
    const x = (name: string) => `x.${ident(name)}`;
    const raw: string[] = [
      ...child.order.map((t, i) => `${ident(`__o${i}`)} := ${read(t.by).sql}`),
      `"__key" := ${key}`,
      ...child.columns.map((p, i) => `${ident(`__v${i}`)} := ${read(p).sql}`),
      ...(style.kind === 'zoned' ? [`"__z" := ${zone()}`] : []),
    ];
    const out = child.columns.map((p, i) => `${ident(p)} := ${listValue(read(p), x(`__v${i}`), style, dialect, () => x('__z'))}`);
    return dialect.mapList(dialect.sortList(`list(struct_pack(${raw.join(', ')}))`), 'x', `struct_pack(${out.join(', ')})`);
  }
  const fields = child.columns.map((p) => `${ident(p)} := ${listValue(read(p), read(p).sql, style, dialect, zone)}`);
  const order = [...child.order.map((t) => orderBy(read(t.by).sql, t.dir)), `${key} ASC`];
  return `list(struct_pack(${fields.join(', ')}) ORDER BY ${order.join(', ')})`;
}

function childRelation(root: TableDef, child: ChildList): RelationDef {
  const rel = root.relations.find((r) => r.name === child.relation);
  if (!rel || rel.kind !== 'one-to-many') throw new Error(`table ${root.name} has no one-to-many relation '${child.relation}'`);
  return rel;
}

/** Rows with a related row of each required child list (that passes its filter). */
export function requiredChildren(catalog: Catalog, root: TableDef, plan: ListPlan, params: Params, dialect: Dialect, held?: ReadonlySet<string>): string[] {
  return plan.children
    .filter((c) => c.required)
    .map((child) => {
      const rel = childRelation(root, child);
      const table = tableDef(catalog, rel.target);
      const read: ColumnRef = (c) => `c.${ident(c)}`;
      const filter = child.filter ? ` WHERE ${compileFilter(child.filter, fieldsFrom(catalog, table.name), params, read, dialect)}` : '';
      return `r.${ident(tableKey(root))} IN (SELECT c.${ident(rel.column)} FROM ${related(catalog, rel, held)}${filter})`;
    });
}
