// Basket plans -> SQL: co-occurrence of items in baskets of fact rows ("customers who
// bought X also bought Y"). Pure: no I/O.
//
// The window's counted rows are read as (basket, item) and never made distinct as a whole
// (10M lines are 5-9M pairs: the costly part). X's baskets are found first; the rows of
// those baskets (a semi-join) count `together` per other item; only the items that can
// reach the page (`together` at least the limit-th largest) have their own baskets
// counted, and all baskets are one distinct count. All counts are integers, and each
// ratio is rounded to `decimals` half away from zero in integer arithmetic (HUGEINT).
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { fieldColumns } from '../fields.ts';
import { compileFilter } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident, sqlInteger } from '../sql.ts';
import type { BasketPlan } from './nodes.ts';
import { JoinSet, fieldAt, readPath, readWith } from './paths.ts';
import { windowSql } from './segments.ts';
import { storedPairsCtes } from './basket-pairs.ts';
import type { CompileOptions } from './compile-options.ts';

/** The output columns of a basket plan's rows, beside its labels. */
export const BASKET_COLUMNS = ['item', 'together', 'support', 'confidence', 'lift'] as const;

export function compileBasket(plan: BasketPlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, params: Params, dialect: Dialect, o: CompileOptions = { rollups: false }): string {
  const catalog = ds.catalog;
  const x = params.add(plan.of, fieldAt(fields, plan.item).sqlType);
  const min = params.add(plan.minTogether, 'BIGINT');
  const limit = params.add(plan.limit, 'BIGINT');
  // Over all time of the counted rows: stored pairs, no line read (basket-pairs.ts). Else
  // the window's lines (their parameters bound only then: an unused one is an error).
  const stored = storedPairsCtes(plan, ds, fields, o, x, min, limit);
  const linesSql = () => {
    const joins = new JoinSet();
    const basis = readPath(fields, plan.basis, 'f', joins, params, dialect);
    const item = readPath(fields, plan.item, 'f', joins, params, dialect);
    const conds = [
      windowSql(`f.${ident(catalog.fact.time)}`, plan.window, params),
      ...(plan.filter ? [compileFilter(plan.filter, fields, params, (c) => `f.${ident(c)}`, dialect)] : []),
      // A row with no basket or no item is in no pair.
      ...[basis, item].filter((r) => r.nullable).map((r) => `${r.sql} IS NOT NULL`),
    ];
    return `SELECT ${basis.sql} AS k, ${item.sql} AS i FROM ${ident(catalog.fact.name)} f ${joins.sql} WHERE ${conds.join(' AND ')}`;
  };
  const k = sqlInteger(10 ** plan.decimals);
  const int = (e: string) => dialect.cast(e, 'HUGEINT');
  /** num / den (positive integers) scaled by 10^decimals, rounded half away from zero. */
  const ratio = (num: string, den: string) => dialect.intDiv(`(2 * ${k} * ${int(num)} + ${int(den)})`, `(2 * ${int(den)})`);
  // Labels read the item's relation on the answered rows only: the item's own fact columns
  // are the page's item value.
  const itemColumns = new Set(fieldColumns(fieldAt(fields, plan.item)));
  const labelJoins = new JoinSet();
  const labels = plan.labels.map((l) =>
    readWith(fields, l.path, (c) => {
      if (!itemColumns.has(c)) throw new Error(`basket label ${l.path} reads ${c}, not the item's ${plan.item}`);
      return 'page.i';
    }, labelJoins, params, dialect),
  );
  const order = (a: string) => `${a}together DESC, ${a}lift DESC, ${a}i ASC`;
  const head = stored ?? `lines AS${dialect.cteHint('reused')} (
  ${linesSql()}
), holding AS (
  SELECT DISTINCT k FROM lines WHERE i = ${x}
), co AS (
  SELECT i, count(*) AS together FROM (SELECT DISTINCT k, i FROM lines WHERE k IN (SELECT k FROM holding) AND i <> ${x}) GROUP BY i HAVING count(*) >= ${min}
), cut AS (
  SELECT min(together) AS t FROM (SELECT together FROM co ORDER BY together DESC LIMIT ${limit})
), candidates AS (
  SELECT * FROM co WHERE together >= (SELECT t FROM cut)
), sizes AS (
  SELECT i, count(*) AS with_i FROM (SELECT DISTINCT k, i FROM lines WHERE i IN (SELECT i FROM candidates)) GROUP BY i
), totals AS (
  SELECT (SELECT count(DISTINCT k) FROM lines) AS baskets, (SELECT count(*) FROM holding) AS with_x
)`;
  return `WITH ${head}, out AS (
  SELECT ${dialect.keepName('c.i', 'i')}, ${dialect.keepName('c.together', 'together')}, ${ratio('c.together', 'totals.baskets')} AS support, ${ratio('c.together', 'totals.with_x')} AS confidence,
    ${ratio(`${int('c.together')} * ${int('totals.baskets')}`, `${int('totals.with_x')} * ${int('sizes.with_i')}`)} AS lift
  FROM candidates c JOIN sizes ON sizes.i = c.i CROSS JOIN totals
), page AS (
  SELECT *, true AS present FROM out ORDER BY ${order('')} LIMIT ${limit}
)
SELECT (SELECT count(*) FROM co) AS total, page.present, page.i AS item${labels.map((l, i) => `, ${l.sql} AS ${ident(plan.labels[i]!.name)}`).join('')}, page.together, page.support, page.confidence, page.lift
FROM (SELECT 1) one LEFT JOIN page ON true ${labelJoins.sql}
ORDER BY ${order('page.')}`;
}
