// The ecosystem's protections, configured from Limits: security headers (helmet), CORS from
// an allow-list, rate limiting per key or address (429 with Retry-After), and load shedding when the event
// loop lags (503). Their refusals use the spec's error shape.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { ApiError } from './errors.ts';
import { accessKeyName } from './access-keys.ts';
import type { Limits } from './config.ts';

export interface HardeningOptions {
  /** Shed load (503) while this answers false, besides the event-loop lag (tests force it). */
  readonly healthCheck?: () => Promise<boolean>;
}

class Overloaded extends ApiError {
  constructor() {
    super('unavailable', 'server overloaded; retry shortly');
  }
}

const HSTS = 'max-age=31536000; includeSubDomains';

/** Whether a response may tell the browser to use HTTPS only: the request came over TLS, or
 *  the operator says the server is only reached through a TLS proxy (HSTS=1). On a plain
 *  HTTP server these headers make a browser fetch /docs' assets over https://, which fails. */
const overTls = (request: FastifyRequest, limits: Limits): boolean => limits.hsts || request.protocol === 'https';

export async function installHardening(app: FastifyInstance, limits: Limits, options: HardeningOptions = {}): Promise<void> {
  await app.register(helmet, {
    // Swagger UI's page needs its own inline assets; everything else gets the defaults, less
    // the two HTTPS-only ones, added below where they hold.
    contentSecurityPolicy: {
      directives: { 'script-src': ["'self'"], 'style-src': ["'self'", 'https:', "'unsafe-inline'"], 'img-src': ["'self'", 'data:', 'validator.swagger.io'], 'upgrade-insecure-requests': null },
    },
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!overTls(request, limits)) return;
    // helmet writes on the raw response; these join its headers there.
    reply.raw.setHeader('strict-transport-security', HSTS);
    const csp = reply.raw.getHeader('content-security-policy');
    if (typeof csp === 'string') reply.raw.setHeader('content-security-policy', `${csp};upgrade-insecure-requests`);
  });
  if (limits.corsOrigins.length) await app.register(cors, { origin: [...limits.corsOrigins], methods: ['GET', 'POST'] });
  if (limits.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: limits.rateLimitPerMinute,
      timeWindow: 60_000,
      // Per access key where the request was let in with one (the key check runs first), else
      // per address; the prefixes keep a key named like an address apart from that address.
      keyGenerator: (request) => {
        const name = accessKeyName(request);
        return name === undefined ? `addr:${request.ip}` : `key:${name}`;
      },
      errorResponseBuilder: (_req, ctx) => {
        const e = new ApiError('rate_limited', `rate limit of ${ctx.max} requests per minute exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`);
        return Object.assign(e, { statusCode: 429 });
      },
    });
  }
  if (limits.maxEventLoopDelayMs > 0 || options.healthCheck) {
    await app.register(underPressure, {
      maxEventLoopDelay: limits.maxEventLoopDelayMs,
      exposeStatusRoute: false,
      ...(options.healthCheck ? { healthCheck: options.healthCheck, healthCheckInterval: 1000 } : {}),
      // The refusal goes to the error handler as an error, which ends the request there: a
      // pressureHandler that sends a 503 and returns nothing lets the route run after it.
      customError: Overloaded,
      retryAfter: 1,
    });
  }
}
