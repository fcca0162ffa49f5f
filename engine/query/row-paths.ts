// Field paths from one table's rows (`customer__country__name`) -> the SQL reading each
// row's value, with the LEFT JOINs its many-to-one steps need. Used by the list compiler for
// output columns and orders, of the listed table and of its child lists. Pure: no I/O.
import type { Catalog, Expr, TableDef } from '../catalog.ts';
import { tableDef, tableKey } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { assertNever } from '../errors.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';

const SEP = '__';

/** Reads a column of the rows a path starts from. */
export type ColumnReader = (column: string) => string;

/** The joins of one FROM clause, each once, in the order they were first needed. Two paths
 *  through the same relations share their joins: an alias is named for its chain of
 *  relations (`"r/customer/country"`), so the same chain is the same text. */
export class Joins {
  private readonly byAlias = new Map<string, string>();

  add(alias: string, sql: string): void {
    if (!this.byAlias.has(alias)) this.byAlias.set(alias, sql);
  }

  /** The joins as text to append after the FROM item ('' when none). */
  sql(): string {
    return [...this.byAlias.values()].map((j) => `\n  ${j}`).join('');
  }
}

const isManyToOne = (r: { readonly kind?: string }): boolean => r.kind === undefined || r.kind === 'many-to-one';

/** A declared expression over one row's columns; literals are bound parameters. */
function exprSql(expr: Expr, read: ColumnReader, params: Params, dialect: Dialect): string {
  switch (expr.kind) {
    case 'column':
      return read(expr.name);
    case 'literal': {
      const v = expr.value;
      if (typeof v === 'string') return params.add(v, 'VARCHAR');
      if (Number.isSafeInteger(v)) return params.add(v, 'BIGINT');
      // A fractional literal as the exact decimal its shortest text reads as, not a double.
      const text = String(v);
      if (!/^-?\d+\.\d+$/.test(text)) throw new Error(`expression literal ${text} is neither an integer nor a plain decimal`);
      return params.add(text, `DECIMAL(38,${text.length - text.indexOf('.') - 1})`);
    }
    case 'call':
      return dialect.functions[expr.fn](expr.args.map((a) => exprSql(a, read, params, dialect)));
    default:
      return assertNever(expr);
  }
}

/**
 * The SQL of `path`'s value for each row of `table`, whose own columns `read` reads. Every
 * segment but the last follows a many-to-one relation (a LEFT JOIN on the target's key, added
 * to `joins` under an alias named from `alias`, so that no row is lost or repeated: a
 * dangling or null key reads NULL). The last names a column, a computed column (compiled
 * through the dialect), or a many-to-one relation (its key: the foreign key). A path ending
 * in the key of a row reached many-to-one reads the foreign key that reached it, as the
 * filter language's fields do. One-to-many relations have no single value per row: refused
 * (child lists carry them).
 */
export function pathSql(
  catalog: Catalog,
  table: TableDef,
  alias: string,
  path: string,
  read: ColumnReader,
  joins: Joins,
  params: Params,
  dialect: Dialect,
): string {
  const segments = path.split(SEP);
  if (segments.some((s) => s === '')) throw new Error(`malformed path '${path}' on table ${table.name}`);
  let at = table;
  let chain = alias;
  let readAt = read;
  // The foreign key (as SQL on the previous table) that reached `at`, if a relation did.
  let reachedBy: string | undefined;
  const pending: { alias: string; sql: string }[] = [];
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    const column = at.columns.find((c) => c.name === seg);
    if (last && column) {
      if (reachedBy !== undefined && seg === tableKey(at)) {
        // The key of a row reached many-to-one is the foreign key that reached it: the last
        // join is not needed.
        pending.pop();
        for (const p of pending) joins.add(p.alias, p.sql);
        return reachedBy;
      }
      for (const p of pending) joins.add(p.alias, p.sql);
      return readAt(column.name);
    }
    const computed = last ? at.computed?.find((c) => c.name === seg) : undefined;
    if (computed) {
      for (const p of pending) joins.add(p.alias, p.sql);
      return exprSql(computed.expr, readAt, params, dialect);
    }
    const rel = at.relations.find((r) => r.name === seg);
    if (!rel) throw new Error(`table ${at.name} has no column or relation '${seg}' (path '${path}')`);
    if (!isManyToOne(rel)) throw new Error(`path '${path}' follows the one-to-many relation ${at.name}.${rel.name}: a row has no single value there`);
    const fk = readAt(rel.column);
    if (last) {
      for (const p of pending) joins.add(p.alias, p.sql);
      return fk;
    }
    const target = tableDef(catalog, rel.target);
    chain = `${chain}/${rel.name}`;
    const joined = ident(chain);
    pending.push({ alias: chain, sql: `LEFT JOIN ${ident(target.name)} AS ${joined} ON ${joined}.${ident(tableKey(target))} = ${fk}` });
    reachedBy = fk;
    at = target;
    readAt = (c) => `${joined}.${ident(c)}`;
  }
  throw new Error(`path '${path}' names no column of table ${at.name}`);
}
