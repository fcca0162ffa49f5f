// The spec's error shape (section 4), and the one place errors become responses.
import type { FastifyError, FastifyInstance } from 'fastify';
import { QueryError } from '../engine/errors.ts';

export type ErrorCode =
  | 'invalid_parameter'
  | 'invalid_filter'
  | 'invalid_time_range'
  | 'unauthorized'
  | 'not_found'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal_error'
  | 'unavailable'
  | 'query_timeout';

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
  readonly suggestion?: string;
}

const STATUS: Record<ErrorCode, number> = {
  invalid_parameter: 400,
  invalid_filter: 400,
  invalid_time_range: 400,
  unauthorized: 401,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
  query_timeout: 504,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.status = STATUS[code];
  }

  body(): { error: string; code: ErrorCode; details: readonly ErrorDetail[] } {
    return { error: this.message, code: this.code, details: this.details };
  }
}

/** Maps Fastify's own errors (bad JSON, oversized bodies, ...) onto the spec's codes. */
function fromFastify(e: FastifyError): ApiError {
  const status = e.statusCode ?? 500;
  if (status === 413) return new ApiError('payload_too_large', 'request body is too large');
  if (status === 415) return new ApiError('invalid_parameter', 'unsupported content type: send JSON', [{ path: '', message: e.message }]);
  if (status >= 400 && status < 500) return new ApiError('invalid_parameter', e.message, [{ path: '', message: e.message }]);
  return new ApiError('internal_error', 'internal error');
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const api =
      error instanceof ApiError
        ? error
        : error instanceof QueryError
          ? new ApiError(error.code, error.message, error.details)
          : fromFastify(error as FastifyError);
    // Never a stack trace or SQL in a response; the log keeps them.
    if (api.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(api.status).send(api.body());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).send(e.body());
  });
}
