// Queries served by a pool of worker threads, each with its own DuckDB; DuckDB's threads
// are divided among them. A worker that dies is replaced by piscina and its query tried
// once more. Every task names the pinned snapshot file and its id, so that a worker,
// whenever it starts, answers from the snapshot the engine announced (pin.ts).
// Known limit: a worker thread terminated while DuckDB is executing for it takes the whole
// process down (DuckDB's Node bindings abort when a callback finds its thread's
// environment gone); a worker that dies between queries, or in JavaScript, is harmless.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { QueryError } from './errors.ts';
import { siblingEntry } from './sibling-entry.ts';
import type { PlanResult } from './results.ts';
import type { Plan } from './query/nodes.ts';
import type { WorkerGate } from './worker-gate.ts';
import type { WorkerReply, WorkerTask } from './worker-protocol.ts';

/** `label` names what asked (metrics: the endpoint), where the executor reports timings. */
export type Executor = (plan: Plan, timeoutMs: number | undefined, gate?: WorkerGate, label?: string) => Promise<PlanResult>;

export interface QueryPool {
  readonly execute: Executor;
  /** Waits for the queries under way, then stops the workers. */
  close(): Promise<void>;
  /** The workers (tests kill one to prove the retry). */
  readonly threads: () => readonly { terminate(): Promise<number> }[];
}

/** The snapshot the workers answer from: the engine's pinned file and the id it read. */
export interface PoolSnapshot {
  readonly file: string;
  readonly snapshotId: string;
}

const WORKER = siblingEntry('worker', import.meta.url);

export function startPool(snapshot: PoolSnapshot, workers: number): QueryPool {
  const pool = new Piscina({
    filename: WORKER.url.href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 2 ** 31 - 1,
    // Workers load the TypeScript source through tsx (whatever started the main thread), or
    // the compiled JavaScript as it is.
    execArgv: [...WORKER.execArgv],
  });
  const threads = Math.max(1, Math.floor(availableParallelism() / workers));
  const once = async (plan: Plan, timeoutMs: number | undefined, gate?: WorkerGate): Promise<WorkerReply> =>
    (await pool.run({ file: snapshot.file, snapshotId: snapshot.snapshotId, threads, plan, timeoutMs, gate: gate?.buffer } satisfies WorkerTask)) as WorkerReply;
  return {
    async execute(plan, timeoutMs, gate) {
      let reply: WorkerReply;
      try {
        reply = await once(plan, timeoutMs, gate);
      } catch {
        // The worker died (or was terminated): piscina starts another; ask once more.
        reply = await once(plan, timeoutMs);
      }
      if (!reply.ok) throw new QueryError(reply.error.code, reply.error.message, reply.error.details);
      return reply.result;
    },
    close: () => pool.close(),
    threads: () => pool.threads,
  };
}
