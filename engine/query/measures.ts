// Measures -> SQL aggregates over fact rows, and the type each answers in. One table per
// measure kind; the compilers never switch on a dataset's measure names.
import type { Catalog, Expr, SqlType } from '../catalog.ts';
import { fieldTypeOf } from '../catalog.ts';
import type { DatasetDef, MeasureDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { assertNever } from '../errors.ts';
import type { Params } from '../params.ts';
import { ident, sqlInteger } from '../sql.ts';
import { compileExpr } from '../expr.ts';

/** How a measure's values come out: JSON numbers (`integer`, `number`), exact decimals
 *  with `scale` digits (strings), or the type of what min/max read. */
export interface MeasureType {
  readonly type: 'integer' | 'number' | 'decimal' | 'text' | 'timestamp' | 'datetime' | 'date' | 'boolean' | 'uuid';
  readonly scale?: number;
}

/** The measures a measure reads (itself, or a ratio's two parts, recursively). */
export function baseMeasures(ds: DatasetDef, names: readonly string[]): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    const m = ds.measures[n];
    if (!m) throw new Error(`dataset ${ds.name} has no measure '${n}'`);
    if (m.kind === 'ratio') {
      visit(m.numerator);
      visit(m.denominator);
    } else out.add(n);
  };
  names.forEach(visit);
  return [...out];
}

const decimalScale = (t: SqlType): number | undefined => {
  const m = /^DECIMAL\(\d+,\s*(\d+)\)$/.exec(t);
  return m ? Number(m[1]) : undefined;
};

/** The stored type an expression over fact columns has (products add scales). */
export function exprType(catalog: Catalog, e: Expr): MeasureType {
  switch (e.kind) {
    case 'column': {
      const c = catalog.fact.columns.find((x) => x.name === e.name);
      if (!c) throw new Error(`measure reads a missing fact column '${e.name}'`);
      const scale = decimalScale(c.sqlType);
      return scale === undefined ? { type: fieldTypeOf(c.sqlType) as MeasureType['type'] } : { type: 'decimal', scale };
    }
    case 'literal':
      return typeof e.value === 'number' && Number.isInteger(e.value) ? { type: 'integer' } : { type: 'number' };
    case 'call': {
      // A length of time in whole seconds, whatever it is measured between.
      if (e.fn === 'seconds_between') return { type: 'integer' };
      const ts = e.args.map((a) => exprType(catalog, a));
      if (ts.some((t) => t.type === 'number')) return { type: 'number' };
      if (ts.some((t) => t.type === 'decimal')) {
        const scales = ts.map((t) => t.scale ?? 0);
        return { type: 'decimal', scale: e.fn === 'multiply' ? scales.reduce((a, b) => a + b, 0) : Math.max(...scales) };
      }
      return ts[0] ?? { type: 'integer' };
    }
    default:
      return assertNever(e);
  }
}

export function measureType(ds: DatasetDef, name: string): MeasureType {
  const m: MeasureDef | undefined = ds.measures[name];
  if (!m) throw new Error(`dataset ${ds.name} has no measure '${name}'`);
  switch (m.kind) {
    case 'count':
    case 'count_distinct':
      return { type: 'integer' };
    case 'sum':
    case 'min':
    case 'max':
      return exprType(ds.catalog, m.expr);
    case 'avg':
      return { type: 'number' };
    case 'ratio':
      return m.decimals === undefined ? { type: 'number' } : { type: 'decimal', scale: m.decimals };
    default:
      return assertNever(m);
  }
}

/** Whether empty buckets hold 0 for this measure (counts and sums) rather than null. */
export function zeroWhenEmpty(ds: DatasetDef, name: string): boolean {
  const k = ds.measures[name]!.kind;
  return k === 'count' || k === 'count_distinct' || k === 'sum';
}

/** Whether sums of this measure's values over parts are its value over the whole. */
export const additive = (ds: DatasetDef, name: string): boolean => {
  const k = ds.measures[name]!.kind;
  return k === 'count' || k === 'sum';
};

/** The fact column a `sum` measure adds up, where it is a plain column: rollups may hold
 *  its sums (RollupDef.sums). */
export function summedColumn(ds: DatasetDef, name: string): string | undefined {
  const m = ds.measures[name];
  return m?.kind === 'sum' && m.expr.kind === 'column' ? m.expr.name : undefined;
}

/** The columns whose rollup sums answer `measures`, or undefined where some measure is
 *  neither a count nor such a sum (then no rollup can answer). */
export function rollupSums(ds: DatasetDef, measures: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const m of measures) {
    if (ds.measures[m]!.kind === 'count') continue;
    const c = summedColumn(ds, m);
    if (c === undefined) return undefined;
    out.push(c);
  }
  return [...new Set(out)];
}

/** The aggregate over fact rows at alias `f` (not for ratios: see ratioSql). */
export function aggregateSql(ds: DatasetDef, name: string, f: string, params: Params, dialect: Dialect): string {
  const m = ds.measures[name]!;
  switch (m.kind) {
    case 'count':
      return dialect.bigCount('count(*)');
    case 'count_distinct':
      return dialect.bigCount(`count(DISTINCT ${f}.${ident(m.column)})`);
    case 'sum':
      // A sum over no rows is 0 here, as a count is: "no revenue" is 0, not unknown.
      return `COALESCE(sum(${compileExpr(m.expr, (c) => `${f}.${ident(c)}`, params, dialect)}), 0)`;
    case 'avg':
      return dialect.avg(compileExpr(m.expr, (c) => `${f}.${ident(c)}`, params, dialect), exprType(ds.catalog, m.expr).scale ?? 0);
    case 'min':
    case 'max':
      return `${m.kind}(${compileExpr(m.expr, (c) => `${f}.${ident(c)}`, params, dialect)})`;
    case 'ratio':
      throw new Error(`ratio measure '${name}' is computed from its parts`);
    default:
      return assertNever(m);
  }
}

/** A ratio from its parts' columns (`col(name)` reads a part). With `decimals`, the value
 *  scaled by 10^decimals as an integer, rounded half away from zero in integer arithmetic
 *  (shape.ts writes it as an exact decimal); else a double. Null where the denominator is
 *  0 or null. */
export function ratioSql(ds: DatasetDef, name: string, col: (measure: string) => string, dialect: Dialect): string {
  const m = ds.measures[name]!;
  if (m.kind !== 'ratio') throw new Error(`'${name}' is not a ratio`);
  const num = col(m.numerator);
  const den = col(m.denominator);
  if (m.decimals === undefined) return `CASE WHEN ${den} = 0 THEN NULL ELSE ${num} / ${den} END`;
  // Parts in integers: a decimal part scaled by its scale, both to the larger one.
  const ns = measureType(ds, m.numerator).scale ?? 0;
  const ds_ = measureType(ds, m.denominator).scale ?? 0;
  const s = Math.max(ns, ds_);
  // Widened before scaling: a part read straight from a rollup row may be a narrow
  // DECIMAL(18,s) (layout-rollups.ts), where x * 10^s overflows from 10^16 / 10^s up.
  const int = (x: string) => dialect.cast(s === 0 ? x : `${dialect.cast(x, `DECIMAL(38,${s})`)} * ${sqlInteger(10 ** s)}`, 'HUGEINT');
  const n = int(num);
  const d = int(den);
  const k = sqlInteger(10 ** m.decimals);
  const q = dialect.intDiv(`(2 * ${k} * abs(${n}) + abs(${d}))`, `(2 * abs(${d}))`);
  return `CASE WHEN ${den} = 0 THEN NULL WHEN (${n} < 0) <> (${d} < 0) THEN -${q} ELSE ${q} END`;
}
