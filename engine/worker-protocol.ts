// What the pool (main thread) and a query worker send each other. Its own module, so that
// neither imports the other, nor the engine that starts the pool.
import type { QueryError } from './errors.ts';
import type { PlanResult } from './results.ts';
import type { Plan } from './query/nodes.ts';

export interface WorkerTask {
  /** The snapshot file the engine pinned (see pin.ts): never replaced while the engine runs. */
  readonly file: string;
  /** The snapshot's id as the engine read it: a worker whose file says otherwise refuses. */
  readonly snapshotId: string;
  readonly threads: number;
  readonly plan: Plan;
  readonly timeoutMs: number | undefined;
  /** Tests: a WorkerGate's buffer; the worker holds the query there (worker-gate.ts). */
  readonly gate?: SharedArrayBuffer | undefined;
}

export type WorkerReply =
  | { readonly ok: true; readonly result: PlanResult }
  | { readonly ok: false; readonly error: { readonly code: QueryError['code']; readonly message: string; readonly details: QueryError['details'] } };
