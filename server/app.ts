// Builds the HTTP app without listening: tests build it, use it and close it.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import { DATASETS, DEFAULT_DATASET, STREAM_ENDPOINTS, validate } from '../engine/index.ts';
import type { Engine } from '../engine/index.ts';
import { ApiError, DAMAGED_MESSAGE, frameworkErrors, installErrorHandlers, onClientError } from './errors.ts';
import { datasetMetaResponse, metaResponse } from './meta-response.ts';
import { datasetRoutes, MetaQuery } from './routes/datasets.ts';
import { ALWAYS, registerOpenApi, responses } from './openapi.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { streamRoutes } from './routes/streams.ts';
import { adminRoutes } from './routes/admin.ts';
import { debugSqlRoutes } from './routes/debug-sql.ts';
import { installHardening } from './hardening.ts';
import type { HardeningOptions } from './hardening.ts';
import { createMetrics, installMetrics } from './metrics.ts';
import type { Metrics } from './metrics.ts';
import { installShutdown, serverTimeouts } from './connections.ts';
import { installAccessKeys, KeyRing, redactUrl, SECURITY_SCHEMES } from './access-keys.ts';
import type { AccessKey } from './access-keys.ts';
import { DEFAULT_LIMITS } from './config.ts';
import { defaultPageDir, pageRoutes } from './page.ts';
import type { Limits } from './config.ts';

export interface AppOptions {
  /** The engine serving queries; undefined until a snapshot is open. */
  readonly engine: () => Engine | undefined;
  /** The engines of the other datasets, by name (default: none; `engine` serves the
   *  dataset its snapshot holds). */
  readonly engines?: (dataset: string) => Engine | undefined;
  readonly logger?: FastifyServerOptions['logger'];
  /** Enables the debug and admin endpoints. */
  readonly debugToken?: string | undefined;
  /** Switches to a new snapshot (POST /api/v1/admin/reload). */
  readonly reload?: () => Promise<unknown>;
  readonly limits?: Partial<Limits>;
  /** Where request and query metrics go (GET /metrics); default: a new registry. */
  readonly metrics?: Metrics;
  /** Load shedding beyond the event-loop lag (tests force it). */
  readonly hardening?: HardeningOptions;
  /** API keys: with any, /api/..., /analytics... and /metrics ask for one (access-keys.ts). */
  readonly accessKeys?: readonly AccessKey[];
  /** The built page's folder (index.html, assets/); default: dist/page beside the server. */
  readonly pageDir?: string;
}

/** The logger settings, with request URLs logged without the values of credential-like
 *  query parameters (refused on protected routes, but the URL is logged before that). */
function loggerOptions(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const given = typeof logger === 'object' ? logger : {};
  const req = (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    version: request.headers['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  });
  return { ...given, serializers: { req, ...given.serializers } } as FastifyServerOptions['logger'];
}

/** A caller's X-Request-Id is kept only when short and plain: it is echoed in a header and
 *  written to every log line of the request. */
const PLAIN_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: 64 * 1024,
    // Request ids: the caller's X-Request-Id where it is plain, else a new one; in every log line.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && PLAIN_ID.test(given) ? given : randomUUID();
    },
    ...serverTimeouts(limits),
    // Every refusal in the spec's shape, whoever raises it.
    clientErrorHandler: onClientError,
    frameworkErrors,
    return503OnClosing: false,
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Snapshots whose file turned out damaged on a read: not ready until another is loaded.
  const damaged = new WeakSet<Engine>();
  installErrorHandlers(app, {
    onDamage: (request, error) => {
      const e = options.engine();
      if (!e || damaged.has(e)) return;
      damaged.add(e);
      request.log.error({ snapshot: e.db.path, err: error }, `snapshot ${e.db.path} is damaged; re-import it`);
    },
  });
  installShutdown(app, limits);
  await installHardening(app, limits, options.hardening);
  // After helmet's and CORS's hooks (a refusal carries the security headers; a preflight,
  // which has no key, is answered first), before every route and the rate limiter.
  const keys = options.accessKeys?.length ? new KeyRing(options.accessKeys) : undefined;
  if (keys) installAccessKeys(app, keys);
  installMetrics(app, options.metrics ?? createMetrics());
  await registerOpenApi(app, keys ? { securitySchemes: SECURITY_SCHEMES } : {});

  const engine = (): Engine => {
    const e = options.engine();
    if (!e) throw new ApiError('unavailable', 'no data loaded yet');
    return e;
  };

  // The page for people: dashboards, filter builder, SQL notebook (page/, built into dist/page).
  await pageRoutes(app, options.pageDir ?? defaultPageDir());
  app.get('/health', { schema: { summary: 'The process is up', operationId: 'getHealth', tags: ['meta'], response: responses('HealthAnswer', [...ALWAYS]) } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { summary: 'A snapshot is open and sound', operationId: 'getReady', tags: ['meta'], response: responses('ReadyAnswer', [...ALWAYS]) } }, async (_req, reply) => {
    const e = options.engine();
    if (!e) return reply.status(503).send(new ApiError('unavailable', 'no data loaded yet').body());
    if (damaged.has(e)) return reply.status(503).send(new ApiError('unavailable', DAMAGED_MESSAGE).body());
    return { status: 'ready' };
  });
  app.get(
    '/api/v1/meta',
    {
      schema: {
        summary: 'Fields, operators, object and period types, and the loaded snapshot; with `dataset`, also its tables (`roots`), measures and dimensions; with `root`, the fields of filters rooted at that table',
        operationId: 'getMeta',
        tags: ['meta'],
        querystring: MetaQuery,
        response: responses('Meta', [400, 401, ...ALWAYS]),
      },
    },
    async (request) => {
      const { dataset, root } = validate(MetaQuery, request.query as Record<string, unknown>);
      if (dataset === undefined && root === undefined) return metaResponse(engine());
      return datasetMetaResponse(engineOf(dataset ?? DEFAULT_DATASET.name), root);
    },
  );
  /** The open engine of a dataset; 503 where none is open. */
  const engineOf = (dataset: string): Engine => {
    const main = options.engine();
    const e = main?.dataset.name === dataset ? main : options.engines?.(dataset);
    if (!e) throw new ApiError('unavailable', `no data loaded yet for the ${dataset} dataset`);
    return e;
  };
  datasetRoutes(app, Object.values(DATASETS), (name) => (options.engine()?.dataset.name === name ? options.engine() : options.engines?.(name)));
  analyticsRoutes(app, Object.values(DATASETS), engineOf, limits.queryTimeoutMs);
  streamRoutes(app, STREAM_ENDPOINTS, engineOf, limits.queryTimeoutMs);
  if (options.debugToken) debugSqlRoutes(app, engine, options.debugToken, limits);
  if (options.debugToken && options.reload) adminRoutes(app, options.debugToken, options.reload);
  return app;
}
