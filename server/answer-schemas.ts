// The shapes of the API's JSON answers, as zod schemas: the OpenAPI document's response
// components (z.toJSONSchema), and what test/openapi-document.test.ts checks real answers
// against. Each mirrors the code that shapes the answer: analytics.ts (answer()),
// meta-response.ts, routes/debug-sql.ts (engine/sandbox/shape.ts), routes/admin.ts, errors.ts.
// The datasets' own answers: market-answer-schemas.ts, member-answer-schemas.ts,
// activity-answer-schemas.ts.
import { z } from 'zod';

export const count = z.number().int().min(0);
export const instant = z.string().meta({ format: 'date-time', examples: ['2026-11-23T16:19:47.000Z'] });
export const rangeApplied = z.enum(['day', 'week', 'month', 'year', 'all']).nullable().describe('the range applied; null where start / end replaced it');

export const ErrorAnswer = z
  .object({
    error: z.string().describe('what went wrong, for people'),
    code: z.enum(['invalid_parameter', 'invalid_filter', 'invalid_time_range', 'unauthorized', 'not_found', 'request_timeout', 'payload_too_large', 'rate_limited', 'internal_error', 'unavailable', 'query_timeout']),
    details: z.array(
      z.object({
        path: z.string().describe('a JSON pointer into the request (query parameters are top-level members)'),
        message: z.string(),
        suggestion: z.string().optional(),
      }),
    ),
  })
  .describe('every refusal, whoever raises it');

export const Window = z
  .object({ start: instant.nullable().describe('null: no lower bound'), end: instant.describe('exclusive') })
  .describe('the instants the answer covered');

export const GroupRow = z.object({
  id: z.number().int().describe('the country, user or blog id'),
  x: z.string().describe('its name (country name, display name or blog title)'),
  y: z.union([count, z.string()]).describe('distinct blogs; for top=blog the author\'s username'),
  z: count.describe('views'),
});

export const BlogViewsAnswer = z.object({
  object_type: z.enum(['country', 'user']),
  range: rangeApplied,
  count: count.describe('groups in all pages'),
  limit: z.number().int(),
  offset: count,
  next: z.string().nullable().describe('path and query of the next page (as_of pinned), or null'),
  previous: z.string().nullable().describe('path and query of the previous page, or null'),
  data: z.array(GroupRow),
  window: Window,
});

export const TopAnswer = z.object({ top_type: z.enum(['user', 'country', 'blog']), range: rangeApplied, data: z.array(GroupRow), window: Window });

export const PerformanceRow = z.object({
  period: z.string().describe('the bucket\'s first day, YYYY-MM-DD in tz'),
  label: z.string(),
  blogs: count.describe('blogs created in the bucket'),
  views: count,
  growth: z.number().nullable().describe('percent change of views against the bucket before, 2 decimals'),
  x: z.string(),
  y: count,
  z: z.number().nullable(),
});

export const PerformanceAnswer = z.object({
  compare: z.enum(['day', 'week', 'month', 'year']),
  user_id: z.number().int().nullable(),
  range: rangeApplied,
  data: z.array(PerformanceRow),
  window: Window,
});

const ColumnType = z.enum(['integer', 'number', 'decimal', 'text', 'timestamp', 'datetime', 'date', 'boolean', 'uuid']);

export const Meta = z.object({
  fields: z.array(z.object({ path: z.string(), type: z.string(), nullable: z.boolean(), operators: z.array(z.string()) })),
  object_types: z.array(z.string()).optional().describe('blog: the object types of blog-views'),
  top_types: z.array(z.string()).optional().describe('blog: the top lists'),
  compare_periods: z.array(z.string()).optional().describe('blog: the performance periods'),
  ranges: z.array(z.string()),
  dataset: z.string().optional().describe('with ?dataset: its name'),
  description: z.string().optional(),
  root: z.string().optional().describe('the table field paths start from'),
  roots: z.array(z.string()).optional().describe('with ?dataset: the tables a filter may start from (?root=TABLE lists their fields)'),
  measures: z.array(z.object({ name: z.string(), kind: z.string(), type: ColumnType, description: z.string() })).optional().describe('with ?dataset: the query endpoint\'s measures'),
  dimensions: z.array(z.object({ path: z.string(), type: z.string() })).optional().describe('with ?dataset: the paths the query endpoint groups by'),
  granularities: z.array(z.string()).optional(),
  snapshot: z.object({
    tables: z.record(z.string(), count),
    first_viewed_at: instant.nullable(),
    last_viewed_at: instant.nullable(),
    loaded_at: instant,
    source: z.string(),
    source_kind: z.enum(['parquet', 'csv', 'pg_dump', 'postgres']),
    synthetic: z.boolean(),
    load_ms: z.number(),
  }),
});

export const DatasetsAnswer = z.object({
  datasets: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      available: z.boolean().describe('a snapshot is open (false: its endpoints answer 503)'),
      measures: z.array(z.string()),
      snapshot: Meta.shape.snapshot.nullable(),
    }),
  ),
});

export const QueryAnswer = z.object({
  columns: z.array(z.object({ name: z.string(), type: ColumnType })).describe('period (with time), the dimensions, then each measure (with _previous and _growth under compare)'),
  data: z.array(z.record(z.string(), z.unknown())).describe('one object per row, keyed by column name; decimals as strings'),
  count: count.describe('rows in all pages'),
  limit: z.number().int(),
  offset: count,
  range: rangeApplied,
  window: Window,
});

export const DebugSqlAnswer = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string().describe('DuckDB\'s type') })),
  rows: z.array(z.array(z.unknown())).describe('values in column order (see the README\'s type table)'),
  row_count: count,
  truncated: z.boolean(),
  elapsed_ms: z.number(),
});

export const ReloadAnswer = z.object({ status: z.literal('reloaded'), snapshot: z.record(z.string(), z.unknown()) });
export const HealthAnswer = z.object({ status: z.literal('ok') });
export const ReadyAnswer = z.object({ status: z.literal('ready') });
