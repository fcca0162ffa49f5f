// A query worker (piscina): its own read-only DuckDB over the snapshot file the engine
// pinned, answering query specs. Errors about the request travel back as data, so that the
// main thread can throw the same QueryError it would have thrown itself.
import { Engine } from './engine.ts';
import { QueryError } from './errors.ts';
import { holdAtGate } from './worker-gate.ts';
import type { WorkerReply, WorkerTask } from './worker-protocol.ts';

let opened: { file: string; engine: Promise<Engine> } | undefined;

export default async function run(task: WorkerTask): Promise<WorkerReply> {
  if (opened?.file !== task.file) {
    const previous = opened;
    opened = { file: task.file, engine: Engine.openPinned(task.file, { cacheEntries: 0, threads: task.threads }) };
    void previous?.engine.then((e) => e.retire(), () => {});
  }
  const engine = await opened.engine;
  // The file is pinned, so this holds; should the pin have failed (see pin.ts) and an
  // import have replaced the file, answering would mix snapshots: refuse instead.
  if (engine.meta.snapshotId !== task.snapshotId)
    throw new Error(`snapshot mismatch: the task is for snapshot ${task.snapshotId}, ${task.file} holds ${engine.meta.snapshotId}`);
  if (task.gate) await holdAtGate(task.gate);
  try {
    return { ok: true, result: await engine.run(task.spec, { noCache: true, ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }) }) };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
    throw e;
  }
}
