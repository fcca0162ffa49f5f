// The real server as the benchmark runs it: `server/main.ts` in a child process on a free
// loopback port, its log written to a file (never to the benchmark's own output, where it
// would break into the tables), ready once `/ready` answers 200.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface BenchServer {
  readonly base: string;
  readonly child: ChildProcess;
  /** Stops the server (SIGTERM) and resolves once it has exited. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

export interface ServerOptions {
  readonly root: string;
  readonly snapshot: string;
  readonly port: number;
  readonly workers: number;
  /** An open file descriptor the server's stdout and stderr go to. */
  readonly logFd: number;
  /** The log's path, named in messages. */
  readonly logPath: string;
  /** More environment (DATA_DIR for another dataset's snapshot). */
  readonly env?: Readonly<Record<string, string>>;
  /** Polled until it answers 200 (default /ready, which is the blog's snapshot). */
  readonly readyPath?: string;
}

export async function startServer(o: ServerOptions): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(o.root, 'server', 'main.ts')], {
    env: { ...process.env, ANALYTICS_DB: o.snapshot, PORT: String(o.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', WORKERS: String(o.workers), RATE_LIMIT_PER_MINUTE: '0', ...o.env },
    stdio: ['ignore', o.logFd, o.logFd],
  });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve();
    }),
  );
  const stop = async () => {
    if (exit === undefined) child.kill('SIGTERM');
    await exited;
  };
  const base = `http://127.0.0.1:${o.port}`;
  // Polled: a starting server has no event to wait for but its answer.
  for (let i = 0; ; i++) {
    if (exit !== undefined) throw new Error(`the server exited (${exit}) before it was ready; its log: ${o.logPath}`);
    if (await fetch(`${base}${o.readyPath ?? '/ready'}`).then((r) => r.ok, () => false)) break;
    if (i > 600) {
      await stop();
      throw new Error(`the server was not ready after 60 s; its log: ${o.logPath}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, child, stop };
}

/** Asks every URL once, all at once, uncached: a worker pool starts its workers (each opens
 *  the snapshot, ~1 s) before it is measured, as the single-process server was warmed by the
 *  per-variant runs. A short measured run would otherwise complete no request. */
export async function warm(base: string, paths: readonly string[]): Promise<void> {
  await Promise.all(
    paths.map(async (p) => {
      const r = await fetch(`${base}${p}`, { headers: { 'cache-control': 'no-cache' } });
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`warming the server: ${p}: ${r.status}`);
    }),
  );
}

/** A process's resident memory now and at its peak, in MiB (Linux), or null. */
export function rss(pid: number | undefined): { current: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { current: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}
