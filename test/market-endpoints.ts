// What the tests of the marketplace's fixed endpoints share: the fixture served by the app,
// the counted lines of a window (the window from the request's own members, by
// query-reference.ts's windowOf), percentages in exact integers, and the OpenAPI document's
// validator of real answers. Nothing here reads the engine's tables.
import type { FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { LineRow } from './market-fixture.ts';
import { COUNTED, cents } from './market-reference.ts';
import { windowOf } from './query-reference.ts';

/** Every request of these tests fixes "now" after the fixture's last order. */
export const AS_OF = '2027-01-01T00:00:00Z';

export interface WindowMembers {
  readonly range?: 'day' | 'week' | 'month' | 'year' | 'all';
  readonly start?: string;
  readonly end?: string;
  readonly tz?: string;
}

/** The lines that count (SPEC-marketplace section 2) in the window the members ask
 *  (as_of: AS_OF) and pass `where`. */
export function countedLines(lines: readonly LineRow[], w: WindowMembers, where: (l: LineRow) => boolean = () => true): LineRow[] {
  const win = windowOf({ measures: [], ...w, as_of: AS_OF });
  return lines.filter((l) => {
    const at = l['_at'] as number;
    return COUNTED.has(l['order__status'] as string) && at < win.end && (win.start === null || at >= win.start) && where(l);
  });
}

/** A line's revenue in cents. */
export const lineCents = (l: LineRow): bigint => BigInt(l['quantity'] as number) * cents(l['unit_price'] as string);

/** num / den * 100 rounded to two decimals half away from zero, as the JSON number. */
export function percent2(num: bigint, den: bigint): number {
  const a = num < 0n ? -num : num;
  const h = (2n * 10000n * a + den) / (2n * den);
  return Number(`${num < 0n && h !== 0n ? '-' : ''}${h / 100n}.${String(h % 100n).padStart(2, '0')}`);
}

/** A filter's JSON beside the same condition written by hand on a line. */
export interface HandFilter {
  readonly json: unknown;
  readonly where: (l: LineRow) => boolean;
}

export const FILTERS: readonly HandFilter[] = [
  { json: { field: 'order__customer__city', op: 'isnull', value: true }, where: (l) => l['order__customer__city'] === null },
  { json: { field: 'product__price', op: 'gte', value: '100.00' }, where: (l) => cents(l['product__price'] as string) >= 10000n },
  {
    json: { or: [{ field: 'product__category__parent__name', op: 'isnull', value: true }, { field: 'product__name', op: 'contains', value: '%' }] },
    where: (l) => l['product__category__parent__name'] === null || (l['product__name'] as string).toLowerCase().includes('%'),
  },
  { json: { not: { field: 'order__status', op: 'eq', value: 'paid' } }, where: (l) => l['order__status'] !== 'paid' },
];

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

/** The documented 200 answer of GET `path`, as a validator of real answers (its errors). */
export async function documented(app: FastifyInstance, path: string): Promise<(body: unknown) => unknown[]> {
  const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: object }> }> }>>; components: object };
  const schema = doc.paths[path]?.['get']?.responses['200']?.content['application/json']?.schema;
  if (!schema) throw new Error(`no documented answer for ${path}`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile({ ...schema, components: doc.components });
  return (body) => (validate(body) ? [] : (validate.errors ?? []));
}
