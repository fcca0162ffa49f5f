// Builds the HTTP app without listening: tests build it, use it and close it.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Engine } from '../engine/engine.ts';
import { ApiError, installErrorHandlers } from './errors.ts';
import { metaResponse } from './meta-response.ts';
import { registerOpenApi } from './openapi.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { adminRoutes } from './routes/admin.ts';
import { debugSqlRoutes } from './routes/debug-sql.ts';
import { installHardening } from './hardening.ts';
import { createMetrics, installMetrics } from './metrics.ts';
import type { Metrics } from './metrics.ts';
import { DEFAULT_LIMITS } from './config.ts';
import type { Limits } from './config.ts';

export interface AppOptions {
  /** The engine serving queries; undefined until a snapshot is open. */
  readonly engine: () => Engine | undefined;
  readonly logger?: FastifyServerOptions['logger'];
  /** Enables the debug and admin endpoints. */
  readonly debugToken?: string | undefined;
  /** Switches to a new snapshot (POST /api/v1/admin/reload). */
  readonly reload?: () => Promise<unknown>;
  readonly limits?: Partial<Limits>;
  /** Where request and query metrics go (GET /metrics); default: a new registry. */
  readonly metrics?: Metrics;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 64 * 1024,
    // Request ids: the caller's X-Request-Id where given, else a new one; in every log line.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installErrorHandlers(app);
  await installHardening(app, limits);
  installMetrics(app, options.metrics ?? createMetrics());
  await registerOpenApi(app);

  const engine = (): Engine => {
    const e = options.engine();
    if (!e) throw new ApiError('unavailable', 'no data loaded yet');
    return e;
  };

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_req, reply) => {
    if (!options.engine()) return reply.status(503).send(new ApiError('unavailable', 'no data loaded yet').body());
    return { status: 'ready' };
  });
  app.get('/api/v1/meta', { schema: { summary: 'Fields, operators, object and period types, and the loaded snapshot', tags: ['meta'] } }, async () =>
    metaResponse(engine()),
  );
  analyticsRoutes(app, engine, limits.queryTimeoutMs);
  if (options.debugToken) debugSqlRoutes(app, engine, options.debugToken, limits);
  if (options.debugToken && options.reload) adminRoutes(app, options.debugToken, options.reload);
  return app;
}
