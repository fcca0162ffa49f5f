// The ecosystem's protections, configured from Limits: security headers (helmet), CORS from
// an allow-list, rate limiting (429 with Retry-After), and load shedding when the event
// loop lags (503). Their refusals use the spec's error shape.
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { ApiError } from './errors.ts';
import type { Limits } from './config.ts';

export async function installHardening(app: FastifyInstance, limits: Limits): Promise<void> {
  await app.register(helmet, {
    // Swagger UI's page needs its own inline assets; everything else gets the defaults.
    contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'style-src': ["'self'", 'https:', "'unsafe-inline'"], 'img-src': ["'self'", 'data:', 'validator.swagger.io'] } },
  });
  if (limits.corsOrigins.length) await app.register(cors, { origin: [...limits.corsOrigins], methods: ['GET', 'POST'] });
  if (limits.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: limits.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_req, ctx) => {
        const e = new ApiError('rate_limited', `rate limit of ${ctx.max} requests per minute exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`);
        return Object.assign(e, { statusCode: 429 });
      },
    });
  }
  if (limits.maxEventLoopDelayMs > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: limits.maxEventLoopDelayMs,
      exposeStatusRoute: false,
      pressureHandler: (_req, reply, type, value) => {
        reply.header('retry-after', '1');
        void reply.status(503).send(new ApiError('unavailable', `server overloaded (${type} ${value}); retry shortly`).body());
      },
    });
  }
}
