// A query worker (piscina): its own read-only DuckDB over the snapshot file the engine
// pinned, answering query plans (runner.ts) with no cache, pool or sandbox of its own.
// Errors about the request travel back as data, so that the main thread can throw the same
// QueryError it would have thrown itself.
import { QueryError } from './errors.ts';
import { runPlan } from './runner.ts';
import { Snapshot } from './snapshot.ts';
import { datasetNamed } from './datasets/index.ts';
import { holdAtGate } from './worker-gate.ts';
import type { WorkerReply, WorkerTask } from './worker-protocol.ts';

let opened: { file: string; snapshot: Promise<Snapshot> } | undefined;

export default async function run(task: WorkerTask): Promise<WorkerReply> {
  if (opened?.file !== task.file) {
    const previous = opened;
    opened = { file: task.file, snapshot: Snapshot.openPinned(task.file, { threads: task.threads, dataset: datasetNamed(task.plan.dataset) }) };
    void previous?.snapshot.then((s) => s.retire(), () => {});
  }
  const snapshot = await opened.snapshot;
  // The file is pinned, so this holds; should the pin have failed (see pin.ts) and an
  // import have replaced the file, answering would mix snapshots: refuse instead.
  if (snapshot.meta.snapshotId !== task.snapshotId)
    throw new Error(`snapshot mismatch: the task is for snapshot ${task.snapshotId}, ${task.file} holds ${snapshot.meta.snapshotId}`);
  if (task.gate) await holdAtGate(task.gate);
  try {
    return { ok: true, result: await snapshot.use(() => runPlan(snapshot, task.plan, task.timeoutMs)) };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
    throw e;
  }
}
