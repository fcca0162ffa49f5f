// What a newly opened engine is asked before it serves: the first page of each of its
// dataset's streamed answers (/fetch/), read once and dropped; and, before the server first
// listens, one request to each such route of a dataset it serves (its code compiled: the
// route, validation, the stream). The first request of a fresh server otherwise waits for
// DuckDB to read those blocks and for that code to compile (at 1M members: /fetch/'s first
// byte ~80 ms cold, ~35-50 ms after). Nothing is cached: a request still asks the database.
// A failure here is only a cold start, logged.
import type { FastifyInstance } from 'fastify';
import type { AnyStreamEndpoint, Engine } from '../engine/index.ts';
import type { WarmEngine } from './engine-holder.ts';

export function streamsWarmUp(dataset: string, endpoints: readonly AnyStreamEndpoint[], onError: (e: unknown) => void): WarmEngine {
  const mine = endpoints.filter((e) => e.dataset === dataset);
  return async (engine: Engine) => {
    for (const e of mine) {
      const plan = e.plan({ offset: 0 } as never);
      const pages = engine.walk(plan, { batch: plan.limit, first: e.first, offset: 0, limit: undefined, label: `${e.operation} (warm-up)` });
      try {
        await pages.next();
      } catch (err) {
        onError(err);
      } finally {
        await pages.return(undefined);
      }
    }
  };
}

/** One request to each streamed route whose dataset `serves`, answered through the app (no
 *  socket) and dropped. */
export async function warmRoutes(app: FastifyInstance, endpoints: readonly AnyStreamEndpoint[], serves: (dataset: string) => boolean, onError: (e: unknown) => void): Promise<void> {
  for (const e of endpoints.filter((x) => serves(x.dataset))) {
    try {
      await app.inject({ method: 'GET', url: `${e.paths[0]}?limit=${e.first ?? 1}` });
    } catch (err) {
      onError(err);
    }
  }
}
