// Query rows -> the engine's answers: plain objects with the plan's columns in order and
// exact values (decimals as strings), the number of rows before paging, and the type of
// each column. Growth is computed here, exactly, from each value and its previous bucket's.
import type { Row } from './db.ts';
import type { DatasetDef } from './dataset.ts';
import { assertNever } from './errors.ts';
import { exprType, measureType } from './query/measures.ts';
import type { MeasureType } from './query/measures.ts';
import type { Plan, QueryPlan } from './query/nodes.ts';
import type { FieldDef } from './fields.ts';
import { fieldAt, fieldsFrom } from './query/paths.ts';
import { listRows } from './query/compile-list.ts';
import { decimalShape } from './decimal.ts';
import { ratioDecimals, rowMeasureType } from './query/row-measures.ts';
import { cohortMeasureType, cohortRows } from './query/compile-cohort.ts';
import { activityColumns, activityResult } from './query/activity-rows.ts';

export type { ColumnType, ResultColumn, PlanResult } from './result-types.ts';
import type { ColumnType, PlanResult, ResultColumn } from './result-types.ts';

const pathType = (fields: ReadonlyMap<string, FieldDef>, path: string): ColumnType => fieldAt(fields, path).type;

/** A column reading a field path: a decimal one with its declared scale (Arrow's Decimal128). */
function pathColumn(fields: ReadonlyMap<string, FieldDef>, path: string, name: string): ResultColumn {
  const f = fieldAt(fields, path);
  const scale = f.type === 'decimal' ? decimalShape(f.sqlType)?.scale : undefined;
  return scale === undefined ? { name, type: f.type } : { name, type: f.type, scale };
}

function measureColumns(ds: DatasetDef, m: string, compare: boolean, running: boolean): ResultColumn[] {
  const t = measureType(ds, m);
  const col = (name: string): ResultColumn => ({ name, ...t });
  return [col(m), ...(compare ? [col(`${m}_previous`), { name: `${m}_growth`, type: 'number' as const }] : []), ...(running ? [col(`${m}_running`)] : [])];
}

/** The columns a plan answers with, in order. */
export function planColumns(plan: Plan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>): ResultColumn[] {
  switch (plan.kind) {
    case 'aggregate':
      return [
        ...plan.dimensions.map((d) => pathColumn(fields, d, d)),
        ...plan.labels.map((l) => pathColumn(fields, l.path, l.name)),
        ...plan.measures.flatMap((m) => measureColumns(ds, m, false, false)),
        ...(plan.rank?.rank ? [{ name: plan.rank.rank, type: 'integer' as const }] : []),
        ...(plan.rank?.denseRank ? [{ name: plan.rank.denseRank, type: 'integer' as const }] : []),
        ...(plan.subtree?.sums.map((x) => ({ name: x.name, ...measureType(ds, x.measure) })) ?? []),
      ];
    case 'series':
      return [
        // Buckets are wall-clock times of the question's zone: a date, or a local date-time.
        { name: 'period', type: plan.granularity === 'hour' ? 'datetime' : 'date' },
        { name: 'label', type: 'text' },
        ...plan.dimensions.map((d) => pathColumn(fields, d, d)),
        ...plan.measures.flatMap((m) => measureColumns(ds, m, plan.compare.includes(m), plan.running.includes(m))),
        ...plan.side.map((s) => ({ name: s.name, type: 'integer' as const })),
      ];
    case 'list': {
      const own = fieldsFrom(ds.catalog, plan.table);
      const m = plan.measures;
      const rank = (name: string | undefined) => (name ? [{ name, type: 'integer' as const }] : []);
      return [
        ...plan.columns.map((c) => ({ name: c, type: pathType(own, c) })),
        ...(m ? [...m.measures.map((x) => ({ name: x.name, ...rowMeasureType(ds, x) })), ...rank(m.rank?.rank), ...rank(m.rank?.denseRank)] : []),
        ...plan.children.map((c) => ({ name: c.name, type: 'list' as const })),
      ];
    }
    case 'bundle':
      return [];
    case 'basket':
      return [
        { name: 'item', type: pathType(fields, plan.item) },
        ...plan.labels.map((l) => ({ name: l.name, type: pathType(fields, l.path) })),
        { name: 'together', type: 'integer' },
        ...(['support', 'confidence', 'lift'] as const).map((name) => ({ name, type: 'number' as const })),
      ];
    case 'cohort':
      return [
        { name: 'cohort', type: 'text' },
        { name: 'customers', type: 'integer' },
        { name: 'retention', type: 'list' },
        { name: plan.measure, type: 'list' },
      ];
    case 'activity':
      return activityColumns(plan, ds);
    default:
      return assertNever(plan);
  }
}

/** An integer (number, bigint or its text) scaled by 10^scale, as a decimal string. */
export function scaledToDecimal(v: unknown, scale: number): string | null {
  if (v === null || v === undefined) return null;
  const n = BigInt(typeof v === 'number' ? Math.round(v) : (v as string | bigint));
  if (scale === 0) return n.toString();
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** A decimal value (number or exact text) as an integer count of 10^-scale units. */
export function units(v: unknown, scale: number): bigint | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v) * 10n ** BigInt(scale);
  if (typeof v === 'bigint') return v * 10n ** BigInt(scale);
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(v));
  if (!m) return undefined;
  const frac = (m[3] ?? '').padEnd(scale, '0').slice(0, scale);
  const u = BigInt(m[2]! + frac);
  return m[1] ? -u : u;
}

/** The percent change from `prev` to `cur`, rounded to 2 decimals half away from zero,
 *  exactly for integers and decimals (in doubles 4000 -> 4023, 0.575 %, comes out just
 *  under the tie and rounds to 0.57); null for no previous value or a zero one. */
export function growth(cur: unknown, prev: unknown, t: MeasureType): number | null {
  if (cur === null || cur === undefined || prev === null || prev === undefined) return null;
  if (t.type === 'number') {
    const p = Number(prev);
    if (p === 0) return null;
    const x = ((Number(cur) - p) / p) * 100;
    return Math.sign(x) * Math.round(Math.abs(x) * 100) / 100;
  }
  const scale = t.scale ?? 0;
  const c = units(cur, scale);
  const p = units(prev, scale);
  if (c === undefined || p === undefined || p === 0n) return null;
  return percent(c - p, p);
}

/** num / den as a percentage rounded to 2 decimals half away from zero, in integers. */
export function percent(num: bigint, den: bigint): number {
  const an = num < 0n ? -num : num;
  const ad = den < 0n ? -den : den;
  const hundredths = (2n * 10000n * an + ad) / (2n * ad);
  return Number(num < 0n !== den < 0n && num !== 0n ? -hundredths : hundredths) / 100;
}

/** The scale of the values an average's sum adds (0 for integers). */
function measureScale(ds: DatasetDef, m: string): number {
  const def = ds.measures[m];
  return def?.kind === 'avg' ? (exprType(ds.catalog, def.expr).scale ?? 0) : 0;
}

/** The percent change from s0/c0 to s1/c1 (sums of values with `scale` decimals over
 *  counts), rounded to 2 decimals half away from zero, in exact integer arithmetic; null
 *  where either average is undefined or the previous one is 0. */
export function ratioGrowth(s1: unknown, c1: unknown, s0: unknown, c0: unknown, scale: number): number | null {
  const [a, b, x, y] = [units(s1, scale), units(c1, 0), units(s0, scale), units(c0, 0)];
  if (a === undefined || b === undefined || x === undefined || y === undefined || b === 0n || y === 0n || x === 0n) return null;
  // (a/b - x/y) / (x/y) = (a*y - x*b) / (x*b)
  return percent(a * y - x * b, x * b);
}

export function toResult(plan: QueryPlan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, raw: readonly Row[]): PlanResult {
  if (plan.kind === 'list') {
    const { total, rows } = listRows(raw);
    // Decimal ratios among the figures come as integers of 10^-decimals.
    for (const x of plan.measures?.measures ?? []) {
      const d = ratioDecimals(ds, x);
      if (d !== undefined) for (const r of rows) r[x.name] = scaledToDecimal(r[x.name], d);
    }
    return { columns: planColumns(plan, ds, fields), total, rows };
  }
  if (plan.kind === 'activity') return activityResult(plan, ds, raw);
  if (plan.kind === 'cohort') {
    const rows = cohortRows(raw, plan, cohortMeasureType(ds, plan));
    return { columns: planColumns(plan, ds, fields), total: rows.length, rows };
  }
  const total = Number(raw[0]?.['total'] ?? 0);
  if (plan.kind === 'basket') {
    const columns = planColumns(plan, ds, fields);
    // The ratios come as integers scaled by 10^decimals (exactly rounded): as JSON numbers,
    // the doubles nearest those decimals, which print as them.
    const ratio = (v: unknown) => (v === null || v === undefined ? null : Number(scaledToDecimal(v, plan.decimals)));
    const rows = raw
      .filter((r) => r['present'] !== null && r['present'] !== undefined)
      .map((r) => Object.fromEntries(columns.map((c) => [c.name, c.type === 'number' ? ratio(r[c.name]) : r[c.name]])));
    return { columns, total, rows };
  }
  const present = raw.filter((r) => r['present'] !== null && r['present'] !== undefined);
  const columns = planColumns(plan, ds, fields);
  const ratioScale = new Map<string, number>();
  const measures = plan.measures;
  for (const m of measures) {
    const def = ds.measures[m];
    if (def?.kind === 'ratio' && def.decimals !== undefined) ratioScale.set(m, def.decimals);
  }
  const rows = present.map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of columns) {
      if (c.name.endsWith('_growth') && plan.kind === 'series') {
        const m = c.name.slice(0, -'_growth'.length);
        if (plan.compare.includes(m)) {
          const t = measureType(ds, m);
          // A ratio's parts are compared as its scaled integers (raw), not as text.
          const sum = `__sum_${m}`;
          // An average: exactly, from the sums and counts of both buckets.
          o[c.name] =
            sum in r
              ? ratioGrowth(r[sum], r[`__count_${m}`], r[`${sum}_previous`], r[`__count_${m}_previous`], measureScale(ds, m))
              : growth(r[m], r[`${m}_previous`], ratioScale.has(m) ? { type: 'integer' } : t);
          continue;
        }
      }
      const base = c.name.replace(/_(previous|running)$/, '');
      const scale = ratioScale.get(c.name) ?? (c.name !== base && measures.includes(base) ? ratioScale.get(base) : undefined);
      o[c.name] = scale === undefined ? r[c.name] : scaledToDecimal(r[c.name], scale);
    }
    return o;
  });
  return { columns, total, rows };
}
