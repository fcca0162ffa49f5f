// Reloads asked for while one runs: that reload may have opened the file before a newer
// import, so they are answered by exactly one more reload after it, never by the running
// one. The first reload is held open by a hook, so no timing is involved.
import { join } from 'node:path';
import { askBlog } from '../engine/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import type { SnapshotMeta } from '../engine/meta.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { EngineHolder } from '../server/engine-holder.ts';
import type { OpenEngine } from '../server/engine-holder.ts';
import { specFor } from '../server/routes/analytics.ts';
import { countryQuestion, countryReference, rowsOf } from './country-reference.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('coalesce-');
const P = join(dir.path, 'live.duckdb');
const SOURCE = ['a', 'b', 'c'].map((s) => join(dir.path, s));

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** An opener that records every snapshot it opens and can hold one open: once opened, it
 *  says so and waits to be released before the reload may go on. */
function recordingOpener(): { open: OpenEngine; opened: string[]; holdNext: () => { reached: Promise<void>; release: () => void } } {
  const opened: string[] = [];
  let hold: { reached: { resolve: () => void }; release: Promise<void> } | undefined;
  const open: OpenEngine = async (path, options) => {
    const e = await Engine.open(path, options);
    opened.push(e.meta.snapshotId);
    const h = hold;
    hold = undefined;
    if (h) {
      h.reached.resolve();
      await h.release;
    }
    return e;
  };
  return {
    open,
    opened,
    holdNext: () => {
      const reached = deferred();
      const release = deferred();
      hold = { reached, release: release.promise };
      return { reached: reached.promise, release: () => release.resolve() };
    },
  };
}

beforeAll(async () => {
  for (const [i, out] of SOURCE.entries()) await generate({ views: 4_000, seed: 30 + i, out, end: END });
});
afterAll(() => dir.cleanup());

describe('reloads asked for during a reload', () => {
  it('cause exactly one more reload after it, which serves the newest snapshot', async () => {
    const metaA = await importSnapshot({ source: SOURCE[0]!, dbPath: P });
    const rec = recordingOpener();
    const holder = new EngineHolder(P, { cacheEntries: 0 }, rec.open);
    try {
      expect((await holder.reload()).snapshotId).toBe(metaA.snapshotId);
      const metaB = await importSnapshot({ source: SOURCE[1]!, dbPath: P });
      const hold = rec.holdNext();
      const first = holder.reload();
      await hold.reached; // the first reload has opened B and is held there
      const metaC = await importSnapshot({ source: SOURCE[2]!, dbPath: P });
      const during = [holder.reload(), holder.reload(), holder.reload()];
      hold.release();
      expect((await first).snapshotId).toBe(metaB.snapshotId);
      const metas: SnapshotMeta[] = await Promise.all(during);
      for (const m of metas) expect(m.snapshotId).toBe(metaC.snapshotId);
      expect(rec.opened).toEqual([metaA.snapshotId, metaB.snapshotId, metaC.snapshotId]);
      const e = holder.current()!;
      expect(e.meta.snapshotId).toBe(metaC.snapshotId);
      expect(rowsOf(await askBlog(e, specFor('blog-views', countryQuestion(END), e)))).toEqual(await countryReference(SOURCE[2]!, END));
      // With none running, a reload starts at once and opens once.
      expect((await holder.reload()).snapshotId).toBe(metaC.snapshotId);
      expect(rec.opened).toHaveLength(4);
    } finally {
      await holder.close();
    }
  });

  it('still run after a reload that failed', async () => {
    const metaA = await importSnapshot({ source: SOURCE[0]!, dbPath: P });
    const rec = recordingOpener();
    let failNext = true;
    const holder = new EngineHolder(P, { cacheEntries: 0 }, async (path, options) => {
      const e = await rec.open(path, options);
      if (failNext) {
        failNext = false;
        await e.close();
        throw new Error('this open fails');
      }
      return e;
    });
    try {
      const hold = rec.holdNext();
      const first = holder.reload();
      await hold.reached;
      const metaB = await importSnapshot({ source: SOURCE[1]!, dbPath: P });
      const again = holder.reload();
      hold.release();
      await expect(first).rejects.toThrow('this open fails');
      expect((await again).snapshotId).toBe(metaB.snapshotId);
      expect(rec.opened).toEqual([metaA.snapshotId, metaB.snapshotId]);
      expect(holder.current()!.meta.snapshotId).toBe(metaB.snapshotId);
    } finally {
      await holder.close();
    }
  });
});
