// POST /api/v1/debug/sql: notebook-style SQL over the snapshot, for whoever holds the debug
// token. Read-only is enforced by DuckDB (see Database.sandboxed), not by reading the SQL.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.ts';
import { SandboxError } from '../../engine/db.ts';
import { validate } from '../analytics-params.ts';
import { ApiError } from '../errors.ts';
import { chooseFormat, sendRows } from '../format.ts';
import type { ColumnKind, Columns } from '../format.ts';
import { checkBearer } from './admin.ts';

export const DebugSqlBody = z.object({
  sql: z.string().min(1).max(100_000).describe('one SELECT statement; $1, $2, ... for params'),
  params: z.array(z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])).max(1000).default([]),
  format: z.enum(['json', 'csv', 'arrow']).optional(),
  max_rows: z.number().int().min(1).max(100_000).default(1000),
  timeout_ms: z.number().int().min(1).max(60_000).optional().describe('at most the server\'s limit'),
  explain: z.boolean().default(false).describe('return the query plan instead of rows'),
});

function kindOf(type: string): ColumnKind {
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/.test(type)) return 'int';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(type)) return 'float';
  return 'string';
}

export function debugSqlRoutes(app: FastifyInstance, engine: () => Engine, token: string, limitMs: number): void {
  app.post('/api/v1/debug/sql', { schema: { summary: 'Ad-hoc read-only SQL over the snapshot (bearer token)', tags: ['debug'] } }, async (request, reply) => {
    checkBearer(request, token);
    const body = validate(DebugSqlBody, (request.body ?? {}) as Record<string, unknown>);
    const timeoutMs = Math.min(body.timeout_ms ?? limitMs, limitMs);
    let result;
    try {
      result = await engine().adhoc(body.sql, body.params, { maxRows: body.max_rows, timeoutMs, explain: body.explain });
    } catch (e) {
      if (!(e instanceof SandboxError)) throw e;
      if (e.reason === 'timeout') throw new ApiError('query_timeout', e.message);
      throw new ApiError('invalid_parameter', e.message, [{ path: '/sql', message: e.message }]);
    }
    const format = chooseFormat(request, body.format);
    if (format === 'json') {
      return { columns: result.columns, rows: result.rows, row_count: result.rows.length, truncated: result.truncated, elapsed_ms: Math.round(result.elapsedMs * 100) / 100 };
    }
    // Column names may repeat in ad-hoc SQL: rows are keyed by position.
    const columns: Columns = result.columns.map((c, i) => [c.name, kindOf(c.type)] as const);
    const keyed = result.rows.map((r) => Object.fromEntries(r.map((v, i) => [String(i), typeof v === 'object' && v !== null && !(v instanceof Date) ? JSON.stringify(v) : v])));
    return sendRows(reply, format, columns, keyed, true);
  });
}
