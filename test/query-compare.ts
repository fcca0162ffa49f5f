// Compares a query answer with the reference's, row by row: every value exactly (-0 and 0
// alike), except averages, equal within a relative 1e-9 (the engine may add the durations
// in another order or precision). Says where the first difference is.
import type { Answer } from './query-reference.ts';

/** Columns holding averages (doubles). */
const APPROXIMATE = new Set(['avg_duration', 'avg_duration_previous']);

function sameValue(column: string, got: unknown, want: unknown): boolean {
  if (got === want) return true;
  if (APPROXIMATE.has(column) && typeof got === 'number' && typeof want === 'number') return Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(got), Math.abs(want));
  return false;
}

const show = (v: unknown) => JSON.stringify(v);

/** The first difference between an answer (a parsed JSON body) and the reference's, or null. */
export function answerDifference(got: Record<string, unknown>, want: Answer): string | null {
  for (const k of ['count', 'limit', 'offset', 'range'] as const) if (got[k] !== want[k]) return `${k}: got ${show(got[k])}, want ${show(want[k])}`;
  // Each column's name and type, in order (other members a column may carry are not judged).
  const columns = Array.isArray(got['columns']) ? (got['columns'] as { name?: unknown; type?: unknown }[]).map((c) => ({ name: c.name, type: c.type })) : got['columns'];
  if (show(columns) !== show(want.columns)) return `columns: got ${show(got['columns'])}, want ${show(want.columns)}`;
  if (show(got['window']) !== show(want.window)) return `window: got ${show(got['window'])}, want ${show(want.window)}`;
  return rowsDifference(got['data'], want.data);
}

/** A row as text, averages to 12 significant digits: equal rows, equal keys. */
const rowKey = (r: Record<string, unknown>) => show(Object.entries(r).map(([k, v]) => [k, APPROXIMATE.has(k) && typeof v === 'number' ? v.toPrecision(12) : v]));

/** Whether two lists hold the same rows, in any order. */
function sameRows(a: readonly Record<string, unknown>[], b: readonly Record<string, unknown>[]): boolean {
  const x = a.map(rowKey).sort();
  const y = b.map(rowKey).sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

export function rowsDifference(gotData: unknown, want: readonly Record<string, unknown>[]): string | null {
  if (!Array.isArray(gotData)) return `data is not an array: ${show(gotData).slice(0, 200)}`;
  const data = gotData as Record<string, unknown>[];
  const diff = firstRowDifference(data, want);
  // Says whether only the order is wrong: a different finding from wrong values.
  return diff === null ? null : `${sameRows(data, want) ? 'the same rows in another order; ' : ''}${diff}`;
}

function firstRowDifference(data: readonly Record<string, unknown>[], want: readonly Record<string, unknown>[]): string | null {
  for (let i = 0; i < Math.max(data.length, want.length); i++) {
    const g = data[i];
    const w = want[i];
    if (g === undefined || w === undefined) return `data: got ${data.length} rows, want ${want.length}; row ${i}: got ${show(g)}, want ${show(w)}`;
    const names = Object.keys(w);
    if (show(Object.keys(g)) !== show(names)) return `row ${i} keys: got ${show(Object.keys(g))}, want ${show(names)}`;
    for (const n of names) {
      if (!sameValue(n, g[n], w[n])) return `row ${i} column ${n}: got ${show(g[n])}, want ${show(w[n])}\n  got row  ${show(g)}\n  want row ${show(w)}`;
    }
  }
  return null;
}
