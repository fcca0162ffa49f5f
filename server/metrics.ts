// Prometheus metrics: requests and latency per route, query time per kind, cache hits.
// One registry per app, so that apps built side by side (tests) keep their own counts.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { QueryInfo } from '../engine/index.ts';
import { accessKeyName } from './access-keys.ts';

export interface Metrics {
  readonly registry: Registry;
  query(info: QueryInfo): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const queries = new Histogram({
    name: 'analytics_query_duration_seconds',
    help: 'Time DuckDB took per analytics query (cache misses)',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const cache = new Counter({ name: 'analytics_cache_total', help: 'Analytics answers by cache outcome', labelNames: ['outcome'], registers: [registry] });
  return {
    registry,
    query(info) {
      cache.inc({ outcome: info.cached ? 'hit' : 'miss' });
      if (!info.cached) queries.observe({ kind: info.kind }, info.ms / 1000);
    },
  };
}

/** Counts and times every request by route (the route's pattern, not the raw URL), and the
 *  requests let in with an access key by the key's name (never its secret). */
export function installMetrics(app: FastifyInstance, metrics: Metrics): void {
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [metrics.registry] });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [metrics.registry],
  });
  // A counter of its own: the labels of http_requests_total stay as they were for dashboards.
  const byKey = new Counter({ name: 'http_requests_by_key_total', help: 'HTTP requests by access key name', labelNames: ['key', 'route', 'status'], registers: [metrics.registry] });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    requests.inc({ method: request.method, route, status });
    const key = accessKeyName(request);
    if (key !== undefined) byKey.inc({ key, route, status });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
