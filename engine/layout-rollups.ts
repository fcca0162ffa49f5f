// The rollups of the snapshot's layout (layout.ts): each family's grains, finest first and
// each from the finest built before it; distinct counts from the coarsest rollup holding
// their columns; stored pairs; per-key rollups copied into their table's rows. Pure.
import type { Catalog, PairsDef, RollupDef } from './catalog.ts';
import { ROLLUP_FIRST, ROLLUP_LAST, copiedColumn, rollupDistinct, rollupPath, rollupSum, tableDef, tableKey } from './catalog.ts';
import { JoinSet, fieldsFrom, readPath } from './query/paths.ts';
import { ident, sqlDeclaredText, sqlInteger } from './sql.ts';
import { compileExpr } from './expr.ts';
import { Params } from './params.ts';
import { duckdb } from './dialect/duckdb.ts';

const GRAINS: readonly RollupDef['grain'][] = ['day', 'month', 'all'];

/** A summed column's value on a fact row: the fact column, or a computed column of the
 *  root (a line's amount) as its expression over the fact columns holding its inputs. */
export function summedValueSql(catalog: Catalog, c: string): string {
  if (catalog.fact.columns.some((x) => x.name === c)) return ident(c);
  const root = tableDef(catalog, catalog.root);
  const k = root.computed?.find((x) => x.name === c);
  if (!k) throw new Error(`rollup sum: '${c}' is neither a fact column nor a computed column of ${root.name}`);
  const factByPath = new Map(catalog.fact.columns.map((x) => [x.path, x.name]));
  const factColumn = (col: string) => {
    const f = factByPath.get(root.relations.find((r) => r.column === col)?.name ?? col);
    if (!f) throw new Error(`rollup sum: ${root.name}.${col} is not in the fact table`);
    return ident(f);
  };
  // Layout statements bind nothing: an expression with a literal is not summed in a rollup.
  const params = new Params();
  const sql = compileExpr(k.expr, factColumn, params, duckdb);
  if (params.values.length) throw new Error(`rollup sum: computed column '${c}' has a literal`);
  return sql;
}

/** The scale of a summed column's values where they are decimals (a fact column's or a
 *  computed column's declared type), else undefined. */
export function summedScale(catalog: Catalog, c: string): number | undefined {
  const type = catalog.fact.columns.find((x) => x.name === c)?.sqlType ?? tableDef(catalog, catalog.root).computed?.find((x) => x.name === c)?.sqlType;
  const m = /^DECIMAL\(\d+,(\d+)\)$/.exec(type ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Digits of a narrow decimal sum: DuckDB stores DECIMAL(18,s) as a BIGINT, and sums of
 *  decimals as DECIMAL(38,s), an INT128 that read 30-50x slower (438,025 (customer, month)
 *  rows: 0.27 s against 7 ms, load 8). */
export const NARROW_DIGITS = 18;

/** A rollup's row condition as SQL over the fact table (its values are declared text). */
export const rollupWhereSql = (w: NonNullable<RollupDef['where']>, alias = ''): string => `${alias}${ident(w.column)} IN (${w.in.map(sqlDeclaredText).join(', ')})`;

const sameWhere = (a: RollupDef, b: RollupDef): boolean => JSON.stringify(a.where ?? null) === JSON.stringify(b.where ?? null);
const samePaths = (a: RollupDef, b: RollupDef): boolean => JSON.stringify(a.paths ?? []) === JSON.stringify(b.paths ?? []);

/** The fact rows a rollup with RollupDef.paths is built from: each with its paths' values
 *  (read through left joins, as queries read them), the rollup's condition applied. */
function rowsWithPaths(catalog: Catalog, r: RollupDef): string {
  const fields = fieldsFrom(catalog, catalog.root);
  const joins = new JoinSet();
  // Layout statements bind nothing: a path whose reading needs a parameter is refused.
  const params = new Params();
  const values = (r.paths ?? []).map((p) => `${readPath(fields, p, 'f', joins, params, duckdb).sql} AS ${ident(rollupPath(p))}`);
  if (params.values.length) throw new Error(`rollup ${r.name}: a path's value needs a parameter`);
  return `(SELECT f.*, ${values.join(', ')} FROM ${ident(catalog.fact.name)} f ${joins.sql}${r.where ? ` WHERE ${rollupWhereSql(r.where, 'f.')}` : ''})`;
}

/** The statement building rollup `r`, from the finer rollup `from` of its family where one
 *  is built, else from the fact table. */
function rollupSql(catalog: Catalog, r: RollupDef, from: RollupDef | undefined, narrow: ReadonlySet<string> | undefined): string {
  const viewed = ident(catalog.fact.time);
  const all = r.grain === 'all';
  const cols = [...r.columns, ...(r.paths ?? []).map(rollupPath)].map((c) => ident(c));
  const bucket = all ? [] : [from ? `date_trunc('${r.grain}', bucket) AS bucket` : `date_trunc('${r.grain}', ${viewed}) AS bucket`];
  const sort = (r.sortKey ?? [...(all ? [] : ['bucket']), ...r.columns, ...(r.paths ?? []).map(rollupPath)]).map((c) => ident(c));
  const firsts = r.firsts === undefined ? [] : [from ? 'sum(f)::BIGINT AS f' : `count(*) FILTER (WHERE ${ident(r.firsts)} IS NULL) AS f`];
  const last = catalog.firstSeen.find((f) => f.column === r.firsts)?.last;
  const lasts = last === undefined ? [] : [from ? 'sum(l)::BIGINT AS l' : `count(*) FILTER (WHERE ${ident(last)}) AS l`];
  // Sums of the declared columns (exact: integers stay integers, decimals decimals). A sum
  // of INTEGERs is kept as a BIGINT (DuckDB's HUGEINT is twice the bytes and slower to add
  // up again): it would need 2^32 rows of one bucket and key to overflow.
  const sumOf = (c: string) => {
    const sum = `sum(${from ? ident(rollupSum(c)) : summedValueSql(catalog, c)})`;
    if (catalog.fact.columns.find((x) => x.name === c)?.sqlType === 'INTEGER') return `${sum}::BIGINT`;
    // Where the import found every row's sum to fit (LayoutFacts.narrowSums: the sum of the
    // absolute values over all fact rows does), kept narrow; a cast that overflowed would
    // fail the import, never round.
    return narrow?.has(c) ? `${sum}::DECIMAL(${NARROW_DIGITS},${summedScale(catalog, c)!})` : sum;
  };
  const sums = (r.sums ?? []).map((c) => `${sumOf(c)} AS ${ident(rollupSum(c))}`);
  const distinct = (r.distinct ?? []).map((c) => `count(DISTINCT ${ident(c)}) AS ${ident(rollupDistinct(c))}`);
  const times = r.times ? (from ? [`min(${ident(ROLLUP_FIRST)})`, `max(${ident(ROLLUP_LAST)})`] : [`min(${viewed})`, `max(${viewed})`]).map((x, i) => `${x} AS ${ident([ROLLUP_FIRST, ROLLUP_LAST][i]!)}`) : [];
  const select = [...bucket, ...cols, from ? 'sum(n)::BIGINT AS n' : 'count(*) AS n', ...firsts, ...lasts, ...sums, ...distinct, ...times];
  // A finer rollup of the family already holds only the rows the condition keeps.
  const source = from ? ident(from.name) : r.paths?.length ? rowsWithPaths(catalog, r) : `${ident(catalog.fact.name)}${r.where ? ` WHERE ${rollupWhereSql(r.where)}` : ''}`;
  const groupBy = bucket.length + cols.length > 0 ? ` GROUP BY ALL` : '';
  return `CREATE TABLE ${ident(r.name)} AS SELECT ${select.join(', ')} FROM ${source}${groupBy}${sort.length ? ` ORDER BY ${sort.join(', ')}` : ''}`;
}

/** The statements copying a per-key rollup's rows into the rows of its RollupDef.copyTo
 *  table (a key without fact rows gets nulls, as a left join to the rollup reads it): the
 *  table rebuilt with the copied columns, still stored by its key. */
function copySql(catalog: Catalog, r: RollupDef): string[] {
  const t = tableDef(catalog, r.copyTo!);
  if (r.grain !== 'all' || r.columns.length !== 1) throw new Error(`rollup ${r.name}: only an all grain of one column is copied into ${t.name}`);
  const cols = ['n', ...(r.sums ?? []).map(rollupSum), ...(r.distinct ?? []).map(rollupDistinct), ...(r.times ? [ROLLUP_FIRST, ROLLUP_LAST] : [])];
  const key = ident(tableKey(t));
  const tmp = ident(`${t.name}__with_${r.name}`);
  return [
    `CREATE TABLE ${tmp} AS SELECT t.*, ${cols.map((c) => `f.${ident(c)} AS ${ident(copiedColumn(r.name, c))}`).join(', ')} ` +
      `FROM ${ident(t.name)} t LEFT JOIN ${ident(r.name)} f ON f.${ident(r.columns[0]!)} = t.${key} ORDER BY t.${key}`,
    `DROP TABLE ${ident(t.name)}`,
    `ALTER TABLE ${tmp} RENAME TO ${ident(t.name)}`,
  ];
}

/** The statements building stored pairs (PairsDef): every ordered pair of distinct items
 *  of the basket's distinct lines; with `partial`, the distinct lines kept as their own
 *  table by item, and the pairs of the `top` items in most baskets only, with their (x, x)
 *  rows (the join keeps them: the marks of the items stored). */
function pairsSql(catalog: Catalog, d: PairsDef): string[] {
  const [k, i] = [ident(d.basket), ident(d.item)];
  const lines = `SELECT DISTINCT ${k} AS k, ${i} AS i FROM ${ident(catalog.fact.name)} WHERE ${rollupWhereSql(d.where)} AND ${k} IS NOT NULL AND ${i} IS NOT NULL`;
  if (!d.partial) return [`CREATE TABLE ${ident(d.name)} AS WITH l AS (${lines}) SELECT a.i AS x, b.i AS y, count(*) AS together FROM l a JOIN l b ON a.k = b.k AND a.i <> b.i GROUP BY 1, 2 ORDER BY 1, 2`];
  const l = ident(d.partial.lines);
  const top = `SELECT i FROM ${l} GROUP BY i ORDER BY count(*) DESC, i LIMIT ${sqlInteger(d.partial.top)}`;
  return [
    `CREATE TABLE ${l} AS SELECT i, k FROM (${lines}) ORDER BY i, k`,
    `CREATE TABLE ${ident(d.name)} AS WITH h AS (SELECT k, i FROM ${l} WHERE i IN (${top})) SELECT h.i AS x, b.i AS y, count(*) AS together FROM h JOIN ${l} b ON b.k = h.k GROUP BY 1, 2 ORDER BY 1, 2`,
  ];
}

/** The statements building every rollup the layout keeps (`chosen`: the ones the import
 *  chose, LayoutFacts.rollups; undefined: all), then the stored pairs and the copies into
 *  tables' rows. */
export function rollupStatements(
  catalog: Catalog,
  chosen: ReadonlySet<string> | undefined,
  /** Decimal summed columns whose sums are stored as DECIMAL(18,s) (LayoutFacts.narrowSums). */
  narrow?: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const wanted = (r: RollupDef) => chosen === undefined || chosen.has(r.name);
  const built: RollupDef[] = [];
  for (const family of catalog.rollups) {
    // Finest first, each grain from the finest one built before it (fewer rows to read):
    // days from the fact table, months from days, `all` from months.
    const mine: RollupDef[] = [];
    for (const r of [...family].sort((a, b) => GRAINS.indexOf(a.grain) - GRAINS.indexOf(b.grain))) {
      if (!wanted(r) || (r.distinct ?? []).length > 0) continue;
      const finer = mine.at(-1);
      out.push(rollupSql(catalog, r, finer && samePaths(finer, r) ? finer : undefined, narrow));
      mine.push(r);
    }
    built.push(...mine);
  }
  // Distinct counts do not add up across rows: from the coarsest rollup built that holds the
  // grouping and the counted columns (its rows are distinct in those), else the fact table.
  for (const r of catalog.rollups.flat().filter((x) => wanted(x) && (x.distinct ?? []).length > 0)) {
    const holds = (x: RollupDef) => sameWhere(x, r) && samePaths(x, r) && (!r.times || x.times === true) && [...r.columns, ...r.distinct!].every((c) => x.columns.includes(c)) && (r.grain === 'all' || x.grain === r.grain);
    const from = [...built].sort((a, b) => GRAINS.indexOf(b.grain) - GRAINS.indexOf(a.grain)).find(holds);
    out.push(rollupSql(catalog, r, from, narrow));
    built.push(r);
  }
  for (const d of catalog.pairs ?? []) out.push(...pairsSql(catalog, d));
  for (const r of built.filter((x) => x.copyTo !== undefined)) out.push(...copySql(catalog, r));
  return out;
}
