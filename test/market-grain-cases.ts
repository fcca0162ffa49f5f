// The windows and filters the tests of the counted grains ask about (market-counted-grains,
// market-parent-grains), and their request helper: windows with edges inside a day, on day
// and month edges, in zones, over empty months and all time; filters the grains can read and
// filters they cannot.
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { LineRow } from './market-fixture.ts';
import { AS_OF } from './market-endpoints.ts';
import type { WindowMembers } from './market-endpoints.ts';

/** A POST to a marketplace endpoint, answered 200 (the test fails otherwise). */
export const askMarket = async (app: FastifyInstance, path: string, payload: Record<string, unknown>) => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/marketplace/${path}`, payload: { as_of: AS_OF, ...payload } });
  expect(res.statusCode, `${path} ${JSON.stringify(payload)}: ${res.body.slice(0, 300)}`).toBe(200);
  return res.json() as { data: Record<string, unknown>[] | Record<string, unknown>; count?: number };
};

/** Windows with edges inside a day (the fact rows of the partial days), on day and month
 *  edges, empty months (2019) and all time. */
export const WINDOWS: readonly WindowMembers[] = [
  {},
  { range: 'year' },
  { range: 'month' },
  { start: '2019-01-10T11:30:00Z', end: '2019-04-30T23:30:00.001Z' },
  { start: '2019-01-01', end: '2019-07-01' },
  { start: '2025-06-15T06:00:00Z', end: '2026-03-15T10:00:00Z' },
  { start: '2026-03-15T10:00:00Z', end: '2026-03-15T10:00:00.001Z' },
  { start: '2025-12-31T23:59:59.999999Z', end: '2026-10-17T13:00:00Z' },
  // Days in a zone start at 22:00 or 23:00 UTC (04:00 or 05:00): partial UTC days at both
  // edges, around the DST changes; grouped questions still read the UTC grains.
  { start: '2019-01-01', end: '2019-07-01', tz: 'Europe/Berlin' },
  { start: '2025-10-20', end: '2026-04-10', tz: 'America/New_York' },
];

/** Filters the grains can read (the rollups' own columns) and filters they cannot. */
export const FILTERS: readonly { json?: unknown; where: (l: LineRow) => boolean }[] = [
  { where: () => true },
  { json: { field: 'product__category', op: 'eq', value: 12 }, where: (l) => Number(l['product__category']) === 12 },
  { json: { field: 'product__category__name', op: 'contains', value: 'e' }, where: (l) => String(l['product__category__name']).toLowerCase().includes('e') },
  { json: { field: 'quantity', op: 'gt', value: 1 }, where: (l) => Number(l['quantity']) > 1 },
];

