// The spec's error shape (section 4), and the one place errors become responses: route
// errors, Fastify's own (bad JSON, bad URLs, oversized bodies), plugins', and those Node's
// HTTP parser raises before there is a request at all (clientError).
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QueryError } from '../engine/index.ts';
import { isDamageError } from '../engine/index.ts';

export type ErrorCode =
  | 'invalid_parameter'
  | 'invalid_filter'
  | 'invalid_time_range'
  | 'unauthorized'
  | 'not_found'
  | 'request_timeout'
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
  request_timeout: 408,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
  query_timeout: 504,
};

export const DAMAGED_MESSAGE = 'the snapshot is damaged; re-import it';

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    /** Where HTTP has a more precise status than the code's (431 and 414 are "too large"). */
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS[code];
  }

  body(): { error: string; code: ErrorCode; details: readonly ErrorDetail[] } {
    return { error: this.message, code: this.code, details: this.details };
  }
}

/** Maps Fastify's and plugins' errors (bad JSON, oversized bodies, bad URLs, ...) onto the
 *  spec's codes. */
function fromFastify(e: FastifyError, request: FastifyRequest): ApiError {
  const status = e.statusCode ?? 500;
  if (status === 413) return new ApiError('payload_too_large', 'request body is too large');
  if (status === 414 || status === 431) return new ApiError('payload_too_large', 'the request URL or headers are too large', [], status);
  if (status === 408) return new ApiError('request_timeout', 'the request did not arrive in time');
  // @fastify/static (the Swagger UI's files) refuses paths that climb out of its folder with
  // 403: there is no such document, whatever the path tried.
  if (status === 403 || status === 404) return new ApiError('not_found', `no document at ${request.url.split('?')[0]}`);
  if (status === 415) return new ApiError('invalid_parameter', 'unsupported content type: send JSON', [{ path: '', message: e.message }]);
  if (e.code === 'FST_ERR_BAD_URL') return new ApiError('invalid_parameter', 'the URL is not valid (bad percent-encoding)', [{ path: '', message: 'malformed URL' }]);
  if (status >= 400 && status < 500) return new ApiError('invalid_parameter', e.message, [{ path: '', message: e.message }]);
  if (status === 503) return new ApiError('unavailable', 'service unavailable; retry shortly');
  return new ApiError('internal_error', 'internal error');
}

export interface ErrorHandlerOptions {
  /** A read found the snapshot file damaged (the request answers 503). */
  readonly onDamage?: (request: FastifyRequest, error: unknown) => void;
}

export function installErrorHandlers(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((error, request, reply) => {
    let api: ApiError;
    if (error instanceof ApiError) api = error;
    else if (error instanceof QueryError) api = new ApiError(error.code, error.message, error.details);
    else if (isDamageError(error)) {
      options.onDamage?.(request, error);
      api = new ApiError('unavailable', DAMAGED_MESSAGE);
    } else api = fromFastify(error as FastifyError, request);
    // Never a stack trace or SQL in a response; the log keeps them. Refusals while unavailable
    // (no data, overload, shutdown) are not faults: logging each would add load when shedding.
    if (api.status >= 500 && api.code !== 'unavailable') request.log.error({ err: error }, 'request failed');
    return reply.status(api.status).send(api.body());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).send(e.body());
  });
}

/** Fastify's `frameworkErrors`: errors found while routing (a malformed URL), before any
 *  handler or error handler exists for the request. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const api = fromFastify(error, request);
  void reply.status(api.status).send(api.body());
}

/** The answer to a request Node's HTTP parser refused or timed out, before Fastify saw it. */
export function clientErrorResponse(error: Error & { code?: string }): ApiError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('request_timeout', 'the request did not arrive in time');
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError('payload_too_large', 'the request URL or headers are too large', [], 431);
    default:
      return new ApiError('invalid_parameter', 'malformed HTTP request', [{ path: '', message: error.code ?? 'unparseable request' }]);
  }
}

/** Fastify's `clientErrorHandler`: writes the spec's error on the raw socket and closes it. */
export function onClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    const api = clientErrorResponse(error);
    const body = JSON.stringify(api.body());
    const head = `HTTP/1.1 ${api.status} ${STATUS_CODES[api.status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    // Destroyed once written: a stalled client must not keep the socket half open.
    socket.end(head + body, () => socket.destroy());
    return;
  }
  socket.destroy();
}
