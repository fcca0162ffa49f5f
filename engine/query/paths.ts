// Field paths -> SQL reading them, with the joins they need: from the fact table (alias f)
// or from a row of some table. Walks the catalog's many-to-one relations; a path that names
// a relation reads its key. Computed columns compile their expression over their table's
// alias. Pure: builds text, binds literals as parameters.
import type { Catalog, Expr, SqlType, TableDef } from '../catalog.ts';
import { fieldTypeOf, tableDef, tableKey } from '../catalog.ts';
import type { FieldType } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { assertNever } from '../errors.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';

const SEP = '__';

export interface ReadPath {
  readonly sql: string;
  readonly sqlType: SqlType;
  readonly type: FieldType;
  readonly nullable: boolean;
}

/** LEFT JOINs collected while reading paths, one per relation path, in join order. */
export class Joins {
  private readonly byPath = new Map<string, string>();
  private readonly clauses: string[] = [];

  constructor(private readonly prefix: string) {}

  /** The alias of `target` joined on `target.key = <on>`, once per `path`. */
  join(path: string, target: TableDef, on: string): string {
    const known = this.byPath.get(path);
    if (known) return known;
    const alias = `${this.prefix}${this.byPath.size}`;
    this.byPath.set(path, alias);
    this.clauses.push(`LEFT JOIN ${ident(target.name)} ${alias} ON ${alias}.${ident(tableKey(target))} = ${on}`);
    return alias;
  }

  get sql(): string {
    return this.clauses.join(' ');
  }
}

export function exprSql(e: Expr, alias: string, params: Params, dialect: Dialect): string {
  switch (e.kind) {
    case 'column':
      return `${alias}.${ident(e.name)}`;
    case 'literal':
      return params.add(e.value, typeof e.value === 'number' ? 'BIGINT' : 'VARCHAR');
    case 'call':
      return dialect.functions[e.fn](e.args.map((a) => exprSql(a, alias, params, dialect)));
    default:
      return assertNever(e);
  }
}

/** Reads `path` from a row of `table` at `alias`; `joinPath` names the joins' relation paths. */
export function readFrom(
  catalog: Catalog,
  table: TableDef,
  alias: string,
  path: string,
  joins: Joins,
  params: Params,
  dialect: Dialect,
  joinPath = '',
  nullable = false,
): ReadPath {
  const [head, ...rest] = path.split(SEP);
  const rel = table.relations.find((r) => r.name === head && (r.kind ?? 'many-to-one') === 'many-to-one');
  if (rel) {
    const fk = table.columns.find((c) => c.name === rel.column);
    if (!fk) throw new Error(`relation ${table.name}.${rel.name} names a missing column`);
    const n = nullable || fk.nullable;
    if (rest.length === 0) return { sql: `${alias}.${ident(fk.name)}`, sqlType: fk.sqlType, type: fieldTypeOf(fk.sqlType), nullable: n };
    const target = tableDef(catalog, rel.target);
    const here = joinPath ? `${joinPath}${SEP}${head}` : head!;
    const next = joins.join(here, target, `${alias}.${ident(fk.name)}`);
    return readFrom(catalog, target, next, rest.join(SEP), joins, params, dialect, here, n);
  }
  if (rest.length > 0) throw new Error(`no relation '${head}' on ${table.name}`);
  const col = table.columns.find((c) => c.name === head);
  if (col) return { sql: `${alias}.${ident(col.name)}`, sqlType: col.sqlType, type: fieldTypeOf(col.sqlType), nullable: nullable || col.nullable };
  const computed = table.computed?.find((c) => c.name === head);
  if (computed) return { sql: exprSql(computed.expr, alias, params, dialect), sqlType: computed.sqlType, type: fieldTypeOf(computed.sqlType), nullable: nullable || computed.nullable };
  throw new Error(`no column '${head}' on ${table.name}`);
}

/** Reads `path` (from the fact root) on the fact table at alias `f`: a fact column where the
 *  path is copied into it, else through the longest copied relation key and joins. */
export function readFact(catalog: Catalog, path: string, joins: Joins, params: Params, dialect: Dialect, f = 'f'): ReadPath {
  const direct = catalog.fact.columns.find((c) => c.path === path);
  if (direct) return { sql: `${f}.${ident(direct.name)}`, sqlType: direct.sqlType, type: fieldTypeOf(direct.sqlType), nullable: direct.nullable };
  const parts = path.split(SEP);
  for (let n = parts.length - 1; n >= 1; n--) {
    const prefix = parts.slice(0, n).join(SEP);
    const key = catalog.fact.columns.find((c) => c.path === prefix);
    if (!key) continue;
    const target = targetOf(catalog, prefix);
    const alias = joins.join(prefix, target, `${f}.${ident(key.name)}`);
    return readFrom(catalog, target, alias, parts.slice(n).join(SEP), joins, params, dialect, prefix, key.nullable);
  }
  return readFrom(catalog, tableDef(catalog, catalog.root), f, path, joins, params, dialect);
}

/** The table a relation path from the root leads to. */
export function targetOf(catalog: Catalog, relationPath: string): TableDef {
  let t = tableDef(catalog, catalog.root);
  for (const seg of relationPath.split(SEP)) {
    const rel = t.relations.find((r) => r.name === seg);
    if (!rel) throw new Error(`no relation '${seg}' on ${t.name}`);
    t = tableDef(catalog, rel.target);
  }
  return t;
}

/** Whether a path from the root names a many-to-one relation (it then reads the key). */
export function isRelationPath(catalog: Catalog, path: string): boolean {
  try {
    targetOf(catalog, path);
    return true;
  } catch {
    return false;
  }
}

/** The fact column a path is copied into, if any. */
export const factColumnOf = (catalog: Catalog, path: string): string | undefined => catalog.fact.columns.find((c) => c.path === path)?.name;
