// The analytics endpoints' parameters: one zod schema per endpoint, used both to validate
// requests and (through z.toJSONSchema) to document them in OpenAPI.
import { z } from 'zod';
import { QueryError } from '../engine/errors.ts';

/** The bounds of the integers below, for OpenAPI: their zod schema takes text too (a query
 *  string is text), which JSON Schema would otherwise show as "a number or a string". */
const INTEGERS = new WeakMap<object, { min: number; max: number }>();
export const integerBounds = (schema: unknown): { min: number; max: number } | undefined =>
  typeof schema === 'object' && schema !== null ? INTEGERS.get(schema) : undefined;

/** An integer that may arrive as a JSON number or as query-string text. */
const int = (min: number, max: number) => {
  const schema = z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/, 'expected an integer')])
    .transform((v) => Number(v))
    .pipe(z.number().int('expected an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
  INTEGERS.set(schema, { min, max });
  return schema;
};

const instant = z.string().max(64, 'too long').describe('ISO 8601 date or date-time; a date alone is midnight in `tz`');

const common = {
  range: z.enum(['day', 'week', 'month', 'year', 'all']).optional().describe('rolling window ending at `as_of`'),
  start: instant.optional().describe('explicit window start (inclusive); overrides `range`'),
  end: instant.optional().describe('explicit window end (exclusive); overrides `range`'),
  as_of: instant.optional().describe('the instant that stands for "now" (default: the server clock)'),
  tz: z.string().min(1).max(64).default('UTC').describe('IANA zone for calendar buckets and date-only start/end'),
  filters: z.unknown().optional().describe('filter JSON (see the filter language); URL-encoded JSON text in a query string'),
  format: z.enum(['json', 'csv', 'arrow']).optional().describe('response format; also chosen by the Accept header'),
};

export const BlogViewsParams = z.object({
  ...common,
  object_type: z.enum(['country', 'user']).default('country').describe('group by the viewer\'s country or by the viewer'),
  limit: int(1, 1000).default(100),
  offset: int(0, 1_000_000_000).default(0),
});

export const TopParams = z.object({
  ...common,
  top: z.enum(['user', 'country', 'blog']).default('user').describe('rank authors, viewer countries or blogs'),
  limit: int(1, 100).default(10),
});

export const PerformanceParams = z.object({
  ...common,
  compare: z.enum(['day', 'week', 'month', 'year']).default('month').describe('calendar period of each bucket'),
  user_id: int(1, Number.MAX_SAFE_INTEGER).optional().describe('the author; absent: all authors'),
});

export type BlogViewsInput = z.output<typeof BlogViewsParams>;
export type TopInput = z.output<typeof TopParams>;
export type PerformanceInput = z.output<typeof PerformanceParams>;

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
