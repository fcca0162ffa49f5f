// Shared test fixtures: temporary folders and small generated data sets.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import type { AppOptions } from '../server/app.ts';

export const END = new Date('2026-11-01T00:00:00Z');

/** Limits for apps that tests build to check answers, not protections: no load shedding
 *  (it reacts to the event-loop lag of a busy machine, or of the test's own synchronous
 *  reference computations in the same process), no rate limit, and a query time limit no
 *  loaded machine reaches (the test's own timeout is the limit). */
export const STEADY_LIMITS = { maxEventLoopDelayMs: 0, rateLimitPerMinute: 0, queryTimeoutMs: 600_000 } as const;

export function tempDir(prefix = 'bae-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Generates `views` views into dir/parquet and imports them into dir/snap.duckdb. */
export async function generatedSnapshot(dir: string, views = 20_000, seed = 7): Promise<{ parquet: string; db: string }> {
  const parquet = join(dir, 'parquet');
  const db = join(dir, 'snap.duckdb');
  await generate({ views, seed, out: parquet, end: END });
  await importSnapshot({ source: parquet, dbPath: db });
  return { parquet, db };
}

export interface Served {
  readonly engine: Engine;
  readonly app: FastifyInstance;
  /** The app's URL on a free loopback port. */
  readonly base: string;
  close(): Promise<void>;
}

/** An engine over the snapshot at `db` and the app over it, listening on a real socket. */
export async function serveSnapshot(db: string, options: Omit<AppOptions, 'engine'> = {}): Promise<Served> {
  const engine = await Engine.open(db);
  try {
    const app = await buildApp({ ...options, engine: () => engine });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { engine, app, base, close: async () => { await app.close(); engine.close(); } };
  } catch (e) {
    engine.close();
    throw e;
  }
}

/** Starts `server/main.ts` as `npm start` would, on a free port, and resolves with its URL
 *  once it listens. */
export async function spawnServer(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: 'pipe',
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { child, url };
}

/** A small seeded PRNG (mulberry32): random tests that replay the same way every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
