// Bounds on what a connection may hold: headers and the whole request must arrive in time
// (else 408), a silent socket is closed, and shutdown closes whatever is still open after
// a grace period, so a stalled client can neither hold a connection nor block an exit.
import type { ServerOptions } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Limits } from './config.ts';
import { ApiError } from './errors.ts';

export interface ServerTimeouts {
  readonly requestTimeout: number;
  readonly connectionTimeout: number;
  readonly keepAliveTimeout: number;
  readonly http: ServerOptions;
  readonly forceCloseConnections: 'idle';
}

/** Fastify's (and Node's) timeouts from the limits. */
export function serverTimeouts(l: Limits): ServerTimeouts {
  const request = l.requestTimeoutMs;
  // Node refuses a headers timeout longer than the request timeout.
  const headers = request > 0 && l.headersTimeoutMs > request ? request : l.headersTimeoutMs;
  const bounds = [headers, request].filter((t) => t > 0);
  // Node checks those two timeouts every connectionsCheckingInterval (30 s by default, which
  // would let a stalled request live that much longer than its bound).
  const interval = bounds.length ? Math.min(1000, Math.max(25, Math.floor(Math.min(...bounds) / 4))) : 30_000;
  return {
    requestTimeout: request,
    // A socket silent both ways for longer than any request may legitimately wait.
    connectionTimeout: Math.max(request, l.queryTimeoutMs, l.sqlTimeoutMs) + 10_000,
    // Fastify's default, longer than load balancers' usual idle timeouts (60 s).
    keepAliveTimeout: 72_000,
    http: { headersTimeout: headers, requestTimeout: request, connectionsCheckingInterval: interval },
    // Idle keep-alive sockets close at once on shutdown; busy ones get the grace period.
    forceCloseConnections: 'idle',
  };
}

/** On close: new requests on open connections get 503 in the spec's shape, and connections
 *  still open after `shutdownGraceMs` (a stalled body, a client that does not read) are
 *  closed, so that close() ends in bounded time. */
export function installShutdown(app: FastifyInstance, l: Limits): void {
  let closing = false;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onRequest', async () => {
    if (closing) throw new ApiError('unavailable', 'the server is shutting down');
  });
  app.addHook('preClose', async () => {
    closing = true;
    timer = setTimeout(() => app.server.closeAllConnections(), l.shutdownGraceMs);
    timer.unref();
  });
  app.addHook('onClose', async () => clearTimeout(timer));
}
