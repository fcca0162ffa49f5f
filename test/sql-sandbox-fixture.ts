// The debug SQL endpoint on a real socket over a generated snapshot, for the sandbox suites:
// requests with the token, the moment each reaches the engine (explicit sequencing), and
// the memory of this process and of its descendants (the sandbox processes).
import { readFileSync, readdirSync } from 'node:fs';
import { Engine } from '../engine/engine.ts';
import type { EngineOptions } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import type { Limits } from '../server/config.ts';
import type { FastifyInstance } from 'fastify';

export const TOKEN = 'sandbox-token-0123456789';

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly ms: number;
  json(): Record<string, unknown>;
}

export interface SqlServer {
  readonly base: string;
  readonly engine: Engine;
  readonly app: FastifyInstance;
  /** POST /api/v1/debug/sql with the token. */
  sql(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
  /** Resolves when the n-th (1-based) request has reached the engine's adhoc(). */
  reached(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function sqlServer(db: string, options: { engine?: EngineOptions; limits?: Partial<Limits> } = {}): Promise<SqlServer> {
  const engine = await Engine.open(db, options.engine);
  // The app sees the engine through a stand-in that reports each call of adhoc().
  let calls = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  const seen = Object.create(engine) as Engine;
  seen.adhoc = (...args: Parameters<Engine['adhoc']>) => {
    calls++;
    for (const w of waiting.filter((x) => x.n <= calls)) w.resolve();
    return engine.adhoc(...args);
  };
  // No rate limit and no load shedding: the suites measure the endpoint, not those.
  const app = await buildApp({ engine: () => seen, debugToken: TOKEN, limits: { rateLimitPerMinute: 0, maxEventLoopDelayMs: 0, ...options.limits } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  // The sandbox processes start before the first timed request.
  await (engine as { sandbox?: { warm?: () => Promise<void> } }).sandbox?.warm?.();
  return {
    base,
    engine,
    app,
    async sql(body, headers = {}) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/debug/sql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers }, body: JSON.stringify(body) });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const ms = performance.now() - t0;
      const text = new TextDecoder().decode(bytes.byteLength > 1 << 20 ? bytes.subarray(0, 1 << 20) : bytes);
      return { status: res.status, headers: res.headers, bytes, text, ms, json: () => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown> };
    },
    reached: (n) => (calls >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    async close() {
      await app.close();
      engine.close();
    },
  };
}

/** Resident memory of a process in bytes (0 once it is gone). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The processes descending from `root` (the sandbox processes of this test process). */
export function descendants(root = process.pid): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => parent.forEach((pp, pid) => pp === p && (out.push(pid), walk(pid)));
  walk(root);
  return out;
}

/** The kernel's bound on a process's data segment (RLIMIT_DATA), in bytes; Infinity if none. */
export function dataLimitOf(pid: number): number {
  const m = /Max data size\s+(\S+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/** Samples this process's memory and its descendants' until stopped: the peaks, in bytes. */
export function memorySampler(everyMs = 25): { stop(): { self: number; children: number } } {
  let self = rssOf(process.pid);
  let children = 0;
  const sample = () => {
    self = Math.max(self, rssOf(process.pid));
    for (const pid of descendants()) children = Math.max(children, rssOf(pid));
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { self, children };
    },
  };
}

export const MiB = 1024 * 1024;
