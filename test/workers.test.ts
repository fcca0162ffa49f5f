// WORKERS > 0: queries answered by worker threads with their own DuckDB, the same answers
// as the main thread's; a worker killed mid-request is replaced and the request retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBlog } from '../engine/index.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { specFor } from '../server/routes/analytics.ts';
import { WorkerGate } from '../engine/worker-gate.ts';
import { END, generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('work-');
let pooled: Engine;
let direct: Engine;
let snapshot: string;
const asOf = END.toISOString();

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 30_000, 21);
  snapshot = db;
  pooled = await Engine.open(db, { workers: 2, cacheEntries: 0 });
  direct = await Engine.open(db, { cacheEntries: 0 });
});
afterAll(async () => {
  await pooled?.close();
  await direct?.close();
  dir.cleanup();
});

const QUESTIONS: [Parameters<typeof specFor>[0], Record<string, unknown>][] = [
  ['blog-views', { as_of: asOf, object_type: 'user', range: 'all' }],
  ['top', { as_of: asOf, top: 'blog', filters: { field: 'blog__title', op: 'contains', value: 'a' } }],
  ['performance', { as_of: asOf, compare: 'week', tz: 'America/New_York' }],
];

describe('worker threads', () => {
  it('answer as the main thread does', async () => {
    for (const [name, m] of QUESTIONS) expect(await askBlog(pooled, specFor(name, m, pooled))).toEqual(await askBlog(direct, specFor(name, m, direct)));
  });

  it('carry request errors back as the same errors', async () => {
    await expect(askBlog(pooled, specFor('performance', { user_id: 987654 }, pooled))).rejects.toMatchObject({ name: 'QueryError', code: 'not_found' });
  });

  // Killed while the request is held in the worker's JavaScript (a WorkerGate): a thread
  // killed inside DuckDB takes the process down (see engine/pool.ts), which no retry can help.
  it('survive a worker killed mid-request: the answer is still right', async () => {
    const [name, m] = QUESTIONS[0]!;
    const want = await askBlog(direct, specFor(name, m, direct));
    // One worker, so that the request is surely on the one killed.
    const single = await Engine.open(snapshot, { workers: 1, cacheEntries: 0 });
    try {
      expect(await askBlog(single, specFor(name, m, single))).toEqual(want);
      for (let round = 0; round < 3; round++) {
        const gate = new WorkerGate();
        const pending = askBlog(single, specFor(name, m, single), { workerGate: gate });
        // The worker holds the request: the kill lands there, never inside DuckDB.
        await gate.reached();
        const threads = single.workerThreads();
        expect(threads).toHaveLength(1);
        await threads[0]!.terminate();
        expect(await pending).toEqual(want);
      }
    } finally {
      await single.close();
    }
  });

  it('serve HTTP', async () => {
    const app = await buildApp({ engine: () => pooled });
    try {
      const res = await app.inject({ url: `/api/v1/analytics/top?top=country&as_of=${asOf}` });
      expect(res.statusCode).toBe(200);
      const want = await askBlog(direct, specFor('top', { top: 'country', as_of: asOf }, direct));
      expect(res.json()['data']).toEqual(want.kind === 'grouped' ? want.rows : []);
    } finally {
      await app.close();
    }
  });
});
