// WORKERS > 0: every answer comes from the snapshot the engine announced, although the
// workers open the snapshot file themselves, later: after an import has replaced the file
// at the path, and when a dead worker is replaced. Answers are checked against plain SQL
// over each snapshot's source Parquet files; the engine's pinned links must not leak.
import { spawnSync } from 'node:child_process';
import { askBlog } from '../engine/index.ts';
import { linkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { pinHost, pinsOf } from '../engine/pin.ts';
import { WorkerGate } from '../engine/worker-gate.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { EngineHolder } from '../server/engine-holder.ts';
import { specFor } from '../server/routes/analytics.ts';
import { countryQuestion, countryReference, rowsOf } from './country-reference.ts';
import type { CountryRow } from './country-reference.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('pin-');
const P = join(dir.path, 'live.duckdb');
const SOURCE = { a: join(dir.path, 'a'), b: join(dir.path, 'b') };
const QUESTION = countryQuestion(END);
const want: Record<'a' | 'b', CountryRow[]> = { a: [], b: [] };

const ask = async (e: Engine, gate?: WorkerGate): Promise<unknown> =>
  rowsOf(await askBlog(e, specFor('blog-views', QUESTION, e), gate ? { workerGate: gate } : {}));

/** Kills every worker of the engine while it is idle (between queries: see pool.ts). */
async function killWorkers(e: Engine): Promise<void> {
  const threads = [...e.workerThreads()];
  expect(threads.length).toBeGreaterThan(0);
  await Promise.all(threads.map((t) => t.terminate()));
}

beforeAll(async () => {
  await generate({ views: 8_000, seed: 1, out: SOURCE.a, end: END });
  await generate({ views: 8_000, seed: 2, out: SOURCE.b, end: END });
  want.a = await countryReference(SOURCE.a, END);
  want.b = await countryReference(SOURCE.b, END);
  expect(want.a).not.toEqual(want.b);
});
afterAll(() => dir.cleanup());

describe('an engine with workers', () => {
  it('answers from the snapshot it opened when an import replaced the file before its workers opened it', async () => {
    await importSnapshot({ source: SOURCE.a, dbPath: P });
    const e = await Engine.open(P, { workers: 2, cacheEntries: 0 });
    try {
      await importSnapshot({ source: SOURCE.b, dbPath: P });
      // Several at once, so that both workers open the file.
      for (const answer of await Promise.all([1, 2, 3, 4].map(() => ask(e)))) expect(answer).toEqual(want.a);
    } finally {
      await e.close();
    }
  });

  it('answers from the snapshot it opened after a worker is replaced, between queries or mid-query', async () => {
    await importSnapshot({ source: SOURCE.a, dbPath: P });
    const e = await Engine.open(P, { workers: 1, cacheEntries: 0 });
    try {
      expect(await ask(e)).toEqual(want.a);
      await importSnapshot({ source: SOURCE.b, dbPath: P });
      await killWorkers(e);
      expect(await ask(e)).toEqual(want.a);
      // Killed while it holds a query: the query is retried on the replacement.
      const gate = new WorkerGate();
      const pending = ask(e, gate);
      await gate.reached();
      await killWorkers(e);
      expect(await pending).toEqual(want.a);
    } finally {
      await e.close();
    }
  });

  it('answers from the new snapshot after a reload; a query in flight across the reload, from the old', async () => {
    await importSnapshot({ source: SOURCE.a, dbPath: P });
    const holder = new EngineHolder(P, { workers: 1, cacheEntries: 0 });
    try {
      await holder.reload();
      const old = holder.current()!;
      expect(await ask(old)).toEqual(want.a);
      const gate = new WorkerGate();
      const inFlight = ask(old, gate);
      await gate.reached();
      await importSnapshot({ source: SOURCE.b, dbPath: P });
      await holder.reload();
      const next = holder.current()!;
      expect(next).not.toBe(old);
      expect(await ask(next)).toEqual(want.b);
      await killWorkers(next);
      expect(await ask(next)).toEqual(want.b);
      // The old engine is retired but still has a query; its worker dies, and the retry on
      // the replacement still reads the old snapshot.
      await killWorkers(old);
      expect(await inFlight).toEqual(want.a);
      await old.released;
      expect(pinsOf(P).map((p) => p.pid)).toEqual([process.pid]);
    } finally {
      await holder.close();
    }
    expect(pinsOf(P)).toEqual([]);
  });
});

describe('pinned snapshot files', () => {
  it('are removed on close and retire; links of dead processes are removed on the next open, of live ones and other hosts\' kept', async () => {
    await importSnapshot({ source: SOURCE.a, dbPath: P });
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = `${P}.pin-${pinHost()}-${deadPid}-0123abcd`;
    // The parent of this test process: alive while the test runs, and not this process.
    const live = `${P}.pin-${pinHost()}-${process.ppid}-4567ef01`;
    // A process this host cannot see: its pid says nothing here.
    const elsewhere = `${P}.pin-other-host.example-${deadPid}-89abcdef`;
    linkSync(P, dead);
    linkSync(P, live);
    linkSync(P, elsewhere);
    const kept = [elsewhere, live].sort();
    try {
      expect(pinsOf(P).map((p) => p.file).sort()).toEqual([dead, elsewhere, live].sort());
      const holder = new EngineHolder(P, { workers: 1, cacheEntries: 0 });
      try {
        await holder.reload();
        const first = holder.current()!;
        const mine = () => pinsOf(P).filter((p) => p.pid === process.pid).map((p) => p.file);
        expect(pinsOf(P).map((p) => p.file)).not.toContain(dead);
        expect(pinsOf(P).map((p) => p.file)).toEqual(expect.arrayContaining(kept));
        expect(mine()).toHaveLength(1);
        const firstPin = mine()[0];
        expect(await ask(first)).toEqual(want.a);
        await importSnapshot({ source: SOURCE.b, dbPath: P });
        await holder.reload();
        await first.released;
        expect(mine()).toHaveLength(1);
        expect(mine()[0]).not.toBe(firstPin);
        expect(await ask(holder.current()!)).toEqual(want.b);
      } finally {
        await holder.close();
      }
      expect(pinsOf(P).map((p) => p.file).sort()).toEqual(kept);
      // A failed open leaves no pin either.
      await expect(Engine.open(join(dir.path, 'missing.duckdb'))).rejects.toThrow(/no snapshot at/);
      const broken = join(dir.path, 'broken.duckdb');
      const db = await Database.open(broken);
      db.close();
      await expect(Engine.open(broken, { workers: 1 })).rejects.toThrow(/snapshot_meta/);
      expect(pinsOf(broken)).toEqual([]);
    } finally {
      for (const f of [dead, live, elsewhere]) rmSync(f, { force: true });
    }
  });
});
