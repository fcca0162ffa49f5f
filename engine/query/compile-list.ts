// List plans -> SQL: rows of a table with columns reached through many-to-one paths,
// filtered, ordered, paged with the count before paging, each row with its child lists (rows
// of one-to-many relations, as lists of objects). One statement whatever the page size: the
// page size and offset are parameters, so the text, and the statement prepared from it, are
// the same for every page. Pure: no I/O.
import type { Catalog } from '../catalog.ts';
import { tableDef, tableKey } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { duckdb } from '../dialect/duckdb.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter } from '../filter/compile.ts';
import { conjuncts } from '../filter/parse.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { ListPlan } from './nodes.ts';
import { ISO, listValue } from './list-instants.ts';
import { PAGE, childSql, orderBy, requiredChildren } from './list-children.ts';
import { JoinSet, fieldsFrom, readWith } from './paths.ts';
import type { ColumnRef } from '../sql.ts';
import type { RowMeasureSql } from './row-measures.ts';
import { ROW_MEASURE_KEY } from './row-measures.ts';
import { earlyFigures, figureColumn } from './list-figures.ts';
import type { Output } from './list-figures.ts';

/** Output columns beside the requested ones. No field path can be named like them (a path
 *  has no empty segment), and compileList refuses them as child list names. */
const TOTAL = '__total';
const KEY = '__key';
/** The query's own names (CTEs, page columns), kept apart from the catalog's the same way. */
const FILTERED = ident('__filtered');
const orderColumn = (i: number): string => ident(`__o${i}`);
const childCte = (i: number): string => ident(`__child${i}`);
const MEASURES = ident('__measures');
const WALK_KEYS = ident('__keys');



/** The output names of a plan's figures and ranks. */
export const figureNames = (plan: ListPlan): string[] => {
  const m = plan.measures;
  return m ? [...m.measures.map((x) => x.name), ...(m.rank?.rank ? [m.rank.rank] : []), ...(m.rank?.denseRank ? [m.rank.denseRank] : [])] : [];
};

function checkNames(plan: ListPlan): void {
  const seen = new Set<string>([TOTAL, KEY]);
  for (const name of [...plan.columns, ...figureNames(plan), ...plan.children.map((c) => c.name)]) {
    if (seen.has(name)) throw new Error(`list ${plan.table}: the output name '${name}' is taken`);
    seen.add(name);
  }
  for (const child of plan.children) {
    if (new Set(child.columns).size !== child.columns.length) throw new Error(`list ${plan.table}: child list '${child.name}' names a column twice`);
  }
  for (const n of [plan.limit, plan.offset]) if (!Number.isSafeInteger(n) || n < 0) throw new Error(`list ${plan.table}: bad limit or offset ${n}`);
}

/**
 * The SQL of a list plan; values go into `params`. `fields` are the filter's fields rooted at
 * `plan.table` (their root columns are read on the table's rows, through the alias `r`).
 *
 * The shape, chosen by timing the alternatives on 2M orders of 6M items (DuckDB 1.5, two
 * threads; a page of 10 newest orders with their items and customers: about 30 ms):
 * - `__filtered`: the table's rows that pass the filter, NOT MATERIALIZED: read once by the
 *   page and once by the count, each a scan of only the columns it needs. Left to DuckDB,
 *   a CTE read twice is materialised: a copy of every filtered row, 2 to 4.5 times slower.
 * - `__page`: the page's rows carrying only the table's own columns that the output reads
 *   (its values, the foreign keys of its many-to-one paths, the key) and the order values;
 *   only order terms on many-to-one paths are joined before paging, display columns are
 *   joined on the page's rows only. Carrying own columns through the top-N beat joining the
 *   table again on the page's keys for first pages (by up to 2x); at an offset of 400,000
 *   neither won consistently. MATERIALIZED: the answer and every child list read the same
 *   rows and the top-N runs once (up to 1.3x faster than letting DuckDB choose).
 * - a CTE per child list: the child rows whose reference is in the page (a semi-join),
 *   aggregated per parent into `list(struct_pack(...) ORDER BY ...)`. Correlated subqueries
 *   gave the same rows 100 times slower (DuckDB decorrelated them against every filtered
 *   row); joining the page and grouping by it timed the same as the semi-join.
 * - The answer: one row per page row with `__total` (the count before paging) and `__key`;
 *   an empty page is one row of nulls carrying `__total` (listRows reads both).
 * - Figures (`measures`, `measures`'s SQL from row-measures.ts): one CTE grouping the fact
 *   rows by the listed key. Where conditions, ranks or the order read them, it is computed
 *   for every filtered row and joined into `__rows` (the rows listed and counted) before
 *   paging; else for the page's keys only (a semi-join, like a child list), after paging.
 *   Still one statement.
 */
export function compileList(
  plan: ListPlan,
  catalog: Catalog,
  fields: ReadonlyMap<string, FieldDef>,
  params: Params,
  dialect: Dialect = duckdb,
  measures?: RowMeasureSql,
  /** The fact projections the snapshot holds (child lists of fact rows may read one). */
  held?: ReadonlySet<string>,
  /** The table is stored in key order (CompileOptions.keyOrdered). */
  keyOrdered = false,
): string {
  checkNames(plan);
  if (plan.measures && !measures) throw new Error(`list ${plan.table}: figures need their SQL (rowMeasureSql)`);
  const root = tableDef(catalog, plan.table);
  const key = ident(tableKey(root));
  const m = plan.measures && measures ? { plan: plan.measures, sql: measures } : undefined;
  const walk = plan.walk;
  if (walk && (plan.order.length > 0 || plan.measures)) throw new Error(`list ${plan.table}: a walk is in key order, without figures`);
  // Figures are computed before paging where the rows listed, their order or their ranks
  // depend on them; else only for the page's rows, after paging.
  const early = m !== undefined && (m.plan.having.length > 0 || m.plan.rank !== undefined || plan.order.some((t) => m.sql.has(t.by)));
  const pick = plan.pick ? dialect.listContains(params.addList(plan.pick, 'BIGINT'), `r.${key}`) : undefined;
  const keyType = root.columns.find((c) => c.name === tableKey(root))?.sqlType ?? 'BIGINT';
  const conds = [
    ...(plan.filter ? [compileFilter(plan.filter, fields, params, (c) => `r.${ident(c)}`, dialect)] : []),
    ...requiredChildren(catalog, root, plan, params, dialect, held),
    ...(walk?.after === undefined ? [] : [`r.${key} > ${params.add(walk.after, keyType)}`]),
    ...(pick && !early ? [pick] : []),
  ];
  const where = conds.length ? `\n  WHERE ${conds.join(' AND ')}` : '';
  const own = fieldsFrom(catalog, root.name);

  // Output columns read the page's rows under the alias r, with the table's own column names.
  const carried = new Set<string>([tableKey(root)]);
  const readPage: ColumnRef = (c) => {
    carried.add(c);
    return `r.${ident(c)}`;
  };
  const style = plan.instants ?? ISO;
  // Zoned instants read the row's zone column: the page carries it, for children too.
  if (style.kind === 'zoned') readPage(style.zone);
  const zone = () => readPage((style as { zone: string }).zone);
  const outJoins = new JoinSet();
  const columns = plan.columns.map((p) => {
    const read = readWith(own, p, readPage, outJoins, params, dialect);
    return { name: p, sql: listValue(read, read.sql, style, dialect, zone) };
  });

  // Figures (and ranks) as columns of __rows (early), or read from the page's own CTE row.
  const names = m ? figureNames(plan) : [];
  const figureOut = (name: string, sql: string) => (m && m.sql.has(name) && m.plan.measures.find((x) => x.name === name && 'time' in x) ? listValue({ sql, type: 'timestamp', nullable: true }, sql, style, dialect, zone) : sql);
  const ctes: string[] = [];
  let source = FILTERED;
  let figures: Output[] = [];
  let rankJoin = '';
  if (m && early) {
    const e = earlyFigures(plan, m, names, key, FILTERED, pick, readPage, figureOut, dialect);
    ctes.push(...e.ctes);
    source = e.source;
    e.carried.forEach((c) => carried.add(c));
    figures = e.figures;
    rankJoin = e.join;
  }

  const pageJoins = new JoinSet();
  const readRow: ColumnRef = (c) => `r.${ident(c)}`;
  const orderValues = plan.order.map((t, i) => {
    const f = early ? names.indexOf(t.by) : -1;
    const v = f >= 0 ? `r.${figureColumn(f)}` : readWith(own, t.by, readRow, pageJoins, params, dialect).sql;
    return `${v} AS ${orderColumn(i)}`;
  });
  const pageOrder = [...plan.order.map((t, i) => orderBy(`r.${orderColumn(i)}`, t.dir)), `r.${key} ASC`];
  const limit = params.add(plan.limit, 'BIGINT');
  const offset = params.add(plan.offset, 'BIGINT');
  const pageColumns = [...[...carried].map((c) => dialect.keepName(`r.${ident(c)}`, ident(c))), ...orderValues];

  let lateJoin = '';
  if (m && !early) {
    ctes.push(`${MEASURES} AS (\n  ${m.sql.select(`SELECT p.${key} FROM ${PAGE} AS p`)}\n)`);
    lateJoin = `\n  LEFT JOIN ${MEASURES} AS m ON m.${ROW_MEASURE_KEY} = r.${key}`;
    figures = m.sql.names.map((n) => ({ name: n, sql: figureOut(n, m.sql.value(n, 'm')) }));
  }

  const children = plan.children.map((c, i) => `${childCte(i)} AS (\n  ${childSql(catalog, root, c, style, params, dialect, held)}\n)`);
  const childColumns: Output[] = plan.children.map((c, i) => ({ name: c.name, sql: `COALESCE(${childCte(i)}."__v", [])` }));
  const childJoins = plan.children.map((_, i) => `\n  LEFT JOIN ${childCte(i)} ON ${childCte(i)}."__k" = r.${key}`).join('');
  const before = early ? ctes.map((c) => `, ${c}`).join('') : '';
  const after = [...(early ? [] : ctes), ...children].map((c) => `, ${c}`).join('');

  // A filter that pins the key lists one row at most: no order to keep. (Ordered, the top-N's
  // filter on the key was pushed into the scan beside the equality, and DuckDB scanned the
  // table instead of reading its index on a UUID key: ~7 ms at 1M members, not ~0.5.)
  const keyPinned = !early && plan.filter !== undefined && conjuncts(plan.filter).some((c) => c.kind === 'leaf' && c.field === tableKey(root) && c.operator === 'eq' && c.value !== null);
  // A walk's first page of a table stored in key order, unfiltered: its rows by position,
  // the offset-th row by key on (~1 ms at 1M members). Any other walk's page: its keys by a
  // top-N over the key alone, then their rows by key (a table stored by key reads a few row
  // groups for them: ~8 + ~6 ms for 51 members by UUID key); carrying every column through
  // the top-N instead read all the rows after the page (1M members: 0.25 s a page, not 0.05).
  const byPosition = walk !== undefined && walk.after === undefined && conds.length === 0 && keyOrdered && dialect.rowPosition !== null;
  const position = `r.${dialect.rowPosition}`;
  const page = byPosition
    ? `${PAGE} AS${dialect.cteHint('materialized')} (
  SELECT ${pageColumns.join(', ')}
  FROM ${ident(root.name)} AS r
  WHERE ${position} >= ${offset} AND ${position} < ${offset} + ${limit}
)`
    : walk
    ? `${WALK_KEYS} AS${dialect.cteHint('materialized')} (
  SELECT ${dialect.keepName(`r.${key}`, key)} FROM ${source} AS r ORDER BY r.${key} ASC LIMIT ${limit} OFFSET ${offset}
), ${PAGE} AS${dialect.cteHint('materialized')} (
  SELECT ${pageColumns.join(', ')}
  FROM ${source} AS r
  WHERE r.${key} IN (SELECT k.${key} FROM ${WALK_KEYS} AS k)
)`
    : `${PAGE} AS${dialect.cteHint('materialized')} (
  SELECT ${pageColumns.join(', ')}
  FROM ${source} AS r${pageJoins.lines}${
    keyPinned
      ? ''
      : `
  ORDER BY ${[...plan.order.map((t, i) => orderBy(orderColumn(i), t.dir)), `r.${key} ASC`].join(', ')}`
  }
  LIMIT ${limit} OFFSET ${offset}
)`;
  const outputs = [...columns, ...figures, ...childColumns];
  // As JSON: the key beside it (a walk goes on after the last one).
  const selected: Output[] =
    plan.json === undefined ? outputs : [{ name: tableKey(root), sql: `r.${key}` }, { name: plan.json, sql: dialect.jsonObject(outputs.map((o) => [o.name, o.sql])) }];
  return `WITH ${FILTERED} AS${dialect.cteHint('inlined')} (
  SELECT * FROM ${ident(root.name)} AS r${where}
)${before}, ${page}${after}
SELECT ${walk ? '-1' : `(SELECT count(*) FROM ${source})`} AS ${ident(TOTAL)}, r.${key} AS ${ident(KEY)}${selected.map((c) => `, ${c.sql} AS ${ident(c.name)}`).join('')}
FROM (SELECT 1) AS one
  LEFT JOIN ${PAGE} AS r ON true${outJoins.lines}${lateJoin}${rankJoin}${childJoins}
ORDER BY ${pageOrder.join(', ')}`;
}

/** A list answer: the page's rows and the number of rows before paging. */
export interface ListAnswer {
  readonly total: number;
  readonly rows: Record<string, unknown>[];
}

/** A value as plain JSON-able data: BIGINTs in lists and structs (which db.ts leaves as
 *  bigint: it converts top-level values only) become numbers where exact, else text, as
 *  top-level ones do; lists and structs become plain arrays and objects. Other values
 *  (text, numbers, booleans, Dates, db.ts's exact decimal text) are kept as they come. */
function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plainValue(x);
    return o;
  }
  return v;
}

/** The rows of a compiled list plan (as db.ts returns them) -> the answer: the page's rows
 *  with the requested columns and child lists, and the total before paging. */
export function listRows(rows: readonly Record<string, unknown>[]): ListAnswer {
  const total = rows.length ? Number(rows[0]![TOTAL]) : 0;
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    // The row of nulls standing for an empty page has no key.
    if (row[KEY] === null || row[KEY] === undefined) continue;
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (k !== TOTAL && k !== KEY) o[k] = plainValue(v);
    out.push(o);
  }
  return { total, rows: out };
}
