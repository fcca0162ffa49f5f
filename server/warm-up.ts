// What a newly opened engine is asked before it serves: the first page of each of its
// dataset's streamed answers (/fetch/), read once and dropped. The first request of a fresh
// server otherwise waits for DuckDB to read those blocks and for the code paths to compile
// (at 1M members: /fetch/'s first byte ~55 ms cold, ~35 ms after). Nothing is cached: the
// request still asks the database. A failure here is only a cold start, logged.
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
