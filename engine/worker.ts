// A query worker (piscina): its own read-only DuckDB over the snapshot, answering query
// specs. Errors about the request travel back as data, so that the main thread can throw
// the same QueryError it would have thrown itself.
import { Engine } from './engine.ts';
import { QueryError } from './errors.ts';
import type { AnalyticsResult } from './engine.ts';
import type { QuerySpec } from './query/spec.ts';

export interface WorkerTask {
  readonly path: string;
  readonly threads: number;
  readonly spec: QuerySpec;
  readonly timeoutMs: number | undefined;
  /** Tests: wait this long before querying, so that a worker can be killed mid-request
   *  while it is not inside DuckDB (see pool.ts on why that matters). */
  readonly pauseMs?: number | undefined;
}

export type WorkerReply =
  | { readonly ok: true; readonly result: AnalyticsResult }
  | { readonly ok: false; readonly error: { readonly code: QueryError['code']; readonly message: string; readonly details: QueryError['details'] } };

let opened: { path: string; engine: Promise<Engine> } | undefined;

export default async function run(task: WorkerTask): Promise<WorkerReply> {
  if (opened?.path !== task.path) {
    const previous = opened;
    opened = { path: task.path, engine: Engine.open(task.path, { cacheEntries: 0, threads: task.threads }) };
    void previous?.engine.then((e) => e.retire(), () => {});
  }
  const engine = await opened.engine;
  if (task.pauseMs) await new Promise((r) => setTimeout(r, task.pauseMs));
  try {
    return { ok: true, result: await engine.run(task.spec, { noCache: true, ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }) }) };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
    throw e;
  }
}
