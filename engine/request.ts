// What every endpoint's parameters are built from: integers that may arrive as text, the
// window members, and validation that turns zod's issues into a 400 naming each bad member
// by JSON pointer. The same zod schemas document the endpoints in OpenAPI (z.toJSONSchema).
import { z } from 'zod';
import { QueryError } from './errors.ts';

/** The bounds of the integers below, for OpenAPI: their zod schema takes text too (a query
 *  string is text), which JSON Schema would otherwise show as "a number or a string". */
const INTEGERS = new WeakMap<object, { min: number; max: number }>();
export const integerBounds = (schema: unknown): { min: number; max: number } | undefined =>
  typeof schema === 'object' && schema !== null ? INTEGERS.get(schema) : undefined;

/** An integer that may arrive as a JSON number or as query-string text. */
export const int = (min: number, max: number) => {
  const schema = z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/, 'expected an integer')])
    .transform((v) => Number(v))
    .pipe(z.number().int('expected an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
  INTEGERS.set(schema, { min, max });
  return schema;
};

const instant = z.string().max(64, 'too long').describe('ISO 8601 date or date-time; a date alone is midnight in `tz`');

/** The window members (SPEC.md section 2), the filter and the answer's format. */
export const common = {
  range: z.enum(['day', 'week', 'month', 'year', 'all']).optional().describe('rolling window ending at `as_of`'),
  start: instant.optional().describe('explicit window start (inclusive); overrides `range`'),
  end: instant.optional().describe('explicit window end (exclusive); overrides `range`'),
  as_of: instant.optional().describe('the instant that stands for "now" (default: the server clock)'),
  tz: z.string().min(1).max(64).default('UTC').describe('IANA zone for calendar buckets and date-only start/end'),
  filters: z.unknown().optional().describe('filter JSON (see the filter language); URL-encoded JSON text in a query string'),
  format: z.enum(['json', 'csv', 'arrow']).optional().describe('response format; also chosen by the Accept header'),
};

/** Validates request members, or throws invalid_parameter naming each bad member. */
export function validate<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => {
    const path = '/' + i.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    return { path, message: `${i.path.join('.') || 'request'}: ${i.message.replace(/^Invalid input: /, '')}` };
  });
  throw new QueryError('invalid_parameter', details[0]!.message, details);
}
