// Builds the HTTP app without listening: tests build it, use it and close it.
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Engine } from '../engine/engine.ts';
import { ApiError, installErrorHandlers } from './errors.ts';
import { metaResponse } from './meta-response.ts';
import { registerOpenApi } from './openapi.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { adminRoutes } from './routes/admin.ts';

export interface AppOptions {
  /** The engine serving queries; undefined until a snapshot is open. */
  readonly engine: () => Engine | undefined;
  readonly logger?: FastifyServerOptions['logger'];
  /** Enables the debug and admin endpoints. */
  readonly debugToken?: string | undefined;
  /** Switches to a new snapshot (POST /api/v1/admin/reload). */
  readonly reload?: () => Promise<unknown>;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 64 * 1024 });
  installErrorHandlers(app);
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
  analyticsRoutes(app, engine);
  if (options.debugToken && options.reload) adminRoutes(app, options.debugToken, options.reload);
  return app;
}
