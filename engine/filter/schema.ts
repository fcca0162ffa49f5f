// The filter language's JSON shape: one zod schema for both accepted forms (the old
// service's {"operator","conditions"} and the compact {"and"|"or"|"not"}), nestable and
// mixable. It checks structure only; fields, operators and values are checked against the
// catalog and the operator table in parse.ts. The same schema feeds OpenAPI.
import { z } from 'zod';

export type RawFilter =
  | { field: string; operator?: string | undefined; op?: string | undefined; value?: unknown }
  | { operator: 'and' | 'or' | 'not'; conditions: RawFilter[] }
  | { and: RawFilter[] }
  | { or: RawFilter[] }
  | { not: RawFilter };

export const LeafSchema = z
  .strictObject({
    field: z.string().describe('a field path such as `country__code` (see GET /api/v1/meta)'),
    operator: z.string().optional().describe('an operator such as `eq`, `in`, `contains`'),
    op: z.string().optional().describe('accepted for `operator`'),
    value: z.unknown().describe('a value of the field type; an array for `in`, `not_in`, `between`; a boolean for `isnull`'),
  })
  .describe('a condition on one field');

export const FilterSchema: z.ZodType<RawFilter> = z.lazy(() =>
  z.union([
    LeafSchema,
    z.strictObject({ operator: z.enum(['and', 'or', 'not']), conditions: z.array(FilterSchema) }),
    z.strictObject({ and: z.array(FilterSchema) }),
    z.strictObject({ or: z.array(FilterSchema) }),
    z.strictObject({ not: FilterSchema }),
  ]),
) as z.ZodType<RawFilter>;

/** Which union branch an object means, by the keys it has (indices into the union above). */
export function branchOf(v: unknown): number | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if ('field' in o) return 0;
  if ('conditions' in o || (typeof o['operator'] === 'string' && ['and', 'or', 'not'].includes(o['operator']))) return 1;
  if ('and' in o) return 2;
  if ('or' in o) return 3;
  if ('not' in o) return 4;
  return undefined;
}
