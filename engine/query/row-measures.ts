// A list plan's figures per row (RowMeasures) -> SQL: one CTE grouping the fact rows of a
// window by the listed table's key (reached from the fact root through `via`), and how the
// list reads each figure, compares it (HAVING) and ranks by it. Pure: no I/O.
import type { DatasetDef } from '../dataset.ts';
import { readDecimal } from '../decimal.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import { compileFilter } from '../filter/compile.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { ColumnRef } from '../sql.ts';
import { aggregateSql, baseMeasures, measureType, ratioSql, zeroWhenEmpty } from './measures.ts';
import type { MeasureType } from './measures.ts';
import type { MeasureCondition, RowMeasure, RowMeasures } from './nodes.ts';
import { JoinSet, isRelationPath, readPath, targetOf } from './paths.ts';
import { windowSql } from './segments.ts';
import type { CompileOptions } from './compile-options.ts';
import { perKeyRollup } from './exact-rollup.ts';
import { holdsAll } from './rollups.ts';
import { ROLLUP_FIRST, ROLLUP_LAST } from '../catalog.ts';

/** The CTE's own column names (no field path or measure output is named like them). */
const KEY = '__k';
const base = (i: number) => ident(`__b${i}`);
const TIME = { first: ident('__first'), last: ident('__last') } as const;

/** How a figure comes out: a measure's type, or an instant. */
export function rowMeasureType(ds: DatasetDef, m: RowMeasure): MeasureType {
  return 'measure' in m ? measureType(ds, m.measure) : { type: 'timestamp' };
}

/** The scale a decimal ratio's figure is carried in as an integer (results.ts writes it). */
export function ratioDecimals(ds: DatasetDef, m: RowMeasure): number | undefined {
  if (!('measure' in m)) return undefined;
  const def = ds.measures[m.measure];
  return def?.kind === 'ratio' ? def.decimals : undefined;
}

/** `value` in integer units of 10^-scale, rounded toward the side that keeps `op` exact:
 *  `x > 10.005` over values with two decimals is `x > 10.00`, `x >= 10.005` is `x >= 10.01`. */
function unitsFor(value: string | number, scale: number, op: MeasureCondition['op']): bigint {
  const r = readDecimal(value);
  if (!r.ok) throw new Error(`measure condition: ${r.reason}`);
  const [int, frac = ''] = r.value.text.replace('-', '').split('.');
  const neg = r.value.text.startsWith('-');
  const kept = BigInt(int! + frac.slice(0, scale).padEnd(scale, '0'));
  const cut = /[1-9]/.test(frac.slice(scale));
  const signed = neg ? -kept : kept;
  if (!cut) return signed;
  // Truncation moved the value toward zero; floor for gt / lte, ceiling for gte / lt.
  const floor = neg ? signed - 1n : signed;
  return op === 'gt' || op === 'lte' ? floor : floor + 1n;
}

const units = (u: bigint, scale: number): string => {
  const neg = u < 0n;
  const d = (neg ? -u : u).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${scale ? `${d.slice(0, -scale)}.${d.slice(-scale)}` : d}`;
};

const OPS: Readonly<Record<MeasureCondition['op'], string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

export interface RowMeasureSql {
  /** The CTE's query: (__k, figures' parts) per key, over the fact rows whose key is in
   *  `keys` (a one-column subquery), or every key. `everyKey`: the keys are all the rows
   *  the caller joins the figures to (it may read more). */
  select(keys: string | undefined, everyKey?: boolean): string;
  /** A figure's value read from the CTE's row at `alias` (no row: zero, or null). */
  value(name: string, alias: string): string;
  /** Where the listed table's rows hold the figures themselves (a copied rollup): a
   *  figure's value read on the listed row (`column` reads its columns), with no CTE or join. */
  readonly rowValue?: ((name: string, column: ColumnRef) => string) | undefined;
  /** Whether a name is a figure's. */
  has(name: string): boolean;
  /** The conditions, ANDed, over the figures as `read` reads them ('' when none). */
  having(read: (name: string) => string): string;
  readonly names: readonly string[];
}

export function rowMeasureSql(m: RowMeasures, table: string, ds: DatasetDef, factFields: ReadonlyMap<string, FieldDef>, params: Params, dialect: Dialect, o: CompileOptions = { rollups: false }): RowMeasureSql {
  const catalog = ds.catalog;
  if (!isRelationPath(catalog, m.via) || targetOf(catalog, m.via).name !== table) throw new Error(`row measures: '${m.via}' does not lead from the fact rows to ${table}`);
  const byName = new Map(m.measures.map((x) => [x.name, x]));
  if (byName.size !== m.measures.length) throw new Error('row measures: a name is used twice');
  const parts = baseMeasures(ds, m.measures.flatMap((x) => ('measure' in x ? [x.measure] : [])));
  const times = [...new Set(m.measures.flatMap((x) => ('time' in x ? [x.time] : [])))];

  const figure = (name: string): RowMeasure => {
    const x = byName.get(name);
    if (!x) throw new Error(`row measures: no figure '${name}'`);
    return x;
  };
  const part = (measure: string, alias: string) => {
    const col = `${alias}.${base(parts.indexOf(measure))}`;
    return zeroWhenEmpty(ds, measure) ? `COALESCE(${col}, 0)` : col;
  };
  const value = (name: string, alias: string): string => {
    const x = figure(name);
    if ('time' in x) return `${alias}.${TIME[x.time]}`;
    return ds.measures[x.measure]!.kind === 'ratio' ? ratioSql(ds, x.measure, (p) => part(p, alias), dialect) : part(x.measure, alias);
  };

  const condition = (c: MeasureCondition, read: (name: string) => string): string => {
    const x = figure(c.name);
    const t = rowMeasureType(ds, x);
    if (t.type !== 'integer' && t.type !== 'decimal') throw new Error(`row measures: '${c.name}' is not a number to compare`);
    // A decimal ratio is carried as an integer count of 10^-decimals.
    const carried = ratioDecimals(ds, x) !== undefined ? 0 : (t.scale ?? 0);
    const scale = t.scale ?? 0;
    const u = unitsFor(c.value, scale, c.op);
    const bound = carried === 0 ? params.add(u.toString(), 'DECIMAL(38,0)') : params.add(units(u, scale), `DECIMAL(38,${scale})`);
    return `${read(c.name)} ${OPS[c.op]} ${bound}`;
  };

  // All time, counted rows, a key the fact table holds: one rollup row per key.
  const keyField = factFields.get(m.via)?.storage;
  const keyColumn = keyField && keyField.hops.length === 0 && keyField.value.kind === 'column' ? keyField.value.column : undefined;
  // A key whose rows share one time (an order's lines take the order's): its rows are
  // all in the window or none, as its first instant is.
  const ownTime = catalog.fact.columns.find((c) => c.name === catalog.fact.time)?.path.startsWith(`${m.via}__`) === true;
  const all = holdsAll(m.window, o.span);
  const rollup = keyColumn !== undefined && ((m.counted && all) || ownTime) ? perKeyRollup(ds, keyColumn, parts, times.length > 0 || !all, factFields, o, dialect, m.counted) : undefined;
  // The rollup copied into the listed rows (RollupDef.copyTo): figures read on the row, no
  // join; outside the window (its first instant) a key has no figures, as the CTE reads it.
  const copy = rollup?.copy?.table === table ? rollup.copy : undefined;
  const rowValue = copy
    ? (name: string, on: ColumnRef): string => {
        const inWindow = (v: string) => (all ? v : `CASE WHEN ${windowSql(on(copy.time('first')), m.window, params)} THEN ${v} END`);
        const x = figure(name);
        if ('time' in x) return inWindow(on(copy.time(x.time)));
        const read = (p: string) => {
          const v = inWindow(on(copy.column(p)));
          return zeroWhenEmpty(ds, p) ? `COALESCE(${v}, 0)` : v;
        };
        return ds.measures[x.measure]!.kind === 'ratio' ? ratioSql(ds, x.measure, read, dialect) : read(x.measure);
      }
    : undefined;

  return {
    names: m.measures.map((x) => x.name),
    has: (name) => byName.has(name),
    value,
    having: (read) => m.having.map((c) => condition(c, read)).join(' AND '),
    rowValue,
    select(keys, everyKey = false) {
      if (rollup && keyColumn !== undefined) {
        const k = `f.${ident(keyColumn)}`;
        // Its rows are one per key: read as they are, no grouping (2.5M orders: a hash
        // aggregate of them was most of a second). Every key's row where the caller joins
        // them all anyway (a semi-join of as many keys cost as much again).
        const cols = [
          `${k} AS ${ident(KEY)}`,
          ...parts.map((p, i) => `${rollup.column(p)} AS ${base(i)}`),
          ...times.map((t) => `f.${ident(t === 'first' ? ROLLUP_FIRST : ROLLUP_LAST)} AS ${TIME[t]}`),
        ];
        const conds = [...(keys === undefined || everyKey ? [] : [`${k} IN (${keys})`]), ...(all ? [] : [windowSql(`f.${ident(ROLLUP_FIRST)}`, m.window, params)])];
        return `SELECT ${cols.join(', ')}
  FROM ${ident(rollup.table)} AS f${conds.length ? `\n  WHERE ${conds.join(' AND ')}` : ''}`;
      }
      const joins = new JoinSet();
      const key = readPath(factFields, m.via, 'f', joins, params, dialect).sql;
      const time = `f.${ident(catalog.fact.time)}`;
      const conds = [windowSql(time, m.window, params)];
      if (m.counted && ds.counts) conds.push(compileFilter(ds.counts, factFields, params, (c) => `f.${ident(c)}`, dialect));
      if (keys !== undefined) conds.push(`${key} IN (${keys})`);
      const cols = [
        `${key} AS ${ident(KEY)}`,
        ...parts.map((p, i) => `${aggregateSql(ds, p, 'f', params, dialect)} AS ${base(i)}`),
        ...times.map((t) => `${t === 'first' ? 'min' : 'max'}(${time}) AS ${TIME[t]}`),
      ];
      return `SELECT ${cols.join(', ')}
  FROM ${ident(catalog.fact.name)} AS f${joins.lines}
  WHERE ${conds.join(' AND ')}
  GROUP BY 1`;
    },
  };
}

/** The key column of the CTE's rows, for the join to the listed rows. */
export const ROW_MEASURE_KEY = ident(KEY);