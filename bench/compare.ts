// The benchmark's second opinion: does PostgreSQL give the same answer as the engine?
// Grouped answers compare ids, y and z (titles were not rewritten alike); series compare
// every bucket's period, views, blogs and growth.
import type { BlogEndpointName as EndpointName } from '../engine/index.ts';

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);

export function agrees(endpoint: EndpointName, ours: readonly Row[], theirs: readonly Row[]): boolean {
  const pick =
    endpoint === 'performance'
      ? (r: Row) => [r['period'], num(r['views']), num(r['blogs']), num(r['growth'])]
      : (r: Row) => [num(r['id']), num(r['y']), num(r['z'])];
  return JSON.stringify(ours.map(pick)) === JSON.stringify(theirs.map(pick));
}
