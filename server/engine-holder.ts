// The engine currently serving, and the swap to a new snapshot (admin reload, SIGHUP): the
// new engine is opened completely before it replaces the old one, and the old one closes
// only when its in-flight queries are done, so no request fails or mixes snapshots.
import { Engine } from '../engine/engine.ts';
import type { EngineOptions } from '../engine/engine.ts';
import type { SnapshotMeta } from '../engine/meta.ts';

export class EngineHolder {
  private engine: Engine | undefined;
  private reloading: Promise<SnapshotMeta> | undefined;

  constructor(
    private readonly path: string,
    private readonly options: EngineOptions = {},
  ) {}

  current(): Engine | undefined {
    return this.engine;
  }

  /** Opens the snapshot at the path (again) and swaps it in; concurrent calls share one. */
  reload(): Promise<SnapshotMeta> {
    this.reloading ??= (async () => {
      try {
        const next = await Engine.open(this.path, this.options);
        const old = this.engine;
        this.engine = next;
        old?.retire();
        return next.meta;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** Stops serving: waits for the engine's queries and workers, then closes it. */
  async close(): Promise<void> {
    const e = this.engine;
    this.engine = undefined;
    await e?.shutdown();
  }
}
