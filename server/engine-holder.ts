// The engine currently serving, and the swap to a new snapshot (admin reload, SIGHUP): the
// new engine is opened completely before it replaces the old one, and the old one closes
// only when its in-flight queries are done, so no request fails or mixes snapshots.
import { Engine } from '../engine/index.ts';
import type { EngineOptions } from '../engine/index.ts';
import type { SnapshotMeta } from '../engine/index.ts';

/** Opens an engine over a path (tests substitute one to hold a reload open). */
export type OpenEngine = (path: string, options: EngineOptions) => Promise<Engine>;

/** Asks a newly opened engine what its first requests will, before it serves (warm-up.ts). */
export type WarmEngine = (engine: Engine) => Promise<void>;

export class EngineHolder {
  private engine: Engine | undefined;
  /** The reload under way, if any. */
  private running: Promise<SnapshotMeta> | undefined;
  /** The one reload to run after it, shared by every request made meanwhile. */
  private queued: Promise<SnapshotMeta> | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly options: EngineOptions = {},
    private readonly open: OpenEngine = (p, o) => Engine.open(p, o),
    private readonly warm?: WarmEngine,
  ) {}

  current(): Engine | undefined {
    return this.engine;
  }

  /** Opens the snapshot at the path (again) and swaps it in. A request made while a reload
   *  runs may come after a newer import than the one that reload opened, so it is not
   *  answered by that reload but by one more, started when it ends; all the requests made
   *  during one reload share that one. */
  reload(): Promise<SnapshotMeta> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const settled = this.running.then(() => {}, () => {});
    this.queued = settled.then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<SnapshotMeta> {
    const run = (async () => {
      if (this.closed) throw new Error('the server is shutting down');
      const next = await this.open(this.path, this.options);
      if (this.closed) {
        // Closed while it opened: nothing else would ever close it.
        await next.close();
        throw new Error('the server is shutting down');
      }
      await this.warm?.(next);
      const old = this.engine;
      this.engine = next;
      old?.retire();
      return next.meta;
    })();
    this.running = run;
    // Cleared before any request queued behind it runs (reactions run in order).
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  /** Stops serving: waits for the engine's queries and workers, then closes it. */
  async close(): Promise<void> {
    this.closed = true;
    // A reload under way would swap in an engine after this; let it end (it closes that).
    await Promise.allSettled([this.running, this.queued]);
    const e = this.engine;
    this.engine = undefined;
    await e?.shutdown();
  }
}
