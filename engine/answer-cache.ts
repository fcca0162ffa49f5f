// The answers already given, by normalised plan, and the questions under way: a repeated
// question is answered from the cache, and concurrent askers of the same question share one
// query. A snapshot never changes, so an answer never goes stale; a reload opens a new
// engine, and with it an empty cache.
import { LRUCache } from 'lru-cache';
import type { Plan } from './query/nodes.ts';
import type { PlanResult } from './results.ts';
import type { QueryInfo } from './runner.ts';

export class AnswerCache {
  /** Answers served from the cache (for metrics and tests). */
  cacheHits = 0;
  /** Answers handed to a request that joined a question already under way (metrics, tests). */
  joinedQueries = 0;
  private readonly lru: LRUCache<string, PlanResult> | undefined;
  /** Questions under way, by cache key: later askers share the first one's answer. */
  private readonly inFlight = new Map<string, Promise<PlanResult>>();

  /** `entries`: answers kept (0: no cache, and no sharing). */
  constructor(entries: number, private readonly onQuery: ((info: QueryInfo) => void) | undefined) {
    this.lru = entries > 0 ? new LRUCache({ max: entries }) : undefined;
  }

  /** The answer to `plan`: from the cache, from the same question under way, or from
   *  `compute` (called at once, before any await). `fresh` computes afresh (the answer is
   *  still stored), neither joining nor joined. */
  answer(plan: Plan, fresh: boolean, compute: () => Promise<PlanResult>, label: string = plan.kind): Promise<PlanResult> {
    // The plan is plain data: its JSON is the normalised request (defaults applied, the
    // window resolved to instants, the filter parsed).
    const key = this.lru ? JSON.stringify(plan) : '';
    if (this.lru && !fresh) {
      const hit = this.lru.get(key);
      if (hit) {
        this.cacheHits++;
        this.onQuery?.({ kind: label, cached: true, ms: 0 });
        return Promise.resolve(hit);
      }
    }
    const shared = this.lru && !fresh;
    const running = shared ? this.inFlight.get(key) : undefined;
    if (running) {
      this.joinedQueries++;
      this.onQuery?.({ kind: label, cached: true, ms: 0 });
      return running;
    }
    const computed = compute().then((result) => {
      this.lru?.set(key, result);
      return result;
    });
    if (shared) {
      this.inFlight.set(key, computed);
      const forget = () => this.inFlight.delete(key);
      computed.then(forget, forget);
    }
    return computed;
  }
}
