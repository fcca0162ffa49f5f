// Switching snapshots under load: POST /api/v1/admin/reload and SIGHUP, with requests in
// flight over a real socket; every answer is a 200 and exactly the old or the new one.
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { EngineHolder } from '../server/engine-holder.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { END, spawnServer, tempDir } from './helpers.ts';

const dir = tempDir('reload-');
const TOKEN = 's3cret-token-value';
const P = join(dir.path, 'live.duckdb');
const PATH = `/api/v1/analytics/top?top=blog&limit=5&as_of=${END.toISOString()}`;
let holder: EngineHolder;
let app: FastifyInstance;
let base: string;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function answerOf(source: string): Promise<string> {
  const db = join(dir.path, `${source.split('/').pop()}.duckdb`);
  await importSnapshot({ source, dbPath: db });
  const h = new EngineHolder(db);
  await h.reload();
  const a = await buildApp({ engine: () => h.current() });
  try {
    return JSON.stringify((await a.inject({ url: PATH })).json()['data']);
  } finally {
    await a.close();
    await h.close();
  }
}

let A: string;
let B: string;
beforeAll(async () => {
  await generate({ views: 20_000, seed: 1, out: join(dir.path, 'a'), end: END });
  await generate({ views: 20_000, seed: 2, out: join(dir.path, 'b'), end: END });
  [A, B] = [await answerOf(join(dir.path, 'a')), await answerOf(join(dir.path, 'b'))];
  expect(A).not.toBe(B);
  await importSnapshot({ source: join(dir.path, 'a'), dbPath: P });
  holder = new EngineHolder(P);
  await holder.reload();
  app = await buildApp({ engine: () => holder.current(), debugToken: TOKEN, reload: () => holder.reload() });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await holder?.close();
  dir.cleanup();
});

describe('admin reload', () => {
  it('requires the bearer token and never echoes it', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer ']) {
      const res = await fetch(`${base}/api/v1/admin/reload`, { method: 'POST', headers: auth ? { authorization: auth } : {} });
      expect(res.status, String(auth)).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'unauthorized' });
      expect(text).not.toContain(TOKEN);
    }
  });

  it('does not exist without a debug token', async () => {
    const plain = await buildApp({ engine: () => holder.current() });
    try {
      expect((await plain.inject({ method: 'POST', url: '/api/v1/admin/reload' })).statusCode).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('swaps snapshots with requests in flight: no failure, no mixed answer', async () => {
    const LOOPS = 12;
    const seen: string[] = [];
    /** Answers to requests sent after the reload had answered. */
    const late: string[] = [];
    const failures: string[] = [];
    let stop = false;
    let reloaded = false;
    // Phases are events, not times: every loop has had an answer from the old snapshot
    // before the import; every loop has sent a request after the reload and had its answer
    // before the loops stop.
    const answeredBefore = new Set<number>();
    const answeredAfter = new Set<number>();
    const allBefore = deferred();
    const allAfter = deferred();
    const loop = async (id: number) => {
      while (!stop) {
        const sentAfter = reloaded;
        try {
          const res = await fetch(`${base}${PATH}`);
          const body = (await res.json()) as { data: unknown };
          if (res.status !== 200) failures.push(`${res.status} ${JSON.stringify(body)}`);
          else {
            seen.push(JSON.stringify(body.data));
            if (sentAfter) late.push(JSON.stringify(body.data));
          }
        } catch (e) {
          failures.push(String(e));
        }
        // A failed request counts too, so that a failure ends the test rather than a timeout.
        if (!reloaded && answeredBefore.add(id).size === LOOPS) allBefore.resolve();
        if (sentAfter && answeredAfter.add(id).size === LOOPS) allAfter.resolve();
      }
    };
    const loops = Array.from({ length: LOOPS }, (_, i) => loop(i));
    await allBefore.promise;
    await importSnapshot({ source: join(dir.path, 'b'), dbPath: P });
    const res = await fetch(`${base}/api/v1/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    reloaded = true;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { snapshot: { rows: Record<string, number> } }).snapshot.rows['blog_view']).toBe(20_000);
    await allAfter.promise;
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(seen.every((s) => s === A || s === B)).toBe(true);
    expect(seen.filter((s) => s === A).length).toBeGreaterThan(0);
    expect(seen.filter((s) => s === B).length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(B);
    expect(late.length).toBeGreaterThanOrEqual(LOOPS);
    expect(late.every((s) => s === B)).toBe(true);
  });
});

describe('SIGHUP', () => {
  it('makes a running server pick up the new snapshot', async () => {
    const db = join(dir.path, 'hup.duckdb');
    await importSnapshot({ source: join(dir.path, 'a'), dbPath: db });
    const { child, url } = await spawnServer({ ANALYTICS_DB: db });
    try {
      const get = async () => JSON.stringify(((await (await fetch(`${url}${PATH}`)).json()) as { data: unknown }).data);
      expect(await get()).toBe(A);
      await importSnapshot({ source: join(dir.path, 'b'), dbPath: db });
      expect(await get()).toBe(A);
      // The server logs the outcome of the reload SIGHUP starts: wait for that line.
      const outcome = new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /SIGHUP: (snapshot reloaded|reload failed)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
      child.kill('SIGHUP');
      expect(await outcome).toBe('snapshot reloaded');
      expect(await get()).toBe(B);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
