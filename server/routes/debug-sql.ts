// POST /api/v1/debug/sql: notebook-style SQL over the snapshot, for whoever holds the debug
// token. It runs in the engine's sandbox processes (engine/sandbox/), which enforce
// read-only access, the time, memory and size limits, and shape the answer; this route
// validates, forwards the answer's bytes and maps refusals onto the spec's errors.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.ts';
import { SandboxError } from '../../engine/index.ts';
import { validate } from '../../engine/index.ts';
import { ApiError } from '../errors.ts';
import { chooseFormat, downloadHeaders } from '../format.ts';
import { ALWAYS, responses } from '../openapi.ts';
import { checkBearer } from './admin.ts';

export const DebugSqlBody = z.object({
  sql: z.string().min(1).max(100_000).describe('one SELECT statement; $1, $2, ... for params'),
  params: z.array(z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])).max(1000).default([]),
  format: z.enum(['json', 'csv', 'arrow']).optional(),
  max_rows: z.number().int().min(1).max(100_000).default(1000),
  timeout_ms: z.number().int().min(1).max(60_000).optional().describe('at most the server\'s limit'),
  explain: z.boolean().default(false).describe('return the query plan instead of rows'),
});

const DEBUG_SQL_BODY_DOC = (() => {
  const j = z.toJSONSchema(DebugSqlBody, { io: 'input' }) as Record<string, unknown>;
  delete j['$schema'];
  return j;
})();

export interface DebugSqlLimits {
  /** The time limit, counted from the request's arrival (queueing included). */
  readonly sqlTimeoutMs: number;
  /** The largest answer body sent; larger ones are refused (413). */
  readonly sqlMaxAnswerBytes: number;
}

function refusal(e: SandboxError): ApiError {
  switch (e.reason) {
    case 'invalid':
    case 'forbidden':
    case 'memory':
      return new ApiError('invalid_parameter', e.message, [{ path: '/sql', message: e.message }]);
    case 'timeout':
      return new ApiError('query_timeout', e.message);
    case 'too_large':
      return new ApiError('payload_too_large', e.message, [{ path: '/max_rows', message: e.message }]);
    case 'busy':
      return new ApiError('unavailable', e.message);
  }
}

export function debugSqlRoutes(app: FastifyInstance, engine: () => Engine, token: string, limits: DebugSqlLimits): void {
  app.post('/api/v1/debug/sql', { schema: { summary: 'Ad-hoc read-only SQL over the snapshot (bearer token)', operationId: 'postDebugSql', tags: ['debug'], body: DEBUG_SQL_BODY_DOC, response: responses('DebugSqlAnswer', [400, 401, 413, ...ALWAYS, 504], true) } }, async (request, reply) => {
    checkBearer(request, token);
    const body = validate(DebugSqlBody, (request.body ?? {}) as Record<string, unknown>);
    const format = chooseFormat(request, body.format);
    let answer;
    try {
      answer = await engine().adhoc({
        sql: body.sql,
        params: body.params,
        format,
        maxRows: body.max_rows,
        timeoutMs: Math.min(body.timeout_ms ?? limits.sqlTimeoutMs, limits.sqlTimeoutMs),
        explain: body.explain,
        maxBytes: limits.sqlMaxAnswerBytes,
      });
    } catch (e) {
      if (!(e instanceof SandboxError)) throw e;
      const api = refusal(e);
      if (e.retryAfterS !== undefined) reply.header('retry-after', String(e.retryAfterS));
      return reply.status(api.status).send(api.body());
    }
    // CSV and Arrow carry no envelope: the row count and truncation travel as headers.
    if (format !== 'json') downloadHeaders(reply, format, { filename: body.explain ? 'plan' : 'query' });
    return reply
      .type(answer.contentType)
      .header('x-row-count', String(answer.rowCount))
      .header('x-truncated', String(answer.truncated))
      .send(answer.body);
  });
}
